/**
 * Checks of the descriptive fields of rule, filter and correlation documents (Sigma rules
 * specification v2.0.0, "Components"). Every document is untrusted YAML.
 */
import { CompileError } from './compile-error.js';
import type { Logsource, RuleMeta, SigmaLevel, SigmaStatus } from './types.js';

type Doc = Record<string, unknown>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}[-/]\d{2}[-/]\d{2}$/;
const LEVELS: readonly SigmaLevel[] = ['informational', 'low', 'medium', 'high', 'critical'];
const STATUSES: readonly SigmaStatus[] = [
  'stable',
  'test',
  'experimental',
  'deprecated',
  'unsupported',
];
const RELATED = ['derived', 'obsolete', 'merged', 'renamed', 'similar'];
const TAG = /^[a-z0-9_-]+\.[A-Za-z0-9._-]+$/;
const MAX_TEXT = 65_535;
const MAX_LIST = 1000;

export function optString(doc: Doc, key: string, max = 4096): string | undefined {
  const v = doc[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string')
    throw new CompileError('invalid_field', [key], `'${key}' must be a string`);
  if (v.length > max)
    throw new CompileError('invalid_field', [key], `'${key}' is longer than ${max} characters`);
  return v;
}

export function stringList(doc: Doc, key: string): string[] {
  const v = doc[key];
  if (v === undefined || v === null) return [];
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list))
    throw new CompileError('invalid_field', [key], `'${key}' must be a list of strings`);
  if (list.length > MAX_LIST)
    throw new CompileError('invalid_field', [key], `'${key}' has more than ${MAX_LIST} entries`);
  return list.map((x, i) => {
    if (typeof x !== 'string' && typeof x !== 'number')
      throw new CompileError('invalid_field', [key, i], `'${key}' entries must be strings`);
    return String(x);
  });
}

export function title(doc: Doc): string {
  const t = optString(doc, 'title', 256);
  if (t === undefined || t.trim() === '')
    throw new CompileError('missing_field', [], `'title' is required`);
  return t;
}

function enumField<T extends string>(doc: Doc, key: string, allowed: readonly T[]): T | undefined {
  const v = optString(doc, key);
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v))
    throw new CompileError(
      'invalid_field',
      [key],
      `'${key}' must be one of ${allowed.join(', ')}, not '${v}'`,
    );
  return v as T;
}

function dateField(doc: Doc, key: string): string | undefined {
  const v = doc[key];
  if (v === undefined || v === null) return undefined;
  const s = v instanceof Date ? v.toISOString().slice(0, 10) : v;
  if (typeof s !== 'string' || !DATE.test(s))
    throw new CompileError('invalid_field', [key], `'${key}' must be a date YYYY-MM-DD`);
  return s;
}

const SUPPRESS = /^(\d{1,6})([smhd])$/;
const SUPPRESS_UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
/** Longest alert suppression window. */
export const MAX_SUPPRESS_MS = 30 * 86_400_000;

/**
 * The Veritrail extension `veritrail: { suppress: 30m }` (docs/detection.md): the alert
 * suppression window of the rule, in ms. On a Sigma rule or correlation the mapping holds
 * only `suppress`; on a Veritrail rule (`typed`) it also holds the type and its parameters,
 * which the detection module checks.
 */
export function suppressOf(doc: Doc, typed: boolean): number | undefined {
  const vt = doc.veritrail;
  if (vt === undefined || vt === null) return undefined;
  if (typeof vt !== 'object' || Array.isArray(vt))
    throw new CompileError('invalid_field', ['veritrail'], `'veritrail' must be a map`);
  if (!typed) {
    for (const key of Object.keys(vt))
      if (key !== 'suppress')
        throw new CompileError(
          'invalid_field',
          ['veritrail', key],
          `unknown key 'veritrail.${key}': a Sigma rule takes only 'suppress' here (add a 'type' for a Veritrail rule type)`,
        );
  }
  const v = (vt as Doc).suppress;
  if (v === undefined || v === null) return undefined;
  const m = typeof v === 'string' ? SUPPRESS.exec(v) : null;
  const ms = m === null ? NaN : Number(m[1]) * (SUPPRESS_UNIT_MS[m[2] ?? 's'] ?? 1000);
  if (!(ms >= 1000 && ms <= MAX_SUPPRESS_MS))
    throw new CompileError(
      'invalid_field',
      ['veritrail', 'suppress'],
      `'veritrail.suppress' must be a number and a unit s, m, h or d between 1s and 30d, like 30m`,
    );
  return ms;
}

/**
 * The metadata of a detection rule (`uuidId`: the id must be a UUID) or of a correlation;
 * `typed`: a Veritrail rule document (its `veritrail` mapping carries a type).
 */
export function ruleMeta(
  doc: Doc,
  file: string,
  line: number,
  uuidId: boolean,
  typed = false,
): RuleMeta {
  const id = optString(doc, 'id', 256);
  if (id !== undefined && uuidId && !UUID.test(id))
    throw new CompileError('invalid_field', ['id'], `'id' must be a UUID, not '${id}'`);
  const tags = stringList(doc, 'tags');
  tags.forEach((t, i) => {
    if (!TAG.test(t))
      throw new CompileError(
        'invalid_field',
        ['tags', i],
        `tag '${t}' must be namespace.value in lower case without spaces`,
      );
  });
  const related = doc.related;
  if (related !== undefined && related !== null) {
    if (!Array.isArray(related))
      throw new CompileError('invalid_field', ['related'], `'related' must be a list`);
    related.forEach((r, i) => {
      const ok =
        typeof r === 'object' &&
        r !== null &&
        typeof (r as Doc).id === 'string' &&
        RELATED.includes(String((r as Doc).type));
      if (!ok)
        throw new CompileError(
          'invalid_field',
          ['related', i],
          `'related' entries need an 'id' and a 'type' (${RELATED.join(', ')})`,
        );
    });
  }
  const opt = <K extends string, V>(k: K, v: V | undefined) =>
    v === undefined ? {} : ({ [k]: v } as { [P in K]: V });
  return {
    title: title(doc),
    ...opt('id', id),
    ...opt('name', optString(doc, 'name', 256)),
    ...opt('status', enumField(doc, 'status', STATUSES)),
    ...opt('level', enumField(doc, 'level', LEVELS)),
    ...opt('description', optString(doc, 'description', MAX_TEXT)),
    ...opt('author', optString(doc, 'author', MAX_TEXT)),
    ...opt('license', optString(doc, 'license', 256)),
    ...opt('date', dateField(doc, 'date')),
    ...opt('modified', dateField(doc, 'modified')),
    tags,
    references: stringList(doc, 'references'),
    falsepositives: stringList(doc, 'falsepositives'),
    fields: stringList(doc, 'fields'),
    ...opt('suppressMs', suppressOf(doc, typed)),
    file,
    line,
  };
}

export function logsource(doc: Doc): Logsource {
  const ls = doc.logsource;
  if (ls === undefined || ls === null)
    throw new CompileError('missing_field', [], `'logsource' is required`);
  if (typeof ls !== 'object' || Array.isArray(ls))
    throw new CompileError('invalid_field', ['logsource'], `'logsource' must be a map`);
  const out: { category?: string; product?: string; service?: string } = {};
  for (const key of ['category', 'product', 'service'] as const) {
    const v = (ls as Doc)[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || v === '')
      throw new CompileError(
        'invalid_field',
        ['logsource', key],
        `'logsource.${key}' must be a non-empty string`,
      );
    out[key] = v.toLowerCase();
  }
  if (Object.keys(out).length === 0)
    throw new CompileError(
      'invalid_field',
      ['logsource'],
      `'logsource' needs a category, product or service`,
    );
  return out;
}
