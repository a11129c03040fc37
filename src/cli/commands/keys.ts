import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import type { Services } from '../../app/services.js';
import { keyView } from '../../app/keys.js';
import { openLocal } from '../../main.js';
import { table, type Output } from '../output.js';

export function keysCommand(program: Command, out: () => Output): void {
  const keys = program.command('keys').description('manage API keys (on the local data folder)');
  const withLocal = async <T>(
    o: { data?: string | undefined; db?: string | undefined },
    fn: (s: Services) => Promise<T>,
  ): Promise<T> => {
    const s = await openLocal(loadConfig({ dataDir: o.data, databaseUrl: o.db }));
    try {
      return await fn(s);
    } finally {
      await s.close();
    }
  };
  keys
    .command('create')
    .description('create an API key bound to one tenant; prints the token once')
    .requiredOption('--tenant <tenant>', 'the tenant the key is bound to')
    .option('--scopes <list>', 'comma-separated: ingest, read, admin', 'ingest')
    .option('--name <name>', 'a label for people', 'cli')
    .option('--data <dir>', 'data folder')
    .option('--db <url>', 'PostgreSQL database (env VERITRAIL_DATABASE_URL)')
    .action(
      async (o: { tenant: string; scopes: string; name: string; data?: string; db?: string }) => {
        const { key, token } = await withLocal(o, async (s) => {
          const r = await s.keys.create({
            tenant: o.tenant,
            name: o.name,
            scopes: o.scopes.split(',').map((x) => x.trim()),
          });
          await s.audit.record({ kind: 'admin' }, 'admin.key_create', r.key.tenant, {
            key_id: r.key.id,
            scopes: r.key.scopes.join(','),
            via: 'cli',
          });
          return r;
        });
        out().result(
          { ...keyView(key), token },
          () =>
            `created key ${key.id} for tenant ${key.tenant} (${key.scopes.join(',')})\ntoken (shown once): ${token}`,
        );
      },
    );
  keys
    .command('list')
    .description('list API keys (never their secrets)')
    .option('--tenant <tenant>', 'only this tenant')
    .option('--data <dir>', 'data folder')
    .option('--db <url>', 'PostgreSQL database (env VERITRAIL_DATABASE_URL)')
    .action(async (o: { tenant?: string; data?: string; db?: string }) => {
      const list = await withLocal(o, (s) => s.keys.list(o.tenant));
      out().result(list.map(keyView), () =>
        list.length === 0
          ? 'no keys'
          : table([
              ['ID', 'TENANT', 'SCOPES', 'NAME', 'CREATED', 'REVOKED'],
              ...list.map((k) => [
                k.id,
                k.tenant,
                k.scopes.join(','),
                k.name,
                k.createdAt,
                k.revokedAt ?? '-',
              ]),
            ]),
      );
    });
  keys
    .command('revoke <id>')
    .description('revoke an API key')
    .option('--data <dir>', 'data folder')
    .option('--db <url>', 'PostgreSQL database (env VERITRAIL_DATABASE_URL)')
    .action(async (id: string, o: { data?: string; db?: string }) => {
      await withLocal(o, async (s) => {
        const key = (await s.keys.list()).find((k) => k.id === id);
        await s.keys.revoke(id);
        await s.audit.record({ kind: 'admin' }, 'admin.key_revoke', key?.tenant ?? 'default', {
          key_id: id,
          via: 'cli',
        });
      });
      out().result({ revoked: id }, () => `revoked key ${id}`);
    });
}
