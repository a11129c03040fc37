/**
 * Correlation documents (Sigma correlation rules specification v2.0.0): `correlation` with
 * type, rules, group-by, timespan, condition (and `field` for value_count), aliases and
 * `generate`.
 */
import { CompileError } from './compile-error.js';
import { ruleMeta } from './meta.js';
import type { CorrelationRule, CorrelationType, CountCondition } from './types.js';

type Doc = Record<string, unknown>;
const METRIC_TYPES: readonly string[] = [
  'value_sum',
  'value_avg',
  'value_percentile',
  'value_min',
  'value_max',
  'value_median',
];
const TYPES: readonly CorrelationType[] = [
  'event_count',
  'value_count',
  'temporal',
  'temporal_ordered',
];
const OPS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const;
const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
/** Longest accepted window: state is kept for at most this long. */
export const MAX_TIMESPAN_MS = 31 * 86_400_000;

const isMap = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseTimespan(v: unknown, path: readonly (string | number)[]): number {
  const m = typeof v === 'string' ? /^(\d{1,6})([smhdw])$/.exec(v) : null;
  if (m === null)
    throw new CompileError(
      'invalid_correlation',
      path,
      `'timespan' must be a number and a unit s, m, h, d or w, like 5m`,
    );
  const ms = Number(m[1]) * (UNIT_MS[m[2] ?? 's'] ?? 1000);
  if (ms <= 0 || ms > MAX_TIMESPAN_MS)
    throw new CompileError('invalid_correlation', path, `'timespan' must be between 1s and 31d`);
  return ms;
}

export function parseCorrelation(doc: Doc, file: string, line: number): CorrelationRule {
  const meta = ruleMeta(doc, file, line, false);
  const c = doc.correlation;
  const at = (k: string) => ['correlation', k];
  if (!isMap(c))
    throw new CompileError('invalid_correlation', ['correlation'], `'correlation' must be a map`);
  const type = c.type;
  if (typeof type === 'string' && METRIC_TYPES.includes(type))
    throw new CompileError(
      'unsupported',
      at('type'),
      `correlation type '${type}' (a Sigma 2.1 metric correlation) is not supported`,
    );
  if (typeof type !== 'string' || !(TYPES as readonly string[]).includes(type))
    throw new CompileError(
      'invalid_correlation',
      at('type'),
      `'type' must be one of ${TYPES.join(', ')}`,
    );
  const ctype = type as CorrelationType;
  const rulesRaw = typeof c.rules === 'string' ? [c.rules] : c.rules;
  if (
    !Array.isArray(rulesRaw) ||
    rulesRaw.length === 0 ||
    rulesRaw.some((r) => typeof r !== 'string')
  )
    throw new CompileError(
      'invalid_correlation',
      at('rules'),
      `'rules' must be a non-empty list of rule ids or names`,
    );
  const rules = rulesRaw as string[];
  const gbRaw =
    c['group-by'] === undefined
      ? []
      : typeof c['group-by'] === 'string'
        ? [c['group-by']]
        : c['group-by'];
  if (!Array.isArray(gbRaw) || gbRaw.some((g) => typeof g !== 'string'))
    throw new CompileError(
      'invalid_correlation',
      at('group-by'),
      `'group-by' must be a list of field names`,
    );
  const groupBy = gbRaw as string[];
  const timespanMs = parseTimespan(c.timespan, at('timespan'));
  let condition: CountCondition = {};
  let field: string | undefined;
  if (c.condition === undefined) {
    if (ctype === 'event_count' || ctype === 'value_count')
      throw new CompileError(
        'invalid_correlation',
        at('condition'),
        `'condition' is required for ${ctype}`,
      );
    // temporal: all referenced rules must have matched (specification, "Temporal Proximity").
    condition = { gte: rules.length };
  } else {
    if (!isMap(c.condition))
      throw new CompileError(
        'invalid_correlation',
        at('condition'),
        `'condition' must be a map like {gte: 10}`,
      );
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(c.condition)) {
      if (k === 'field') {
        if (typeof v !== 'string')
          throw new CompileError(
            'invalid_correlation',
            [...at('condition'), k],
            `'field' must be a field name`,
          );
        field = v;
      } else if ((OPS as readonly string[]).includes(k)) {
        if (typeof v !== 'number' || !Number.isFinite(v))
          throw new CompileError(
            'invalid_correlation',
            [...at('condition'), k],
            `'${k}' must be a number`,
          );
        out[k] = v;
      } else {
        throw new CompileError(
          'invalid_correlation',
          [...at('condition'), k],
          `unknown condition operator '${k}' (use ${OPS.join(', ')})`,
        );
      }
    }
    if (Object.keys(out).length === 0)
      throw new CompileError(
        'invalid_correlation',
        at('condition'),
        `'condition' needs one of ${OPS.join(', ')}`,
      );
    condition = out;
  }
  if (ctype === 'value_count' && field === undefined)
    throw new CompileError(
      'invalid_correlation',
      at('condition'),
      `value_count needs 'field' in its condition`,
    );
  const aliases: Record<string, Record<string, string>> = {};
  if (c.aliases !== undefined && c.aliases !== null) {
    if (!isMap(c.aliases))
      throw new CompileError('invalid_correlation', at('aliases'), `'aliases' must be a map`);
    for (const [alias, mapping] of Object.entries(c.aliases)) {
      if (!isMap(mapping) || Object.values(mapping).some((v) => typeof v !== 'string'))
        throw new CompileError(
          'invalid_correlation',
          [...at('aliases'), alias],
          `an alias maps rule names to field names`,
        );
      aliases[alias] = mapping as Record<string, string>;
    }
  }
  const generate = c.generate ?? doc.generate ?? false;
  if (typeof generate !== 'boolean')
    throw new CompileError(
      'invalid_correlation',
      at('generate'),
      `'generate' must be true or false`,
    );
  return {
    ...meta,
    kind: 'correlation',
    type: ctype,
    rules,
    groupBy,
    timespanMs,
    condition,
    ...(field !== undefined ? { field } : {}),
    aliases,
    generate,
  };
}

export function conditionHolds(c: CountCondition, n: number): boolean {
  return (
    (c.gt === undefined || n > c.gt) &&
    (c.gte === undefined || n >= c.gte) &&
    (c.lt === undefined || n < c.lt) &&
    (c.lte === undefined || n <= c.lte) &&
    (c.eq === undefined || n === c.eq) &&
    (c.neq === undefined || n !== c.neq)
  );
}
