/**
 * Wildcard matching with exactly SQLite GLOB's meaning for the patterns the language can
 * express (`*` any run, `?` one character; characters are Unicode code points, case-sensitive),
 * so the in-memory matcher and the SQL agree. Iterative with one backtrack point: O(n·m) worst
 * case, never exponential, because patterns come from untrusted queries.
 */
import type { Pattern } from './ast.js';

const STAR = 0;
const QUESTION = 1;
type Token = string | typeof STAR | typeof QUESTION;

export type GlobMatcher = (s: string) => boolean;

const tokensOf = (pattern: Pattern): Token[] =>
  pattern.flatMap((p): Token[] =>
    typeof p === 'string' ? [...p] : [p.wildcard === '*' ? STAR : QUESTION],
  );

function matches(p: readonly Token[], s: readonly string[]): boolean {
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    const t = p[pi];
    if (t === STAR) {
      starP = pi++;
      starS = si;
    } else if (t !== undefined && (t === QUESTION || t === s[si])) {
      pi += 1;
      si += 1;
    } else if (starP >= 0) {
      pi = starP + 1;
      si = ++starS;
    } else {
      return false;
    }
  }
  while (p[pi] === STAR) pi += 1;
  return pi === p.length;
}

/** A whole-string matcher for `pattern`. */
export function compileGlob(pattern: Pattern): GlobMatcher {
  const p = tokensOf(pattern);
  return (s) => matches(p, [...s]);
}

/** Folds A–Z only, like SQLite's built-in lower(): `Ä` stays `Ä`, `İ` is not touched. */
export const asciiLower = (s: string): string => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());

/** Pattern literals folded with `asciiLower`; wildcards kept. */
export const lowerPattern = (pattern: Pattern): Pattern =>
  pattern.map((p) => (typeof p === 'string' ? asciiLower(p) : p));
