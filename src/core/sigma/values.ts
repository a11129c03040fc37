/**
 * Value modifiers (Sigma modifiers appendix v2.1.0) applied in order to the values of one
 * detection item. Each value of the item becomes a group of alternatives (a modifier like
 * `base64offset` or `expand` turns one value into several, OR-linked); groups are OR-linked,
 * or AND-linked with `all`.
 */
import { RE2JS } from 're2js';
import { parseCidr, type IpRange } from '../query/ip.js';
import { CompileError } from './compile-error.js';
import { encodeBase64, encodeBase64Offsets, encodeUtf16 } from './encode.js';
import { MAX_EXPANSION, expand } from './placeholders.js';
import {
  DASH,
  DASH_CHARS,
  type Part,
  type SigmaString,
  normalise,
  parseSigmaString,
  plainString,
  withStar,
} from './sigma-string.js';

export type Value =
  /** `raw`: the text as written in the rule, while no modifier has changed it. */
  | { readonly k: 'str'; readonly s: SigmaString; readonly raw?: string }
  | { readonly k: 'num'; readonly n: number }
  | { readonly k: 'bool'; readonly b: boolean }
  | { readonly k: 'null' }
  | { readonly k: 're'; readonly src: string; readonly flags: number }
  | { readonly k: 'cidr'; readonly range: IpRange }
  | { readonly k: 'cmp'; readonly op: 'gt' | 'gte' | 'lt' | 'lte'; readonly n: number }
  | { readonly k: 'exists'; readonly b: boolean }
  | { readonly k: 'ref'; readonly field: string; readonly pos: Position }
  | {
      readonly k: 'time';
      readonly unit: TimeUnit;
      readonly inner: Value;
    };

export type Position = 'eq' | 'contains' | 'startswith' | 'endswith';
export type TimeUnit = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

export const MODIFIERS = [
  'contains',
  'startswith',
  'endswith',
  'all',
  'exists',
  'cased',
  'neq',
  'windash',
  're',
  'i',
  'm',
  's',
  'base64',
  'base64offset',
  'utf16le',
  'utf16be',
  'utf16',
  'wide',
  'lt',
  'lte',
  'gt',
  'gte',
  'minute',
  'hour',
  'day',
  'week',
  'month',
  'year',
  'cidr',
  'expand',
  'fieldref',
] as const;
export type Modifier = (typeof MODIFIERS)[number];
const KNOWN = new Set<string>(MODIFIERS);

export interface ValueSpec {
  readonly groups: readonly (readonly Value[])[];
  readonly all: boolean;
  readonly cased: boolean;
  readonly neq: boolean;
  /** contains/startswith/endswith was given (keywords get an implicit contains otherwise). */
  readonly positioned: boolean;
}

export interface ModifierContext {
  readonly path: readonly (string | number)[];
  readonly placeholders: Readonly<Record<string, readonly string[]>>;
}

const MAX_REGEX = 4096;

export function parseModifiers(
  names: readonly string[],
  path: ModifierContext['path'],
): Modifier[] {
  return names.map((m) => {
    if (!KNOWN.has(m))
      throw new CompileError('invalid_modifier', path, `unknown value modifier '${m}'`);
    return m as Modifier;
  });
}

function initial(raw: unknown, path: ModifierContext['path']): Value {
  if (raw === null) return { k: 'null' };
  if (typeof raw === 'string') return { k: 'str', s: parseSigmaString(raw), raw };
  if (typeof raw === 'number' && Number.isFinite(raw)) return { k: 'num', n: raw };
  if (typeof raw === 'boolean') return { k: 'bool', b: raw };
  throw new CompileError(
    'invalid_value',
    path,
    `a value must be a string, number, boolean or null, not ${Array.isArray(raw) ? 'a list' : typeof raw}`,
  );
}

/** Applies `mods` in order to the raw YAML values of one detection item. */
export function applyModifiers(
  rawValues: readonly unknown[],
  mods: readonly Modifier[],
  ctx: ModifierContext,
): ValueSpec {
  const fail = (
    code: 'invalid_value' | 'invalid_modifier' | 'invalid_regex',
    msg: string,
  ): never => {
    throw new CompileError(code, ctx.path, msg);
  };
  let groups: Value[][] = rawValues.map((v, i) => [
    initial(v, [...ctx.path, ...(rawValues.length > 1 ? [i] : [])]),
  ]);
  let all = false;
  let cased = false;
  let neq = false;
  let positioned = false;
  let sawRe = false;
  const seen = new Set<Modifier>();
  const map = (f: (v: Value, m: Modifier) => Value | Value[], m: Modifier) => {
    groups = groups.map((g) => g.flatMap((v) => f(v, m)));
    if (groups.reduce((n, g) => n + g.length, 0) > MAX_EXPANSION)
      fail('invalid_value', `modifier '${m}' expands to more than ${MAX_EXPANSION} values`);
  };
  const asString = (v: Value, m: Modifier): SigmaString => {
    if (v.k === 'str') return v.s;
    if (v.k === 'num') return plainString(String(v.n));
    return fail('invalid_value', `modifier '${m}' needs string values, got ${describe(v)}`);
  };
  for (const m of mods) {
    if (seen.has(m) && m !== 'base64') fail('invalid_modifier', `modifier '${m}' is repeated`);
    seen.add(m);
    switch (m) {
      case 'all':
        if (rawValues.length < 2)
          fail(
            'invalid_modifier',
            `'all' needs a list of at least two values (specification: single values may not use it)`,
          );
        all = true;
        break;
      case 'cased':
        cased = true;
        break;
      case 'neq':
        neq = true;
        break;
      case 'contains':
      case 'startswith':
      case 'endswith':
        positioned = true;
        map((v) => {
          if (v.k === 'ref') {
            if (v.pos !== 'eq')
              fail('invalid_modifier', `only one of contains/startswith/endswith may be used`);
            return { ...v, pos: m };
          }
          if (v.k === 're') return fail('invalid_modifier', `'${m}' cannot follow 're'`);
          const s = asString(v, m);
          return { k: 'str', s: withStar(s, m !== 'startswith', m !== 'endswith') };
        }, m);
        break;
      case 'windash':
        map((v) => {
          const s = asString(v, m);
          const parts: Part[] = s.parts.flatMap((p): Part[] => {
            if (p.t !== 'lit') return [p];
            return [...p.s].map((c): Part => (DASH_CHARS.includes(c) ? DASH : { t: 'lit', s: c }));
          });
          return { k: 'str', s: { parts: normalise(parts), binary: s.binary } };
        }, m);
        break;
      case 'base64':
        map((v) => {
          const out = encodeBase64(asString(v, m));
          return out === null
            ? fail('invalid_value', `'base64' cannot encode wildcards`)
            : { k: 'str', s: plainString(out) };
        }, m);
        break;
      case 'base64offset':
        map((v) => {
          const out = encodeBase64Offsets(asString(v, m));
          if (out === null) return fail('invalid_value', `'base64offset' cannot encode wildcards`);
          return out.map((t): Value => ({ k: 'str', s: plainString(t) }));
        }, m);
        break;
      case 'utf16le':
      case 'wide':
      case 'utf16be':
      case 'utf16':
        map(
          (v) => ({
            k: 'str',
            s: encodeUtf16(asString(v, m), m === 'utf16be' ? 'be' : m === 'utf16' ? 'bom' : 'le'),
          }),
          m,
        );
        break;
      case 're':
        sawRe = true;
        map((v) => {
          if (v.k === 'str' && v.raw !== undefined && v.raw.length > MAX_REGEX)
            return fail(
              'invalid_regex',
              `regular expression is longer than ${MAX_REGEX} characters`,
            );
          if (v.k !== 'str' || v.raw === undefined)
            return fail(
              'invalid_value',
              `'re' needs a string as written in the rule, got ${describe(v)}`,
            );
          return { k: 're', src: v.raw, flags: 0 };
        }, m);
        break;
      case 'i':
      case 'm':
      case 's': {
        if (!sawRe) fail('invalid_modifier', `'${m}' is a sub-modifier of 're' and must follow it`);
        const flag =
          m === 'i' ? RE2JS.CASE_INSENSITIVE : m === 'm' ? RE2JS.MULTILINE : RE2JS.DOTALL;
        map((v) => (v.k === 're' ? { ...v, flags: v.flags | flag } : v), m);
        break;
      }
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        map((v) => {
          const base = v.k === 'time' ? v.inner : v;
          const n = base.k === 'num' ? base.n : base.k === 'str' ? numberOf(base.s) : null;
          if (n === null) return fail('invalid_value', `'${m}' needs a number, got ${describe(v)}`);
          const cmp: Value = { k: 'cmp', op: m, n };
          return v.k === 'time' ? { ...v, inner: cmp } : cmp;
        }, m);
        break;
      case 'minute':
      case 'hour':
      case 'day':
      case 'week':
      case 'month':
      case 'year':
        map((v) => {
          if (v.k !== 'num' && v.k !== 'cmp')
            return fail('invalid_value', `'${m}' needs a number, got ${describe(v)}`);
          return { k: 'time', unit: m, inner: v };
        }, m);
        break;
      case 'cidr':
        map((v) => {
          const range =
            v.k === 'str' && !v.s.parts.some((p) => p.t !== 'lit')
              ? parseCidr(stringText(v.s))
              : null;
          if (range === null)
            return fail(
              'invalid_value',
              `'cidr' needs an IPv4 or IPv6 network like 10.0.0.0/8, got ${describe(v)}`,
            );
          return { k: 'cidr', range };
        }, m);
        break;
      case 'exists':
        if (mods.length > 1)
          fail('invalid_modifier', `'exists' cannot be combined with other modifiers`);
        map(
          (v) =>
            v.k === 'bool'
              ? { k: 'exists', b: v.b }
              : fail('invalid_value', `'exists' needs true or false`),
          m,
        );
        break;
      case 'fieldref':
        map((v) => {
          if (v.k !== 'str' || v.s.parts.some((p) => p.t !== 'lit'))
            return fail('invalid_value', `'fieldref' needs a field name, got ${describe(v)}`);
          return { k: 'ref', field: stringText(v.s), pos: 'eq' };
        }, m);
        break;
      case 'expand':
        map((v) => {
          if (v.k !== 'str')
            return fail('invalid_value', `'expand' needs a string, got ${describe(v)}`);
          return expand(v.s, ctx).map((s): Value => ({ k: 'str', s }));
        }, m);
        break;
      default: {
        const never: never = m;
        return never;
      }
    }
  }
  return { groups, all, cased, neq, positioned };
}

const stringText = (s: SigmaString) => s.parts.map((p) => (p.t === 'lit' ? p.s : '')).join('');

function numberOf(s: SigmaString): number | null {
  const t = stringText(s).trim();
  if (t === '' || s.parts.some((p) => p.t !== 'lit')) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

function describe(v: Value): string {
  switch (v.k) {
    case 'str':
      return `'${stringText(v.s)}'`;
    case 'num':
      return String(v.n);
    case 'bool':
      return String(v.b);
    case 'null':
      return 'null';
    case 're':
    case 'cidr':
    case 'cmp':
    case 'exists':
    case 'ref':
    case 'time':
      return `a ${v.k} value`;
  }
}
