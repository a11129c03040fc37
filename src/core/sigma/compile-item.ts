/**
 * One detection item (`field|modifiers: values`) compiled into a predicate over the target.
 * Comparison rules (rules specification "General"; docs/sigma.md): strings compare
 * case-insensitively unless `cased`; numbers and booleans in the event are compared as their
 * text to string values; a number value equals a number, or a string holding that number;
 * objects are compared as their JSON text.
 */
import { RE2JS } from 're2js';
import { inIpRange, parseIp } from '../query/ip.js';
import { CompileError } from './compile-error.js';
import { type Walker, compilePath, present, walkAll } from './field-path.js';
import { compileStringTest, withStar } from './sigma-string.js';
import type { Predicate, Target } from './types.js';
import type { Value, ValueSpec } from './values.js';

type LeafTest = (leaf: unknown) => boolean;

/** The text a leaf is compared as: strings as they are, scalars as JSON, objects as JSON. */
export function leafText(leaf: unknown): string | null {
  if (typeof leaf === 'string') return leaf;
  if (typeof leaf === 'number' || typeof leaf === 'boolean') return String(leaf);
  if (typeof leaf === 'object' && leaf !== null) return JSON.stringify(leaf);
  return null;
}

function numberOfLeaf(leaf: unknown): number | null {
  if (typeof leaf === 'number') return leaf;
  if (typeof leaf === 'string' && leaf.trim() !== '') {
    const n = Number(leaf);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

const UNITS = {
  minute: (d: Date) => d.getUTCMinutes(),
  hour: (d: Date) => d.getUTCHours(),
  day: (d: Date) => d.getUTCDate(),
  month: (d: Date) => d.getUTCMonth() + 1,
  year: (d: Date) => d.getUTCFullYear(),
  week: (d: Date) => isoWeek(d),
};

function isoWeek(d: Date): number {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  return Math.ceil(((t.getTime() - yearStart) / 86400000 + 1) / 7);
}

/** A test of one leaf value; `path` names the item in compile errors. */
export function leafTest(v: Value, cased: boolean, path: readonly (string | number)[]): LeafTest {
  switch (v.k) {
    case 'str': {
      const test = compileStringTest(v.s, cased);
      return (leaf) => {
        const text = leafText(leaf);
        return text !== null && test(text);
      };
    }
    case 'num': {
      const n = v.n;
      const text = String(n);
      return (leaf) =>
        typeof leaf === 'number'
          ? leaf === n
          : typeof leaf === 'string' && (leaf === text || numberOfLeaf(leaf) === n);
    }
    case 'bool': {
      const text = String(v.b);
      return (leaf) =>
        typeof leaf === 'boolean'
          ? leaf === v.b
          : typeof leaf === 'string' && leaf.toLowerCase() === text;
    }
    case 'null':
      return (leaf) => leaf === null;
    case 're': {
      let re: RE2JS;
      try {
        re = RE2JS.compile(v.src, v.flags);
      } catch (e) {
        throw new CompileError(
          'invalid_regex',
          path,
          `regular expression '${v.src}' is not supported (RE2 syntax: no look-around or back-references): ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      return (leaf) => {
        const text = leafText(leaf);
        return text !== null && re.test(text);
      };
    }
    case 'cidr': {
      const range = v.range;
      return (leaf) => {
        if (typeof leaf !== 'string') return false;
        const ip = parseIp(leaf);
        return ip !== null && inIpRange(ip, range);
      };
    }
    case 'cmp': {
      const { op, n } = v;
      return (leaf) => {
        const x = numberOfLeaf(leaf);
        if (x === null) return false;
        return op === 'gt' ? x > n : op === 'gte' ? x >= n : op === 'lt' ? x < n : x <= n;
      };
    }
    case 'time': {
      const inner = leafTest(v.inner, cased, path);
      const unit = UNITS[v.unit];
      return (leaf) => {
        if (typeof leaf !== 'string' && typeof leaf !== 'number') return false;
        const d = new Date(leaf);
        return !Number.isNaN(d.getTime()) && inner(unit(d));
      };
    }
    case 'exists':
    case 'ref':
      throw new CompileError('invalid_value', path, `internal: ${v.k} is not a leaf value`);
  }
}

const anyOf = (tests: readonly LeafTest[]): LeafTest =>
  tests.length === 1 ? (tests[0] ?? (() => false)) : (leaf) => tests.some((t) => t(leaf));

/** A field item: `field` is the path, `spec` the values after modifiers. */
export function compileFieldItem(
  field: string,
  spec: ValueSpec,
  path: readonly (string | number)[],
  aliases: readonly string[] = [],
): Predicate {
  const walkers: Walker[] = [field, ...aliases].map(compilePath);
  const walker: Walker =
    walkers.length === 1 ? (walkers[0] as Walker) : (t, visit) => walkers.some((w) => w(t, visit));
  const values = spec.groups.flat();
  const exists = values.find((v) => v.k === 'exists');
  let pred: Predicate;
  if (exists !== undefined) {
    const want = exists.k === 'exists' && exists.b;
    pred = (t) => present(walker, t) === want;
  } else if (values.some((v) => v.k === 'ref')) {
    pred = compileRefs(walker, spec, path);
  } else {
    const groupPred = (group: readonly Value[]): Predicate => {
      const hasNull = group.some((v) => v.k === 'null');
      const test = anyOf(group.map((v) => leafTest(v, spec.cased, path)));
      const notNull = (leaf: unknown) => leaf !== null && leaf !== undefined;
      if (!hasNull) return (t) => walker(t, test);
      // `field: null` holds when the field is missing or null (rules specification,
      // "Special Field Values").
      return (t) => walker(t, test) || !walker(t, notNull);
    };
    pred = spec.all ? allOf(spec.groups.map(groupPred)) : groupPred(values);
  }
  return spec.neq ? (t) => !pred(t) : pred;
}

function allOf(preds: readonly Predicate[]): Predicate {
  return (t) => {
    for (const p of preds) if (!p(t)) return false;
    return true;
  };
}

/** `fieldref`: the field compares with another field of the same event. */
function compileRefs(
  walker: Walker,
  spec: ValueSpec,
  path: readonly (string | number)[],
): Predicate {
  const groupPred = (group: readonly Value[]): Predicate => {
    const tests = group.map((v): Predicate => {
      if (v.k !== 'ref')
        throw new CompileError('invalid_value', path, `'fieldref' values must all be field names`);
      const other = compilePath(v.field);
      return (t) =>
        other(t, (refLeaf) => {
          const text = leafText(refLeaf);
          if (text === null) return false;
          const s = { parts: [{ t: 'lit' as const, s: text }], binary: false };
          const want = compileStringTest(
            withStar(
              s,
              v.pos === 'contains' || v.pos === 'endswith',
              v.pos === 'contains' || v.pos === 'startswith',
            ),
            spec.cased,
          );
          return walker(t, (leaf) => {
            const lt = leafText(leaf);
            return lt !== null && want(lt);
          });
        });
    });
    return (t) => tests.some((p) => p(t));
  };
  return spec.all ? allOf(spec.groups.map(groupPred)) : groupPred(spec.groups.flat());
}

/** A keyword item: the values are searched in every value of the target. */
export function compileKeywordItem(spec: ValueSpec, path: readonly (string | number)[]): Predicate {
  const implicit = (v: Value): Value =>
    !spec.positioned && v.k === 'str' ? { k: 'str', s: withStar(v.s, true, true) } : v;
  for (const v of spec.groups.flat())
    if (v.k === 'exists' || v.k === 'ref' || v.k === 'null')
      throw new CompileError(
        'invalid_detection',
        path,
        `keyword searches cannot use ${v.k === 'null' ? 'null' : `'${v.k === 'ref' ? 'fieldref' : 'exists'}'`}`,
      );
  const groupPred = (group: readonly Value[]): Predicate => {
    const test = anyOf(group.map((v) => leafTest(implicit(v), spec.cased, path)));
    return (t: Target) => walkAll(t, test);
  };
  const pred = spec.all ? allOf(spec.groups.map(groupPred)) : groupPred(spec.groups.flat());
  return spec.neq ? (t) => !pred(t) : pred;
}
