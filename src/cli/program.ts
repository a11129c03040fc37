/** The `veritrail` command line: commander program, error → exit code mapping. */
import { Command, CommanderError } from 'commander';
import { VeritrailError } from '../core/errors.js';
import { VERSION } from '../main.js';
import { alertsCommand } from './commands/alerts.js';
import { clientCommands } from './commands/client.js';
import { importCommand } from './commands/import.js';
import { keysCommand } from './commands/keys.js';
import { migrateCommand } from './commands/migrate.js';
import { outboundCommand } from './commands/outbound.js';
import { retentionCommand } from './commands/retention.js';
import { reviewsCommand } from './commands/reviews.js';
import { reportCommands } from './commands/report.js';
import { rulesCommand } from './commands/rules.js';
import { serveCommand } from './commands/serve.js';
import { sourcesCommand } from './commands/sources.js';
import { tailCommand } from './commands/tail.js';
import { verifyCommands } from './commands/verify.js';
import { EXIT, exitCodeOf } from './exit-codes.js';
import { createOutput, type Output } from './output.js';

export async function runCli(argv: readonly string[]): Promise<number> {
  const program = new Command('veritrail')
    .description('Veritrail: tamper-evident audit logging')
    .version(VERSION)
    .option('--json', 'machine-readable output')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  const out = (): Output => createOutput(Boolean(program.opts<{ json?: boolean }>().json));
  serveCommand(program, out);
  keysCommand(program, out);
  clientCommands(program, out);
  importCommand(program, out);
  tailCommand(program, out);
  verifyCommands(program, out);
  reportCommands(program, out);
  migrateCommand(program, out);
  outboundCommand(program, out);
  retentionCommand(program, out);
  alertsCommand(program, out);
  rulesCommand(program, out);
  sourcesCommand(program, out);
  reviewsCommand(program, out);
  for (const c of program.commands) c.exitOverride();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
        ? EXIT.ok
        : EXIT.usage;
    }
    if (e instanceof VeritrailError) {
      out().error(e.message, e.details, e.code);
      return exitCodeOf(e.code);
    }
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') {
      out().error(`${err.message}: the port is taken; pass --port`);
      return EXIT.unavailable;
    }
    if (err.code === 'ENOENT' || err.code === 'EACCES') {
      out().error(err.message);
      return EXIT.failed;
    }
    out().error(`unexpected failure: ${err.message ?? String(e)}`);
    return EXIT.internal;
  }
}
