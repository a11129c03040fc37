/**
 * Detection in `npm run bench` (docs/benchmarks.md), on one core, in process:
 *  - the floor: JSON.parse of the same events serialised (no detector can beat reading them);
 *  - events/s through the Sigma engine with every rule loaded (the SigmaHQ rules of
 *    ../shared/sigma and the built-in pack, rules/builtin), and through the detector that
 *    `createDetector` builds from the same files (Veritrail rule types included);
 *  - the correlation state held at the end (`stateSize()`) and the heap it retained.
 * Median of 3 runs, each on a fresh engine. Target: ≥ 50,000 events/s with all rules loaded.
 *   BENCH_DETECT_EVENTS  events per run (default 200,000)
 * Standalone: `npm run build && node dist/bench/detect.js` prints a table.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createDetector } from '../src/core/detect/index.js';
import type { StoredEvent } from '../src/core/event/index.js';
import { loadRules, SigmaEngine } from '../src/core/sigma/index.js';
import { detectStream } from './detect-workload.js';
import { median, printTable } from './stats.js';

export const DETECT_TARGET = 50_000;
const RUNS = 3;
/** The repository root, from bench/ (sources) or dist/bench/ (built). */
const here = fileURLToPath(new URL('.', import.meta.url));
const ROOT = existsSync(join(here, '..', 'package.json')) ? join(here, '..') : join(here, '../..');
const SIGMAHQ = join(ROOT, '..', 'shared', 'sigma');
const SAMPLES = join(ROOT, '..', 'shared', 'samples');
const BUILTIN = join(ROOT, 'rules', 'builtin');

interface RunFigures {
  /** Events per second, median of the runs, and each run. */
  readonly rate: number;
  readonly runs: readonly number[];
  /** Matches (engine) or findings (detector) raised in one run. */
  readonly raised: number;
  /** Heap retained after the first run (state and caches), bytes; null without GC access. */
  readonly heapGrowthBytes: number | null;
}

export interface DetectFigures {
  readonly events: number;
  /** Events per kind in the stream. */
  readonly mix: Readonly<Record<string, number>>;
  readonly rules: {
    readonly sigmahqFiles: number;
    /** Why the SigmaHQ rules are missing, when they are. */
    readonly sigmahqSkipped?: string;
    readonly builtinFiles: number;
    /** Loaded in the engine: detection rules, correlations; Veritrail rule types (detector). */
    readonly sigma: number;
    readonly correlations: number;
    readonly typed: number;
    readonly loadMs: number;
  };
  /** JSON.parse of the serialised events, events/s (median). */
  readonly floor: number;
  readonly engine: RunFigures & {
    readonly state: { readonly groups: number; readonly entries: number };
  };
  readonly detector: RunFigures & {
    readonly state: { readonly entries: number; readonly approxBytes: number };
    /** Findings per rule title in one run. */
    readonly byRule: Readonly<Record<string, number>>;
  };
  readonly target: number;
}

function ymlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? ymlFiles(p) : p.endsWith('.yml') ? [p] : [];
    });
}

/** `gc()`, exposed at run time when node was started without --expose-gc. */
function collector(): (() => void) | null {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? () => (gc as () => void)() : null;
  } catch {
    return null;
  }
}

function measure<S>(
  events: readonly StoredEvent[],
  fresh: () => S,
  feed: (s: S, e: StoredEvent) => number,
): { figures: RunFigures; last: S } {
  const gc = collector();
  const runs: number[] = [];
  let raised = 0;
  let growth: number | null = null;
  let last: S | undefined;
  for (let r = 0; r < RUNS; r++) {
    last = undefined; // the previous run's state must not count in `before`
    gc?.();
    const before = process.memoryUsage().heapUsed;
    const s = fresh();
    let n = 0;
    const t = performance.now();
    for (const e of events) n += feed(s, e);
    runs.push(events.length / ((performance.now() - t) / 1000));
    // The first run only: later ones may still count a previous run's state in `before`.
    gc?.();
    if (gc !== null && r === 0) growth = process.memoryUsage().heapUsed - before;
    raised = n;
    last = s;
  }
  return { figures: { rate: median(runs), runs, raised, heapGrowthBytes: growth }, last: last! };
}

/** The figures; the work is synchronous (one core), run after the caller's current task. */
export function detectBench(): Promise<DetectFigures> {
  return Promise.resolve().then(runBench);
}

function runBench(): DetectFigures {
  const n = Number(process.env.BENCH_DETECT_EVENTS ?? 200_000);
  const started = performance.now();
  let sigmahqSkipped: string | undefined;
  const sigmahq = existsSync(SIGMAHQ) ? ymlFiles(SIGMAHQ) : [];
  if (!existsSync(SIGMAHQ))
    sigmahqSkipped = `${SIGMAHQ} is missing: SigmaHQ rules not loaded (built-in pack only)`;
  const files = [
    ...sigmahq.map((f) => ({ name: relative(SIGMAHQ, f), text: readFileSync(f, 'utf8') })),
    ...ymlFiles(BUILTIN).map((f) => ({
      name: `builtin/${relative(BUILTIN, f)}`,
      text: readFileSync(f, 'utf8'),
    })),
  ];
  const loaded = files.map((f) => loadRules(f.text, f.name));
  const errors = loaded.flatMap((r) => r.errors);
  if (errors.length > 0)
    throw new Error(
      `rules do not load: ${errors.map((e) => `${e.file}:${e.line} ${e.message}`).join('; ')}`,
    );
  const rules = loaded.flatMap((r) => r.rules);
  const filters = loaded.flatMap((r) => r.filters);
  const correlations = loaded.flatMap((r) => r.correlations);
  const typed = loaded.flatMap((r) => r.typed).length;
  const loadMs = performance.now() - started;

  const { events, mix } = detectStream(n, SAMPLES);

  // The floor: parsing the same events, serialised beforehand.
  const lines = events.map((e) => JSON.stringify(e));
  const parse: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    let keep = 0;
    for (const l of lines) keep += (JSON.parse(l) as { action: string }).action.length;
    parse.push(lines.length / ((performance.now() - t) / 1000));
    if (keep === 0) throw new Error('nothing parsed');
  }
  lines.length = 0;

  const engine = measure(
    events,
    () => new SigmaEngine(rules, { filters, correlations }),
    (s, e) => s.match(e).length,
  );
  const size = engine.last.stateSize();

  // The detector's clock: just after the stream, so that every event feeds the rule types.
  const end = Date.parse(events[events.length - 1]?.occurred_at ?? '2026-11-03T00:00:00Z');
  const byRule: Record<string, number> = {};
  const detector = measure(
    events,
    () => {
      const r = createDetector({ files, now: () => end });
      if (r.errors.length > 0) throw new Error(`detector: ${JSON.stringify(r.errors[0])}`);
      return r.detector;
    },
    (d, e) => {
      const found = d.evaluate(e);
      for (const f of found) byRule[f.rule.title] = (byRule[f.rule.title] ?? 0) + 1;
      return found.length;
    },
  );
  for (const k of Object.keys(byRule)) byRule[k] = byRule[k]! / RUNS;

  return {
    events: events.length,
    mix,
    rules: {
      sigmahqFiles: sigmahq.length,
      ...(sigmahqSkipped !== undefined ? { sigmahqSkipped } : {}),
      builtinFiles: files.length - sigmahq.length,
      sigma: rules.length,
      correlations: correlations.length,
      typed,
      loadMs,
    },
    floor: median(parse),
    engine: { ...engine.figures, state: { groups: size.groups, entries: size.entries } },
    detector: { ...detector.figures, state: detector.last.stateSize(), byRule },
    target: DETECT_TARGET,
  };
}

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
const mib = (b: number | null) => (b === null ? 'n/a' : `${(b / 1048576).toFixed(1)} MiB`);

/** Table rows (header first) for the figures. */
export function detectRows(f: DetectFigures): string[][] {
  const vs = (rate: number) =>
    `${(rate / f.floor).toFixed(2)} of floor; target ≥ ${fmt(f.target)}/s: ${rate >= f.target ? 'met' : 'NOT met'}`;
  return [
    ['measure', 'value', 'vs floor / target'],
    [
      `rules loaded (${f.rules.sigmahqFiles} SigmaHQ files, ${f.rules.builtinFiles} built-in)`,
      `${f.rules.sigma} rules, ${f.rules.correlations} correlations, ${f.rules.typed} typed`,
      `${fmt(f.rules.loadMs)} ms to load`,
    ],
    ...(f.rules.sigmahqSkipped !== undefined
      ? [['SigmaHQ rules', 'skipped', f.rules.sigmahqSkipped]]
      : []),
    [
      `events (${Object.entries(f.mix)
        .map(([k, v]) => `${k} ${fmt(v)}`)
        .join(', ')})`,
      fmt(f.events),
      '',
    ],
    ['floor: JSON.parse of the events (ev/s)', fmt(f.floor), '1.00'],
    [
      `Sigma engine, all rules (ev/s; ${fmt(f.engine.raised)} matches)`,
      fmt(f.engine.rate),
      vs(f.engine.rate),
    ],
    [
      'Sigma engine: correlation state / heap retained',
      `${fmt(f.engine.state.groups)} groups, ${fmt(f.engine.state.entries)} entries`,
      mib(f.engine.heapGrowthBytes),
    ],
    [
      `createDetector, all rules (ev/s; ${fmt(f.detector.raised)} findings)`,
      fmt(f.detector.rate),
      vs(f.detector.rate),
    ],
    [
      'detector: state / heap retained',
      `${fmt(f.detector.state.entries)} entries, ~${mib(f.detector.state.approxBytes)}`,
      mib(f.detector.heapGrowthBytes),
    ],
  ];
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const f = await detectBench();
  printTable(detectRows(f));
  console.log('findings per rule (one run):');
  for (const [title, count] of Object.entries(f.detector.byRule).sort((a, b) => b[1] - a[1]))
    console.log(`  ${fmt(count).padStart(7)}  ${title}`);
}
