/** The query language (README.md in this folder): parse, print, match in memory. */
export * from './ast.js';
export { parseQuery } from './parse-query.js';
export { formatQuery } from './format-query.js';
export { compileMatcher, type EventMatcher } from './compile-matcher.js';
export { KNOWN_FIELDS, resolveField, type FieldKind, type FieldSpec } from './fields.js';
export { fieldSpecOf, ipRangeOf, rangeBound, checkPattern } from './term-values.js';
export { compileGlob, asciiLower, lowerPattern, type GlobMatcher } from './glob.js';
export { parseIp, parseCidr, parseIpRange, compareBytes, inIpRange, type IpRange } from './ip.js';
export { queryError } from './query-error.js';
export { parseTimestampMs, parseInstantMs } from './timestamp.js';
