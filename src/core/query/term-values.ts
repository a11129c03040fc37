/**
 * Checks on the values of field terms, shared by the parser (with a column) and by both
 * compilers (without one, for ASTs built by hand), so a value is never interpreted two ways.
 */
import { hasWildcard, literalOf, type Pattern, type RangeField } from './ast.js';
import { resolveField, unknownFieldMessage, type FieldSpec } from './fields.js';
import { parseIpRange, type IpRange } from './ip.js';
import { queryError } from './query-error.js';
import { parseInstantMs } from './timestamp.js';

const INTEGER = /^-?[0-9]{1,16}$/;

export function fieldSpecOf(name: string, column?: number): FieldSpec {
  const spec = resolveField(name);
  if (spec === null) throw queryError(unknownFieldMessage(name), column);
  return spec;
}

/** The number a range bound stands for: epoch milliseconds, or the integer of observer.seq. */
export function rangeBound(field: RangeField, value: string, column?: number): number {
  if (field === 'observer.seq') {
    const n = Number(value);
    if (!INTEGER.test(value) || !Number.isSafeInteger(n)) {
      throw queryError(`invalid observer.seq bound "${value}" (expected an integer)`, column);
    }
    return n;
  }
  const ms = parseInstantMs(value);
  if (ms === null) {
    throw queryError(
      `invalid ${field} bound "${value}" (expected an RFC 3339 timestamp or YYYY-MM-DD)`,
      column,
    );
  }
  return ms;
}

/** The address range of a `source.ip` value: one address, or a CIDR block. */
export function ipRangeOf(pattern: Pattern, column?: number): IpRange {
  if (hasWildcard(pattern)) {
    throw queryError('wildcards are not allowed on source.ip (use CIDR, e.g. 10.0.0.0/8)', column);
  }
  const text = literalOf(pattern);
  const range = parseIpRange(text);
  if (range === null) throw queryError(`invalid IP address or CIDR block "${text}"`, column);
  return range;
}

/**
 * U+0000 is refused in values: SQLite's GLOB stops at it, so the SQL and in-memory matchers
 * could not agree on a pattern containing it.
 */
export function checkPattern(pattern: Pattern, column?: number): void {
  for (const part of pattern) {
    if (typeof part === 'string' && part.includes('\u0000')) {
      throw queryError('NUL character in value', column);
    }
  }
}
