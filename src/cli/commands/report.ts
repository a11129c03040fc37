/**
 * Compliance reports (docs/reports.md): `report` builds one from the local data folder or
 * database into a folder; `verify-report` checks such a folder offline (no server, no database).
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { VeritrailError } from '../../core/errors.js';
import { FRAMEWORK_IDS, verifyReport } from '../../core/report/index.js';
import { REPORT_FORMATS, reportFormats } from '../../app/reports.js';
import { loadReportSchedules } from '../../app/report-schedules.js';
import { nextRuns, reportPeriod, runKey, scheduleSummary } from '../../core/report/schedule.js';
import { openLocal } from '../../main.js';
import { EXIT } from '../exit-codes.js';
import { table, type Output } from '../output.js';

/** A report folder has a few dozen files; anything past these is not one of ours. */
const MAX_FILES = 1000;
const MAX_FILE_BYTES = 1 << 30;

interface ReportOptions {
  framework: string;
  tenant: string;
  from: string;
  to: string;
  out: string;
  data?: string;
  db?: string;
  verify: boolean;
  formats: string;
  pdf: boolean;
}

export function reportCommands(program: Command, out: () => Output): void {
  const report = program
    .command('report')
    .description(
      'write a compliance report (JSON, CSV populations, HTML, PDF, signed manifest) for a tenant and period',
    )
    .requiredOption('--framework <id>', FRAMEWORK_IDS.join(' | '))
    .requiredOption('--tenant <tenant>', 'tenant')
    .requiredOption('--from <date>', 'start: YYYY-MM-DD (midnight UTC) or RFC 3339')
    .requiredOption('--to <date>', 'end: YYYY-MM-DD (that day included) or RFC 3339 (exclusive)')
    .requiredOption('--out <dir>', 'folder to write (created; must be empty if it exists)')
    .option('--data <dir>', 'data folder (with PostgreSQL: where signing-key.pem is)')
    .option('--db <url>', 'PostgreSQL database (env VERITRAIL_DATABASE_URL)')
    .option('--no-verify', 'skip the full `verify` of the log in the integrity attestation')
    .option(
      '--formats <list>',
      `files to write, comma-separated: ${REPORT_FORMATS.join(',')}`,
      REPORT_FORMATS.join(','),
    )
    .option('--no-pdf', 'leave out report.pdf (same as --formats without pdf)')
    .action(async (o: ReportOptions) => {
      const formats = reportFormats(o.formats).filter((f) => o.pdf || f !== 'pdf');
      await emptyFolder(o.out);
      const s = await openLocal(loadConfig({ dataDir: o.data, databaseUrl: o.db }));
      const started = performance.now();
      let generated;
      try {
        generated = await s.reports.generate(
          { kind: 'admin' },
          {
            framework: o.framework,
            tenant: o.tenant,
            from: o.from,
            to: o.to,
            verify: o.verify,
            formats,
          },
        );
      } finally {
        await s.close();
      }
      await mkdir(o.out, { recursive: true });
      const all = { ...generated.files, ...generated.binaryFiles };
      for (const [name, content] of Object.entries(all))
        await writeFile(join(o.out, name), content, { flag: 'wx' });
      const { report } = generated;
      const seconds = (performance.now() - started) / 1000;
      out().result(
        {
          report: report.id,
          out: o.out,
          events: report.events,
          files: Object.keys(all).sort(),
          key: generated.manifest.signature.key,
          seconds,
        },
        () =>
          `${table([
            ['SECTION', 'REQUIREMENTS', 'ROWS'],
            ...report.sections.map((x) => [x.title, x.requirements.join(' '), String(x.count)]),
          ])}\n${report.framework.name} report ${report.id} for ${report.tenant}: ${report.events} events, ${Object.keys(all).length} files in ${o.out} (${seconds.toFixed(2)} s)\nverify it with: veritrail verify-report ${o.out} --key ${generated.manifest.signature.key}`,
      );
    });

  // `report schedules …` does not take the report's own required options (commander checks
  // every ancestor's mandatory options before a subcommand runs).
  report.hook('preSubcommand', (cmd) => {
    for (const opt of cmd.options) opt.makeOptionMandatory(false);
  });
  report
    .command('schedules')
    .description('report schedules (the file given to `serve --report-schedules`)')
    .command('check <file>')
    .description(
      "validate a report schedules file offline and show each schedule's next runs and periods",
    )
    .option('--data <dir>', 'data folder that relative `out` folders resolve against, as for serve')
    .option('--after <time>', 'list the runs after this RFC 3339 instant (default: now)')
    .option('--runs <n>', 'runs to list per schedule', '3')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      // `--data` is also an option of `report`, which takes it wherever it is written.
      const o = cmd.optsWithGlobals<{ data?: string; after?: string; runs: string }>();
      await checkSchedules(file, o, out());
    });

  program
    .command('verify-report <dir>')
    .description("check a report folder offline: every file's hash and the manifest's signature")
    .option('--key <verifier-key>', "require this signed-note verifier key (the tenant log's key)")
    .action(async (dir: string, o: { key?: string }) => {
      const files = await readFolder(dir);
      const r = verifyReport(files, o.key);
      out().result(r, () =>
        r.ok
          ? `report ${r.report ?? ''} intact: ${r.files} files and the manifest signed by ${r.key ?? ''}${o.key ? '' : "\n(note: the key was taken from the manifest itself; pass --key to pin the log's published key)"}`
          : `report FAILED:\n  ${r.failures.map((f) => `${f.file}: ${f.message}`).join('\n  ')}`,
      );
      if (!r.ok) process.exitCode = EXIT.failed;
    });
}

async function emptyFolder(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (names.length > 0)
    throw new VeritrailError('validation_failed', `--out: ${dir} is not empty`, [
      { path: 'out', message: 'must be a new or empty folder' },
    ]);
}

/** The regular files of a report folder (not recursive); bounded, since it is untrusted. */
async function readFolder(dir: string): Promise<Map<string, Uint8Array>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw new VeritrailError(
      'not_found',
      `${dir} is not a readable folder: ${(e as Error).message}`,
    );
  }
  if (names.length > MAX_FILES)
    throw new VeritrailError('validation_failed', `${dir} has more than ${MAX_FILES} entries`);
  const files = new Map<string, Uint8Array>();
  for (const name of names.sort()) {
    const path = join(dir, name);
    const st = await stat(path);
    if (!st.isFile()) {
      files.set(name, Buffer.alloc(0));
      continue;
    }
    if (st.size > MAX_FILE_BYTES)
      throw new VeritrailError(
        'validation_failed',
        `${name} is larger than ${MAX_FILE_BYTES} bytes`,
      );
    files.set(name, await readFile(path));
  }
  return files;
}

async function checkSchedules(
  file: string,
  o: { data?: string; after?: string; runs: string },
  out: Output,
): Promise<void> {
  const fromMs = o.after === undefined ? Date.now() : Date.parse(o.after);
  if (Number.isNaN(fromMs))
    throw new VeritrailError('validation_failed', '--after: must be an RFC 3339 instant', [
      { path: 'after', message: 'must be an RFC 3339 instant' },
    ]);
  const runs = Number(o.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 100)
    throw new VeritrailError('validation_failed', '--runs: must be an integer from 1 to 100', [
      { path: 'runs', message: 'must be an integer from 1 to 100' },
    ]);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new VeritrailError('not_found', `cannot read ${file}: ${(e as Error).message}`);
  }
  // Relative folders resolve as the server resolves them: against its data folder.
  const { dataDir } = loadConfig({ dataDir: o.data });
  const schedules = loadReportSchedules(text, file, (d) => resolve(dataDir, d));
  const iso = (ms: number) => new Date(ms).toISOString();
  const result = schedules.map((s) => ({
    ...scheduleSummary(s),
    runs: nextRuns(s, fromMs, runs).map((at) => {
      const p = reportPeriod(at, s.period, s.timezone);
      return {
        at: iso(at),
        folder: join(s.out, s.name, runKey(at)),
        from: iso(p.fromMs),
        to: iso(p.toMs),
      };
    }),
  }));
  out.result({ file, valid: true, schedules: result }, () =>
    [
      `${file}: ${result.length} schedule(s), valid`,
      ...result.map(
        (s) =>
          `\n${s.name}: ${s.framework} report of ${s.tenant}, cron "${s.cron}" (${s.timezone}), ${s.period}, ${s.formats.join(',')}${s.verify ? '' : ', no verify'}${s.notify.length ? `, notify ${s.notify.join(', ')}` : ''}\n` +
          table([
            ['RUN', 'PERIOD FROM', 'PERIOD TO (EXCLUSIVE)', 'FOLDER'],
            ...s.runs.map((r) => [r.at, r.from, r.to, r.folder]),
          ]),
      ),
    ].join('\n'),
  );
}
