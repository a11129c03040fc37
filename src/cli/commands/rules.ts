/**
 * `veritrail rules …`: the server's loaded rules (`list`), and two offline commands: `test`
 * (rule files against a JSONL file of events) and `backtest` (rule files against a tenant's
 * stored log, read-only, like `verify`).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { parseSince } from '../../app/alerts.js';
import type { BacktestAlert } from '../../app/backtest.js';
import { loadConfig } from '../../config/config.js';
import type { Finding, RuleInfo } from '../../core/detect/index.js';
import { VeritrailError, type Issue } from '../../core/errors.js';
import { normaliseEvent } from '../../core/event/index.js';
import { openLocal } from '../../main.js';
import { loadDetector, type LoadedRules } from '../../rule-files.js';
import { EXIT } from '../exit-codes.js';
import { table, type Output } from '../output.js';
import { connect, withConn, type Conn } from './client.js';

const MAX_LINE = 1024 * 1024;

/** Loads rule files; load errors are printed, and no loadable rule at all is an error. */
function loadOrFail(file: string, o: Output): LoadedRules {
  const r = loadDetector([file]);
  for (const e of r.errors) o.info(`rule not loaded: ${e.file}:${e.line ?? 0}: ${e.message}`);
  if (r.detector.rules.length === 0)
    throw new VeritrailError(
      'validation_failed',
      `no rule loaded from ${file}`,
      r.errors.map((e) => ({ path: `${e.file}:${e.line ?? 0}`, message: e.message })),
    );
  return r;
}

const when = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function rulesCommand(program: Command, out: () => Output): void {
  const cmd = program.command('rules').description('detection rules: list, test, backtest');

  withConn(cmd.command('list'))
    .description('the rules the server loaded, and rule files it could not load')
    .action(async (o: Conn) => {
      const r = await connect(o).request<{
        rules: (Omit<RuleInfo, 'suppressMs'> & { suppress_ms: number })[];
        errors: { file: string; line?: number; message: string }[];
      }>('GET', '/v1/rules');
      out().result(r, () => {
        const rows = r.rules.map((x) => [x.severity, x.type, clip(x.title, 50), x.id, x.file]);
        const errs = r.errors.map((e) => `  ${e.file}:${e.line ?? 0}: ${e.message}`);
        return [
          r.rules.length === 0
            ? 'no rules loaded'
            : table([['SEVERITY', 'TYPE', 'TITLE', 'ID', 'FILE'], ...rows]),
          ...(errs.length ? [`${errs.length} rule(s) not loaded:`, ...errs] : []),
        ].join('\n');
      });
    });

  cmd
    .command('test <rules> <events>')
    .description('run rule files (a file or folder) over a JSONL file of events, offline')
    .action(async (rules: string, eventsFile: string) => {
      const o = out();
      const loaded = loadOrFail(rules, o);
      const lines = createInterface({
        input: eventsFile === '-' ? process.stdin : createReadStream(eventsFile),
        crlfDelay: Infinity,
      });
      const found: { line: number; finding: Finding }[] = [];
      const issues: Issue[] = [];
      let n = 0;
      let events = 0;
      const receivedAt = new Date().toISOString();
      for await (const text of lines) {
        n++;
        if (text.trim() === '') continue;
        if (text.length > MAX_LINE) {
          issues.push({ path: `line ${n}`, message: `longer than ${MAX_LINE} characters` });
          continue;
        }
        let input: unknown;
        try {
          input = JSON.parse(text);
        } catch (e) {
          issues.push({ path: `line ${n}`, message: `not JSON: ${(e as Error).message}` });
          continue;
        }
        const r = normaliseEvent(
          input,
          { defaultTenant: 'default', receivedAt, newId: () => `line-${n}` },
          `line ${n}`,
        );
        if (!r.ok) {
          issues.push(...r.error);
          continue;
        }
        events++;
        for (const finding of loaded.detector.evaluate(r.value)) found.push({ line: n, finding });
      }
      if (issues.length > 0)
        throw new VeritrailError(
          'validation_failed',
          `${eventsFile}: ${issues.length} invalid event line(s)`,
          issues.slice(0, 100),
        );
      const findings = found.map(({ line, finding: f }) => ({
        line,
        rule_id: f.rule.id,
        rule_title: f.rule.title,
        severity: f.rule.severity,
        group_key: f.groupKey,
        count: f.count,
        summary: f.summary,
        event_ids: f.eventIds,
      }));
      o.result(
        {
          events,
          rules: loaded.detector.rules.length,
          errors: loaded.errors,
          findings,
        },
        () =>
          findings.length === 0
            ? `no findings: ${events} events, ${loaded.detector.rules.length} rules`
            : `${table([
                ['LINE', 'SEVERITY', 'RULE', 'GROUP', 'SUMMARY'],
                ...findings.map((f) => [
                  String(f.line),
                  f.severity,
                  clip(f.rule_title, 40),
                  clip(f.group_key, 30),
                  f.summary,
                ]),
              ])}\n${findings.length} findings: ${events} events, ${loaded.detector.rules.length} rules`,
      );
      if (loaded.errors.length > 0) process.exitCode = EXIT.failed;
    });

  cmd
    .command('backtest <rules>')
    .description(
      "run rule files over a tenant's stored log, read-only: the alerts they would have raised",
    )
    .requiredOption('--tenant <tenant>', 'tenant')
    .option('--since <when>', 'from: RFC 3339, YYYY-MM-DD or a duration back (30d)')
    .option('--until <when>', 'until (exclusive): RFC 3339, YYYY-MM-DD or a duration back')
    .option('--limit <n>', 'alerts listed (all are counted)', '100')
    .option('--data <dir>', 'data folder (with PostgreSQL: where signing-key.pem is)')
    .option('--db <url>', 'PostgreSQL database (env VERITRAIL_DATABASE_URL)')
    .action(
      async (
        rules: string,
        opts: {
          tenant: string;
          since?: string;
          until?: string;
          limit: string;
          data?: string;
          db?: string;
        },
      ) => {
        const o = out();
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 100_000)
          throw new VeritrailError('validation_failed', '--limit must be from 1 to 100000');
        const now = Date.now();
        const sinceMs =
          opts.since === undefined ? undefined : parseSince('--since', opts.since, now);
        const untilMs =
          opts.until === undefined ? undefined : parseSince('--until', opts.until, now);
        const loaded = loadOrFail(rules, o);
        const s = await openLocal(loadConfig({ dataDir: opts.data, databaseUrl: opts.db }));
        const started = performance.now();
        let r;
        try {
          r = await s.backtest(loaded.detector, {
            tenant: opts.tenant,
            maxAlerts: limit,
            ...(sinceMs === undefined ? {} : { sinceMs }),
            ...(untilMs === undefined ? {} : { untilMs }),
          });
        } finally {
          await s.close();
        }
        const seconds = (performance.now() - started) / 1000;
        const view = (a: BacktestAlert) => ({
          ...a,
          first_seen: new Date(a.first_seen_ms).toISOString(),
          last_seen: new Date(a.last_seen_ms).toISOString(),
        });
        o.result({ ...r, alerts: r.alerts.map(view), seconds, rule_errors: loaded.errors }, () => {
          const head =
            r.alerts.length === 0
              ? 'no alerts'
              : table([
                  ['FIRST SEEN', 'SEVERITY', 'RULE', 'GROUP', 'COUNT', 'SUMMARY'],
                  ...r.alerts.map((a) => [
                    when(a.first_seen_ms),
                    a.severity,
                    clip(a.rule_title, 40),
                    clip(a.group_key, 30),
                    String(a.count),
                    clip(a.summary, 80),
                  ]),
                ]);
          return `${head}\n${r.alerts_total} alerts (${r.findings} findings) from ${r.evaluated} of ${r.scanned} entries of ${r.tenant} in ${seconds.toFixed(2)} s${r.truncated ? `; ${r.alerts.length} listed (--limit)` : ''}`;
        });
      },
    );
}
