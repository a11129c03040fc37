/**
 * Conditions (Sigma rules specification v2.0.0, "Condition"), and a property: the compiled
 * detection agrees with a naive interpreter over generated detections and events.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadRules } from './load-rules.js';
import { loadError, rule } from './test-support/rule.js';

const IDS = `a:\n  f: a\nb:\n  f|contains: b\nfilter_1:\n  g: x\nfilter_2:\n  g: y\n_private:\n  h: z\n`;
const det = (cond: string) => `${IDS}condition: ${JSON.stringify(cond)}`;

describe('condition forms', () => {
  const CASES: readonly [string, Record<string, unknown>, boolean][] = [
    ['a', { f: 'a' }, true],
    ['a and b', { f: 'a' }, false],
    ['a or b', { f: 'xbx' }, true],
    ['not a', { f: 'a' }, false],
    ['not a', { f: 'q' }, true],
    ['a and not b', { f: 'a' }, true],
    ['(a or b) and not filter_1', { f: 'b', g: 'x' }, false],
    ['(a or b) and not filter_1', { f: 'b', g: 'y' }, true],
    // not binds tighter than and, and tighter than or.
    ['not a and b', { f: 'ab' }, true],
    ['not a or a', { f: 'a' }, true],
    ['a or b and filter_1', { f: 'a' }, true],
    ['a or b and filter_1', { f: 'b' }, false],
    ['(a or b) and filter_1', { f: 'a' }, false],
    ['1 of filter_*', { g: 'y' }, true],
    ['1 of filter_*', { g: 'z' }, false],
    ['any of filter_*', { g: 'x' }, true],
    ['all of filter_*', { g: 'x' }, false],
    ['all of filter_*', { g: ['x', 'y'] }, true],
    ['not 1 of filter_*', { g: 'x' }, false],
    ['a and not 1 of filter*', { f: 'a', g: 'q' }, true],
    ['1 of them', { h: 'z' }, false],
    ['1 of them', { g: 'y' }, true],
    ['all of them', { f: 'ab', g: ['x', 'y'] }, false],
    ['all of them', { f: 'a', g: ['x', 'y'] }, false],
    ['_private', { h: 'z' }, true],
    ['1 of *', { h: 'z' }, true],
    ['A AND NOT b', { f: 'a' }, false], // identifiers are case-sensitive; keywords are not
  ];
  for (const [cond, event, want] of CASES) {
    it(`${cond} on ${JSON.stringify(event)} → ${want}`, () => {
      if (cond.startsWith('A ')) {
        expect(loadError(det(cond)).code).toBe('invalid_condition');
        return;
      }
      expect(rule(det(cond)).match(event)).toBe(want);
    });
  }

  it('keywords are case-insensitive', () => {
    expect(rule(det('a AND NOT b OR filter_1')).match({ f: 'a' })).toBe(true);
  });

  it('a list of conditions is OR-linked', () => {
    const r = rule(`${IDS}condition:\n  - a\n  - filter_1`);
    expect(r.match({ g: 'x' })).toBe(true);
    expect(r.match({ f: 'a' })).toBe(true);
    expect(r.match({ f: 'q' })).toBe(false);
  });

  const ERRORS: readonly [string, RegExp][] = [
    ['a and', /ends too early.*column 6/],
    ['a or or b', /unexpected 'or'.*column 6/],
    ['(a or b', /expected '\)'.*column 8/],
    ['a b', /unexpected 'b' after a complete condition.*column 3/],
    ['nope', /unknown search identifier 'nope'.*column 1/],
    ['a and sel*', /needs '1 of' or 'all of'.*column 7/],
    ['1 of zzz*', /matches no search identifier.*column 6/],
    ['1 filter_1', /expected 'of'.*column 3/],
    ['selection | count() by x > 5', /aggregation expressions.*not supported/],
    ['a near b', /unexpected 'near'|'near'/],
    ['a & b', /unexpected character '&'.*column 3/],
    [')', /unexpected '\)'/],
  ];
  for (const [cond, message] of ERRORS) {
    it(`rejects '${cond}'`, () => {
      const e = loadError(det(cond));
      expect(e.code).toBe('invalid_condition');
      expect(e.message).toMatch(message);
      expect(e.path).toBe('detection.condition');
    });
  }

  it('rejects a missing condition with the line of the detection', () => {
    const e = loadError(IDS);
    expect(e.code).toBe('missing_field');
    expect(e.line).toBe(7);
  });

  it('bounds the nesting depth', () => {
    const deep = `${'not '.repeat(200)}a`;
    expect(loadError(det(deep)).message).toMatch(/nests deeper/);
    const parens = `${'('.repeat(100)}a${')'.repeat(100)}`;
    expect(loadError(det(parens)).message).toMatch(/nests deeper/);
  });
});

// ---- Property: compiled matcher = naive interpreter ----------------------------------------

type Cond =
  | { t: 'id'; name: string }
  | { t: 'not'; x: Cond }
  | { t: 'and' | 'or'; l: Cond; r: Cond }
  | { t: 'of'; q: '1' | 'all'; pattern: string };

const FIELDS = ['f', 'g', 'n.x'] as const;
const ALPHABET = ['a', 'B', 'ab', 'Ab', 'b', '', 'x.y'];
const PATTERNS = ['a', 'A', 'ab', 'a*', '*b', '?b', 'a?', '*', 'x.y', 'X*Y', ''];
const MODS = [
  '',
  '|contains',
  '|startswith',
  '|endswith',
  '|cased',
  '|contains|all',
  '|contains|cased',
];
const NAMES = ['sel1', 'sel2', 'sel3'];

/** Naive glob over characters: `*` any run, `?` one character. */
function glob(p: string, s: string): boolean {
  if (p === '') return s === '';
  if (p[0] === '*') return glob(p.slice(1), s) || (s !== '' && glob(p, s.slice(1)));
  if (s === '') return false;
  return (p[0] === '?' || p[0] === s[0]) && glob(p.slice(1), s.slice(1));
}

function leaves(v: unknown): unknown[] {
  return Array.isArray(v) ? v.flatMap(leaves) : [v];
}
function fieldValues(event: Record<string, unknown>, field: string): unknown[] {
  if (field === 'n.x') {
    const n = event.n;
    return leaves(n).flatMap((o) =>
      typeof o === 'object' && o !== null && 'x' in o ? leaves(o.x) : [],
    );
  }
  return field in event ? leaves(event[field]) : [];
}

function naiveItem(event: Record<string, unknown>, key: string, values: string[]): boolean {
  const [field = '', ...mods] = key.split('|');
  const cased = mods.includes('cased');
  const wrap = (v: string) =>
    mods.includes('contains')
      ? `*${v}*`
      : mods.includes('startswith')
        ? `${v}*`
        : mods.includes('endswith')
          ? `*${v}`
          : v;
  const fold = (s: string) => (cased ? s : s.toLowerCase());
  // Numbers in the event compare as their text (docs/sigma.md).
  const asText = (x: unknown) =>
    typeof x === 'string' ? x : typeof x === 'number' ? String(x) : null;
  const ok = (v: string) =>
    fieldValues(event, field).some((x) => {
      const t = asText(x);
      return t !== null && glob(fold(wrap(v)), fold(t));
    });
  return mods.includes('all') ? values.every(ok) : values.some(ok);
}

function naiveCond(
  c: Cond,
  sel: Record<string, Record<string, string[]>>,
  event: Record<string, unknown>,
): boolean {
  const id = (name: string) =>
    Object.entries(sel[name] ?? {}).every(([k, v]) => naiveItem(event, k, v));
  switch (c.t) {
    case 'id':
      return id(c.name);
    case 'not':
      return !naiveCond(c.x, sel, event);
    case 'and':
      return naiveCond(c.l, sel, event) && naiveCond(c.r, sel, event);
    case 'or':
      return naiveCond(c.l, sel, event) || naiveCond(c.r, sel, event);
    case 'of': {
      const names = Object.keys(sel).filter(
        (n) => c.pattern === 'them' || n.startsWith(c.pattern.slice(0, -1)),
      );
      return c.q === 'all' ? names.every(id) : names.some(id);
    }
  }
}

const PREC = { or: 1, and: 2, not: 3, id: 4, of: 4 } as const;
/** Text of a condition with only the parentheses precedence needs (plus random extra ones). */
function text(c: Cond, extra: () => boolean): string {
  const sub = (x: Cond, min: number) => {
    const s = text(x, extra);
    return PREC[x.t] < min || extra() ? `(${s})` : s;
  };
  switch (c.t) {
    case 'id':
      return c.name;
    case 'of':
      return `${c.q} of ${c.pattern}`;
    case 'not':
      return `not ${sub(c.x, PREC.not)}`;
    case 'and':
    case 'or':
      return `${sub(c.l, PREC[c.t])} ${c.t} ${sub(c.r, PREC[c.t] + 1)}`;
  }
}

const condArb: fc.Arbitrary<Cond> = fc.letrec<{ c: Cond }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...NAMES).map((name): Cond => ({ t: 'id', name })),
    fc.record({
      t: fc.constant('of' as const),
      q: fc.constantFrom('1' as const, 'all' as const),
      pattern: fc.constantFrom('sel*', 'them'),
    }),
    fc.record({ t: fc.constant('not' as const), x: tie('c') }),
    fc.record({ t: fc.constantFrom('and' as const, 'or' as const), l: tie('c'), r: tie('c') }),
  ),
})).c;

const itemArb = fc
  .tuple(
    fc.constantFrom(...FIELDS),
    fc.constantFrom(...MODS),
    fc.array(fc.constantFrom(...PATTERNS), { minLength: 2, maxLength: 3 }),
  )
  .map(
    ([f, m, vs]) =>
      [`${f}${m}`, m.includes('all') ? vs : vs.slice(0, 1 + (vs.length % 2))] as const,
  );
const selArb = fc
  .tuple(...NAMES.map(() => fc.array(itemArb, { minLength: 1, maxLength: 3 })))
  .map((sels) =>
    Object.fromEntries(
      sels.map((items, i) => [
        NAMES[i] ?? '',
        Object.fromEntries(items.map(([k, v]) => [k, [...v]])),
      ]),
    ),
  );
const valueArb = fc.oneof(
  fc.constantFrom(...ALPHABET),
  fc.array(fc.constantFrom(...ALPHABET), { maxLength: 3 }),
  fc.constant(null),
  fc.integer({ min: 0, max: 3 }),
);
const eventArb = fc.record(
  {
    f: valueArb,
    g: valueArb,
    n: fc.oneof(fc.record({ x: valueArb }), fc.array(fc.record({ x: valueArb }), { maxLength: 2 })),
  },
  { requiredKeys: [] },
);

describe('property', () => {
  it('the compiled detection agrees with a naive interpreter', () => {
    fc.assert(
      fc.property(
        selArb,
        condArb,
        fc.array(eventArb, { minLength: 1, maxLength: 5 }),
        fc.array(fc.boolean(), { minLength: 1 }),
        (sel, cond, events, parens) => {
          let k = 0;
          const condition = text(cond, () => parens[k++ % parens.length] ?? false);
          const doc = {
            title: 'generated',
            logsource: { product: 'aws', service: 'cloudtrail' },
            detection: { ...sel, condition },
          };
          const r = loadRules(stringify(doc), 'gen.yml');
          expect(r.errors).toEqual([]);
          const compiled = r.rules[0];
          if (compiled === undefined) throw new Error('no rule');
          for (const e of events)
            expect(compiled.match(e), `${condition} on ${JSON.stringify(e)}`).toBe(
              naiveCond(cond, sel, e),
            );
        },
      ),
      { numRuns: 300 },
    );
  });
});
