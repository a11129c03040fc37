/**
 * Sigma string values (Sigma rules specification v2.0.0, "String Wildcard" and "Escaping"):
 * `*` matches any run of characters, `?` exactly one, `\` escapes `*`, `?` and itself, and a
 * backslash before any other character is a plain backslash. Rule text is untrusted: every
 * pattern that is not a plain equality, prefix, suffix or substring test is compiled with
 * RE2 (re2js), which runs in linear time, never with JS RegExp.
 */
import { RE2JS } from 're2js';

export type Part =
  | { readonly t: 'lit'; readonly s: string; readonly noExpand?: true }
  | { readonly t: 'star' }
  | { readonly t: 'one' }
  /** One of the dash characters of the `windash` modifier. */
  | { readonly t: 'dash' };

export interface SigmaString {
  readonly parts: readonly Part[];
  /** Literal text holds bytes (0–255) made by a utf16 modifier, not characters. */
  readonly binary: boolean;
}

const STAR: Part = { t: 'star' };
const ONE: Part = { t: 'one' };
export const DASH: Part = { t: 'dash' };
/** The `windash` characters (modifiers appendix v2.1.0): hyphen, slash, en and em dash, bar. */
export const DASH_CHARS = '-/\u2013\u2014\u2015';

/** Adjacent literals merged (except escaped `%`, kept apart from placeholder expansion). */
export function normalise(parts: readonly Part[]): Part[] {
  const out: Part[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (p.t === 'lit' && p.s === '') continue;
    if (p.t === 'lit' && last?.t === 'lit' && !p.noExpand && !last.noExpand) {
      out[out.length - 1] = { t: 'lit', s: last.s + p.s };
    } else if (p.t === 'star' && last?.t === 'star') {
      continue;
    } else {
      out.push(p);
    }
  }
  return out;
}

export function parseSigmaString(raw: string): SigmaString {
  const parts: Part[] = [];
  let lit = '';
  const flush = () => {
    if (lit !== '') parts.push({ t: 'lit', s: lit });
    lit = '';
  };
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\') {
      const next = raw[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        lit += next;
        i++;
      } else if (next === '%') {
        flush();
        parts.push({ t: 'lit', s: '%', noExpand: true });
        i++;
      } else {
        lit += '\\';
      }
    } else if (c === '*' || c === '?') {
      flush();
      parts.push(c === '*' ? STAR : ONE);
    } else {
      lit += c;
    }
  }
  flush();
  return { parts: normalise(parts), binary: false };
}

export const plainString = (s: string, binary = false): SigmaString => ({
  parts: s === '' ? [] : [{ t: 'lit', s }],
  binary,
});

export const hasWildcards = (s: SigmaString): boolean => s.parts.some((p) => p.t !== 'lit');

/** The text of a string without wildcards (callers check `hasWildcards` first). */
export const literalText = (s: SigmaString): string =>
  s.parts.map((p) => (p.t === 'lit' ? p.s : '')).join('');

export const withStar = (s: SigmaString, start: boolean, end: boolean): SigmaString => ({
  parts: normalise([...(start ? [STAR] : []), ...s.parts, ...(end ? [STAR] : [])]),
  binary: s.binary,
});

export type StringTest = (value: string) => boolean;

/**
 * A test of a whole string value against the pattern. Case-insensitive unless `cased`
 * (rules specification, "General": values are case-insensitive). Plain shapes use string
 * methods; the rest compile to an anchored RE2 pattern.
 */
export function compileStringTest(s: SigmaString, cased: boolean): StringTest {
  const p = s.parts;
  const fold = (x: string) => (cased ? x : x.toLowerCase());
  const only = (i: number, t: Part['t']) => p[i]?.t === t;
  if (p.length === 0) return (v) => v === '';
  if (p.length === 1 && only(0, 'star')) return () => true;
  const lit = (i: number) => {
    const part = p[i];
    return part?.t === 'lit' ? fold(part.s) : '';
  };
  if (p.length === 1 && only(0, 'lit')) {
    const want = lit(0);
    // Lower-casing never shortens a string, so a longer value can never be equal.
    if (cased) return (v) => v === want;
    return (v) => v.length <= want.length && v.toLowerCase() === want;
  }
  if (p.length === 2 && only(0, 'lit') && only(1, 'star')) {
    const want = lit(0);
    return cased ? (v) => v.startsWith(want) : (v) => v.toLowerCase().startsWith(want);
  }
  if (p.length === 2 && only(0, 'star') && only(1, 'lit')) {
    const want = lit(1);
    return cased ? (v) => v.endsWith(want) : (v) => v.toLowerCase().endsWith(want);
  }
  if (p.length === 3 && only(0, 'star') && only(1, 'lit') && only(2, 'star')) {
    const want = lit(1);
    return cased ? (v) => v.includes(want) : (v) => v.toLowerCase().includes(want);
  }
  const re = RE2JS.compile(toRegex(s), RE2JS.DOTALL | (cased ? 0 : RE2JS.CASE_INSENSITIVE));
  return (v) => re.testExact(v);
}

/** The RE2 source of a wildcard pattern (unanchored; callers use `testExact`). */
export function toRegex(s: SigmaString): string {
  return s.parts
    .map((p) => {
      switch (p.t) {
        case 'lit':
          return RE2JS.quote(p.s);
        case 'star':
          return '.*';
        case 'one':
          return '.';
        case 'dash':
          return `[${DASH_CHARS.replace('-', '\\-')}]`;
      }
    })
    .join('');
}
