/**
 * The query AST (README.md in this folder is the language spec). `parseQuery` builds it,
 * `formatQuery` prints it back, and the two compilers (in-memory predicate, SQL) consume it.
 *
 * Shapes are canonical so that `parseQuery(formatQuery(ast))` deep-equals `ast`:
 * `and`/`or` have at least two children and keep the user's grouping (no flattening), a pattern
 * never holds an empty literal, two adjacent literals or two adjacent `*`.
 */

/** Comparison operators; allowed only on `occurred_at`, `received_at` and `observer.seq`. */
export type RangeOp = '>' | '>=' | '<' | '<=';

export const RANGE_FIELDS = ['occurred_at', 'received_at', 'observer.seq'] as const;
export type RangeField = (typeof RANGE_FIELDS)[number];

/** `*` in an unquoted value: any run of characters (Unicode code points), possibly empty. */
export interface AnyChars {
  readonly wildcard: '*';
}
/** `?` in an unquoted value: exactly one character (one Unicode code point). */
export interface OneChar {
  readonly wildcard: '?';
}
/** A literal run of text, or a wildcard. */
export type PatternPart = string | AnyChars | OneChar;
/** A value: literal parts and wildcards. Without wildcards it is an exact string. */
export type Pattern = readonly PatternPart[];

/** Empty query (or an empty group `()`): matches every event. */
export interface AllNode {
  readonly type: 'all';
}
export type Children = readonly [QueryNode, QueryNode, ...QueryNode[]];
export interface AndNode {
  readonly type: 'and';
  readonly children: Children;
}
export interface OrNode {
  readonly type: 'or';
  readonly children: Children;
}
export interface NotNode {
  readonly type: 'not';
  readonly child: QueryNode;
}
/** `field:value` — equality with the rendered value, or a glob when the pattern has wildcards. */
export interface MatchNode {
  readonly type: 'match';
  readonly field: string;
  readonly pattern: Pattern;
}
/** `field:*` — the field is present and not null. */
export interface ExistsNode {
  readonly type: 'exists';
  readonly field: string;
}
/** `field:>=value` — `value` is an RFC 3339 timestamp / date, or a decimal integer for seq. */
export interface RangeNode {
  readonly type: 'range';
  readonly field: RangeField;
  readonly op: RangeOp;
  readonly value: string;
}
/** Free text: ASCII-case-insensitive substring of any string value in the event. */
export interface TextNode {
  readonly type: 'text';
  readonly pattern: Pattern;
}

export type QueryNode =
  AllNode | AndNode | OrNode | NotNode | MatchNode | ExistsNode | RangeNode | TextNode;

/** Limits on untrusted query text (API, CLI, stream filters). */
export const QUERY_LIMITS = { maxLength: 4096, maxTerms: 64, maxDepth: 16 } as const;

export const ANY: AnyChars = { wildcard: '*' };
export const ONE: OneChar = { wildcard: '?' };

export const hasWildcard = (pattern: Pattern): boolean =>
  pattern.some((p) => typeof p !== 'string');

/** The exact string of a wildcard-free pattern. */
export const literalOf = (pattern: Pattern): string =>
  pattern.map((p) => (typeof p === 'string' ? p : p.wildcard)).join('');
