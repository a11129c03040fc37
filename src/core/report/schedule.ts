/**
 * Report schedules (docs/reports.md "Schedules"): the schedule file's shape, when each schedule
 * runs (cron, in its time zone) and which period a run covers. Pure: the caller reads the file
 * and the clock. The file is operator input, validated with an issue per field that names the
 * schedule (`schedules.0.cron`).
 */
import { Cron } from 'croner';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { err, ok, type Issue, type Result } from '../errors.js';
import { TENANT_PATTERN } from '../event/schema.js';
import { issuesFromZod } from '../event/validate.js';
import { destinationSchema, type DestinationConfig } from '../outbound/config.js';
import { FRAMEWORK_IDS, MAX_REPORT_DAYS, type FrameworkId } from './index.js';
import { isTimeZone, wallClockMs } from '../time-zone.js';

const DAY = 86_400_000;
export const MAX_SCHEDULES = 200;
export const MAX_SCHEDULE_FILE_BYTES = 1_048_576;
export const DEFAULT_SCHEDULE_FORMATS = ['json', 'csv', 'html'] as const;

/** previous-day | previous-week | previous-month | previous-quarter | last-<N>d. */
export const PERIOD_PATTERN = /^(?:previous-(?:day|week|month|quarter)|last-([1-9]\d{0,3})d)$/;
const PERIOD_HELP =
  'must be previous-day, previous-week, previous-month, previous-quarter or last-<N>d';

/** The destinations a schedule may notify: the outbound stream shapes of these three types. */
export const NOTIFY_TYPES = ['webhook', 'slack', 'email'] as const;
export type NotifyDestination = Extract<DestinationConfig, { type: (typeof NOTIFY_TYPES)[number] }>;

const notifySchema = z
  .looseObject({
    type: z.enum(NOTIFY_TYPES, { error: `must be one of ${NOTIFY_TYPES.join(', ')}` }),
  })
  // The union's input type is stricter than this loose object: the union checks the rest.
  .pipe(
    destinationSchema as unknown as z.ZodType<
      DestinationConfig,
      { type: (typeof NOTIFY_TYPES)[number] }
    >,
  )
  .transform((d) => d as NotifyDestination);

const scheduleSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1 to 63 of a-z, 0-9 and -, starting a-z or 0-9'),
  cron: z.string().trim().min(1, 'must not be empty').max(200),
  timezone: z.string().min(1).max(100).default('UTC'),
  framework: z.enum(FRAMEWORK_IDS, { error: `must be one of ${FRAMEWORK_IDS.join(', ')}` }),
  tenant: z.string().regex(TENANT_PATTERN, 'must match ^[a-z0-9][a-z0-9_-]{0,62}$'),
  period: z.string().regex(PERIOD_PATTERN, PERIOD_HELP),
  /** Checked against the report formats by the caller (the list lives with the renderers). */
  formats: z
    .array(z.string().min(1).max(20))
    .min(1, 'must name at least one format')
    .max(10)
    .default([...DEFAULT_SCHEDULE_FORMATS]),
  verify: z.boolean().default(true),
  /** Folder; a relative path is resolved by the caller (against the data folder). */
  out: z.string().min(1, 'must not be empty').max(4096),
  notify: z.array(notifySchema).max(20).default([]),
});

const fileSchema = z.strictObject({
  schedules: z.array(scheduleSchema).max(MAX_SCHEDULES),
});

export interface ReportSchedule {
  readonly name: string;
  readonly cron: string;
  readonly timezone: string;
  readonly framework: FrameworkId;
  readonly tenant: string;
  readonly period: string;
  readonly formats: readonly string[];
  readonly verify: boolean;
  readonly out: string;
  readonly notify: readonly NotifyDestination[];
}

/**
 * A cron expression evaluated in a time zone (croner: daylight-saving changes of any size, the
 * half-hour one of Australia/Lord_Howe included). Throws on a malformed expression.
 */
const cronOf = (cron: string, timezone: string) => new Cron(cron, { timezone, paused: true });

/** Why a cron expression is refused, or undefined when it is usable. */
export function cronProblem(cron: string, timezone: string): string | undefined {
  // A seconds field (six or seven fields) with anything but one number, or `@secondly`, would
  // run more than once a minute: run keys and report folders have minute resolution.
  const fields = cron.trim().split(/\s+/);
  if (/^@secondly$/i.test(cron.trim()) || (fields.length >= 6 && !/^\d+$/.test(fields[0]!)))
    return 'must not run more often than once a minute';
  let next: Date | null;
  try {
    next = cronOf(cron, timezone).nextRun(new Date(0));
  } catch (x) {
    return `is not a valid cron expression: ${x instanceof Error ? x.message : String(x)}`;
  }
  return next === null ? 'never runs' : undefined;
}

/** `(name) message` for an issue inside a schedule that has a readable name. */
function named(issue: Issue, input: unknown): Issue {
  const i = /^schedules\.(\d+)\./.exec(issue.path)?.[1];
  const list = (input as { schedules?: unknown } | null)?.schedules;
  if (i === undefined || !Array.isArray(list)) return issue;
  const name = (list[Number(i)] as { name?: unknown } | null)?.name;
  return typeof name === 'string' && /^[a-z0-9-]{1,63}$/.test(name)
    ? { path: issue.path, message: `(${name}) ${issue.message}` }
    : issue;
}

/** Validates the parsed content of a schedule file (untrusted structure). */
export function parseSchedules(input: unknown): Result<ReportSchedule[], readonly Issue[]> {
  const r = fileSchema.safeParse(input);
  if (!r.success) return err(issuesFromZod(r.error).map((i) => named(i, input)));
  const issues: Issue[] = [];
  const seen = new Set<string>();
  r.data.schedules.forEach((s, i) => {
    const at = (field: string, message: string) =>
      issues.push({ path: `schedules.${i}.${field}`, message: `(${s.name}) ${message}` });
    if (seen.has(s.name)) at('name', 'is used by an earlier schedule');
    seen.add(s.name);
    if (!isTimeZone(s.timezone)) at('timezone', 'is not an IANA time zone');
    else {
      const problem = cronProblem(s.cron, s.timezone);
      if (problem !== undefined) at('cron', problem);
    }
    const days = PERIOD_PATTERN.exec(s.period)?.[1];
    if (days !== undefined && Number(days) > MAX_REPORT_DAYS)
      at('period', `must be at most last-${MAX_REPORT_DAYS}d`);
  });
  return issues.length > 0 ? err(issues) : ok(r.data.schedules);
}

/** Parses the YAML text of a schedule file, then validates it. */
export function parseScheduleText(text: string): Result<ReportSchedule[], readonly Issue[]> {
  if (text.length > MAX_SCHEDULE_FILE_BYTES)
    return err([{ path: '(root)', message: `is larger than ${MAX_SCHEDULE_FILE_BYTES} bytes` }]);
  let doc: unknown;
  try {
    doc = parseYaml(text, { prettyErrors: false, uniqueKeys: true, maxAliasCount: 100 });
  } catch (e) {
    const m = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return err([{ path: '(root)', message: `is not valid YAML: ${m}` }]);
  }
  return parseSchedules(doc);
}

/** The scheduled instants of a schedule after `afterMs` (exclusive), at most `n`. */
export function nextRuns(
  s: Pick<ReportSchedule, 'cron' | 'timezone'>,
  afterMs: number,
  n: number,
): number[] {
  return cronOf(s.cron, s.timezone)
    .nextRuns(n, new Date(afterMs))
    .map((d) => d.getTime());
}

/** The most recent scheduled instant at or before `nowMs`, if any. */
export function lastRunAtOrBefore(
  s: Pick<ReportSchedule, 'cron' | 'timezone'>,
  nowMs: number,
): number | undefined {
  // Runs fall on whole seconds and previousRuns is strictly before its (whole-second) start:
  // the second after `nowMs` includes a run at `nowMs` itself.
  const start = Math.floor(nowMs / 1000) * 1000 + 1000;
  return cronOf(s.cron, s.timezone).previousRuns(1, new Date(start))[0]?.getTime();
}

/** A run's name: its scheduled instant in UTC to the minute, `YYYYMMDDTHHMMZ`. */
export function runKey(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
}

/** What a schedule's destinations receive for each written run. */
export interface ScheduledReportNotice {
  readonly type: 'report.scheduled';
  readonly schedule: string;
  /** The scheduled instant of the run (RFC 3339). */
  readonly scheduled_for: string;
  readonly report: string;
  readonly framework: string;
  readonly tenant: string;
  readonly period: { readonly from: string; readonly to: string };
  readonly events: number;
  readonly folder: string;
  /** The files the manifest covers (every file but manifest.json). */
  readonly files: readonly { name: string; sha256: string; bytes: number }[];
  readonly manifest_sha256: string;
  /** The integrity attestation's `verify` result; null when the schedule skips it. */
  readonly verification_ok: boolean | null;
}

interface LocalDate {
  readonly y: number;
  /** 1-12. */
  readonly m: number;
  readonly d: number;
}

function localDate(ms: number, tz: string): LocalDate {
  const w = new Date(wallClockMs(ms, tz));
  return { y: w.getUTCFullYear(), m: w.getUTCMonth() + 1, d: w.getUTCDate() };
}

/**
 * The first instant of a local date in `tz` (month and day may overflow: 13/1 is next January,
 * day 0 the last of the month before). Midnight when it exists; on a day whose midnight falls
 * in a daylight-saving gap, the instant the clocks jump (the day's first instant); when
 * midnight occurs twice, the earlier one.
 */
export function startOfLocalDay(y: number, m: number, d: number, tz: string): number {
  const wall = Date.UTC(y, m - 1, d);
  if (tz === 'UTC') return wall;
  const offsets = [wall - 14 * 3_600_000, wall + 14 * 3_600_000].map((t) => wallClockMs(t, tz) - t);
  const candidates = offsets.map((o) => wall - o);
  const exact = candidates.filter((t) => wallClockMs(t, tz) === wall);
  if (exact.length > 0) return Math.min(...exact);
  // In a gap, `wall - offset before` is the transition itself.
  return Math.max(...candidates);
}

/** The report period [fromMs, toMs) of a run at `runMs`: whole local days of `tz` before it. */
export function reportPeriod(
  runMs: number,
  period: string,
  tz: string,
): { fromMs: number; toMs: number } {
  const { y, m, d } = localDate(runMs, tz);
  const sod = (yy: number, mm: number, dd: number) => startOfLocalDay(yy, mm, dd, tz);
  const last = PERIOD_PATTERN.exec(period)?.[1];
  if (last !== undefined) return { fromMs: sod(y, m, d - Number(last)), toMs: sod(y, m, d) };
  switch (period) {
    case 'previous-day':
      return { fromMs: sod(y, m, d - 1), toMs: sod(y, m, d) };
    case 'previous-week': {
      // ISO weeks start on Monday.
      const sinceMonday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
      return { fromMs: sod(y, m, d - sinceMonday - 7), toMs: sod(y, m, d - sinceMonday) };
    }
    case 'previous-month':
      return { fromMs: sod(y, m - 1, 1), toMs: sod(y, m, 1) };
    case 'previous-quarter': {
      const q = Math.floor((m - 1) / 3) * 3 + 1;
      return { fromMs: sod(y, q - 3, 1), toMs: sod(y, q, 1) };
    }
    default:
      throw new RangeError(`unknown period ${period}`);
  }
}

/** Whole days in a period (for display; DST days make it approximate outside UTC). */
export const periodDays = (p: { fromMs: number; toMs: number }): number =>
  Math.round((p.toMs - p.fromMs) / DAY);

/** What the API and the CLI show of a schedule: no destination URL, address or secret. */
export interface ScheduleSummary {
  readonly name: string;
  readonly cron: string;
  readonly timezone: string;
  readonly framework: string;
  readonly tenant: string;
  readonly period: string;
  readonly formats: readonly string[];
  readonly verify: boolean;
  readonly out: string;
  /** Destination types only. */
  readonly notify: readonly string[];
}

export function scheduleSummary(s: ReportSchedule): ScheduleSummary {
  return {
    name: s.name,
    cron: s.cron,
    timezone: s.timezone,
    framework: s.framework,
    tenant: s.tenant,
    period: s.period,
    formats: s.formats,
    verify: s.verify,
    out: s.out,
    notify: s.notify.map((n) => n.type),
  };
}
