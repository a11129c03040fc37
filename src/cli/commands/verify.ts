/** Offline integrity commands: verify (a data folder), verify-bundle (a file), checkpoint. */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { verifyBundle } from '../../core/bundle/index.js';
import { VeritrailError } from '../../core/errors.js';
import { openLocal } from '../../main.js';
import { EXIT } from '../exit-codes.js';
import { table, type Output } from '../output.js';

export function verifyCommands(program: Command, out: () => Output): void {
  program
    .command('verify')
    .description(
      'recompute every leaf, the whole tree and every checkpoint from the stored data; exit 1 on the first bad entry',
    )
    .option('--data <dir>', 'data folder (with PostgreSQL: where signing-key.pem is)')
    .option('--db <url>', 'PostgreSQL database (env VERITRAIL_DATABASE_URL)')
    .option(
      '--tenant <tenant>',
      'only this tenant (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .action(async (o: { data?: string; db?: string; tenant: string[] }) => {
      const config = loadConfig({ dataDir: o.data, databaseUrl: o.db });
      const s = await openLocal(config);
      const started = performance.now();
      let results;
      try {
        results = await s.verify(o.tenant.length ? o.tenant : undefined);
      } finally {
        await s.close();
      }
      const seconds = (performance.now() - started) / 1000;
      const total = results.reduce((n, r) => n + r.size, 0);
      const bad = results.filter((r) => !r.ok);
      out().result({ ok: bad.length === 0, seconds, events: total, tenants: results }, () => {
        const rows = results.map((r) => [
          r.tenant,
          String(r.size),
          String(r.purged),
          String(r.checkpoints),
          r.ok ? 'ok' : `FAILED at seq ${r.failure?.seq ?? '?'}: ${r.failure?.message ?? ''}`,
        ]);
        return `${table([['TENANT', 'ENTRIES', 'PURGED', 'CHECKPOINTS', 'RESULT'], ...rows])}\n${bad.length === 0 ? 'intact' : `TAMPERED: ${bad.map((b) => `${b.tenant} (first bad seq ${b.failure?.seq ?? 'unknown'})`).join(', ')}`}: ${total} entries in ${seconds.toFixed(2)} s`;
      });
      if (bad.length > 0) process.exitCode = EXIT.failed;
    });

  program
    .command('verify-bundle <file>')
    .description('verify an export bundle offline (no server, no database)')
    .option('--key <verifier-key>', 'require this signed-note verifier key (name+hex8+base64)')
    .action(async (file: string, o: { key?: string }) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readFile(file, 'utf8'));
      } catch (e) {
        throw new VeritrailError(
          'validation_failed',
          `${file} is not a readable JSON file: ${(e as Error).message}`,
        );
      }
      const r = verifyBundle(parsed, o.key);
      out().result(r, () =>
        r.ok
          ? `bundle intact: ${r.verified} entries of tenant ${r.tenant} included in the signed tree of size ${r.size}${o.key ? '' : "\n(note: the key was taken from the bundle itself; pass --key to pin the log's published key)"}`
          : `bundle FAILED: ${r.failures
              .slice(0, 20)
              .map((f) => (f.seq === null ? f.message : `seq ${f.seq}: ${f.message}`))
              .join('\n  ')}`,
      );
      if (!r.ok) process.exitCode = EXIT.failed;
    });

  program
    .command('checkpoint')
    .description(
      'print the latest signed checkpoint of a tenant (signing one if the log has grown)',
    )
    .requiredOption('--tenant <tenant>', 'tenant')
    .option('--data <dir>', 'data folder (with PostgreSQL: where signing-key.pem is)')
    .option('--db <url>', 'PostgreSQL database (env VERITRAIL_DATABASE_URL)')
    .action(async (o: { tenant: string; data?: string; db?: string }) => {
      const s = await openLocal(loadConfig({ dataDir: o.data, databaseUrl: o.db }));
      try {
        if ((await s.store.events.head(o.tenant)).size === 0)
          throw new VeritrailError('not_found', `tenant ${o.tenant} has no log yet`);
        const cp = await s.ledger.sign(o.tenant);
        const key = s.ledger.verifierKey(o.tenant);
        out().result({ tenant: o.tenant, size: cp?.size, note: cp?.note, key }, () =>
          `${cp?.note ?? ''}`.trimEnd(),
        );
      } finally {
        await s.close();
      }
    });
}
