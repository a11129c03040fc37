import { VeritrailError } from '../errors.js';

/** 1-based column in Unicode code points, so an emoji earlier in the query counts once. */
export const columnAt = (q: string, index: number): number => [...q.slice(0, index)].length + 1;

/**
 * The one way a query is refused. `what` is said without a position when the problem is found
 * in an AST that did not come from text (a compiler re-checking a hand-built AST).
 */
export function queryError(what: string, column?: number): VeritrailError {
  const message = column === undefined ? what : `${what} at column ${column}`;
  return new VeritrailError('invalid_query', `invalid query: ${message}`, [{ path: 'q', message }]);
}
