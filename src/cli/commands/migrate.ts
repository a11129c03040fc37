/** `veritrail migrate`: applies the PostgreSQL schema, optionally granting a server role its rights. */
import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { VeritrailError } from '../../core/errors.js';
import { migrateDatabase } from '../../main.js';
import type { Output } from '../output.js';

export function migrateCommand(program: Command, out: () => Output): void {
  program
    .command('migrate')
    .description(
      'create or upgrade the PostgreSQL schema (the server also does this at start); run it as the owner role',
    )
    .option('--db <url>', 'PostgreSQL database (env VERITRAIL_DATABASE_URL)')
    .option(
      '--grant <role>',
      'grant a separate server role exactly what it needs: read and append, no UPDATE/DELETE on the log',
    )
    .action(async (o: { db?: string; grant?: string }) => {
      const config = loadConfig({ databaseUrl: o.db });
      if (config.databaseUrl === undefined) {
        throw new VeritrailError(
          'validation_failed',
          'migrate needs a PostgreSQL database: pass --db or set VERITRAIL_DATABASE_URL (SQLite migrates itself)',
          [{ path: 'databaseUrl', message: 'is required' }],
        );
      }
      if (o.grant !== undefined && !/^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/.test(o.grant)) {
        throw new VeritrailError('validation_failed', `invalid role name "${o.grant}"`, [
          { path: 'grant', message: 'must be a plain role name' },
        ]);
      }
      const r = await migrateDatabase(config.databaseUrl, o.grant);
      out().result(r, () =>
        [
          r.from === r.to
            ? `schema "${r.schema}" is up to date (version ${r.to})`
            : `schema "${r.schema}" migrated from version ${r.from} to ${r.to}`,
          ...(r.granted ? [`granted the server's rights to role ${r.granted}`] : []),
        ].join('\n'),
      );
    });
}
