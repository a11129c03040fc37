/**
 * Query patterns as PostgreSQL LIKE patterns and byte-order ranges.
 *
 * LIKE under a deterministic collation compares characters exactly (case-sensitive, whatever
 * the collation), `_` is one character (one code point in a UTF-8 database) and `%` any run:
 * exactly the glob of src/core/query/glob.ts once `\`, `%` and `_` are escaped (backslash is
 * LIKE's default escape character). Ranges use COLLATE "C", where text compares as UTF-8 bytes,
 * that is by code point.
 */
import { hasWildcard, type Pattern } from '../../../core/query/index.js';

/** LIKE text for a pattern: `*` → `%`, `?` → `_`, literal `\ % _` escaped. */
export const toLike = (pattern: Pattern): string =>
  pattern
    .map((p) => {
      if (typeof p !== 'string') return p.wildcard === '*' ? '%' : '_';
      return p.replace(/[\\%_]/g, (c) => `\\${c}`);
    })
    .join('');

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Whether the pattern's literals can be sent as PostgreSQL text. U+0000 cannot (text cannot
 * hold it; the driver would fail) and a lone surrogate would be sent as U+FFFD by the UTF-8
 * encoder, which could then match a real U+FFFD. Stored events hold neither (validation and
 * canonical JSON refuse them), so a pattern with one matches no stored value: the leaf is
 * `false`, as the in-memory matcher finds on every valid event.
 */
export const isBindable = (pattern: Pattern): boolean =>
  pattern.every((p) => typeof p !== 'string' || (!p.includes('\u0000') && !LONE_SURROGATE.test(p)));

const MAX_CODE_POINT = 0x10ffff;

/**
 * The smallest string above every string that starts with `prefix`, in code point order, or
 * null when there is none (the prefix is all U+10FFFF). Surrogates are skipped: they are not
 * characters and cannot be stored.
 */
export function prefixUpperBound(prefix: string): string | null {
  const chars = [...prefix];
  while (chars.length > 0) {
    const last = chars.pop()?.codePointAt(0) ?? MAX_CODE_POINT;
    if (last < MAX_CODE_POINT) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return chars.join('') + String.fromCodePoint(next);
    }
  }
  return null;
}

/**
 * For a wildcard pattern, the range `[lo, hi)` its leading literal confines matches to, so a
 * btree index in the C collation can seek to it even under a generic plan (where a bound LIKE
 * pattern is unknown to the planner). Null when the pattern starts with a wildcard.
 */
export function likePrefixRange(pattern: Pattern): { lo: string; hi: string | null } | null {
  const first = pattern[0];
  if (!hasWildcard(pattern) || typeof first !== 'string') return null;
  return { lo: first, hi: prefixUpperBound(first) };
}
