/**
 * Recursive-descent parser for the query language (README.md "Grammar"):
 *   query := or ; or := and ('OR' and)* ; and := unary (['AND'] unary)* ;
 *   unary := ('NOT' | '-') unary | primary ; primary := '(' query ')' | term
 * Query text is untrusted (API, CLI, stream filters): length, term count and nesting are
 * bounded before anything is compiled, and recursion depth is bounded by the nesting limit.
 */
import { ANY, QUERY_LIMITS, RANGE_FIELDS, type QueryNode, type RangeField } from './ast.js';
import { lex, type TermToken, type Token } from './lexer.js';
import { columnAt, queryError } from './query-error.js';
import { fieldSpecOf, ipRangeOf, rangeBound } from './term-values.js';

const ALL: QueryNode = { type: 'all' };
const startsUnary = (t: Token | undefined): boolean =>
  t !== undefined && (t.kind === 'term' || t.kind === 'lparen' || t.kind === 'not');
const isRangeField = (f: string): f is RangeField =>
  (RANGE_FIELDS as readonly string[]).includes(f);

/** One operand stays itself; two or more make the node (the grammar never yields zero). */
function combine(type: 'and' | 'or', nodes: readonly QueryNode[]): QueryNode {
  const [first = ALL, second, ...rest] = nodes;
  return second === undefined ? first : { type, children: [first, second, ...rest] };
}

class Parser {
  private pos = 0;
  private terms = 0;
  constructor(
    private readonly q: string,
    private readonly tokens: readonly Token[],
  ) {}

  private fail(what: string, at: number): never {
    throw queryError(what, columnAt(this.q, at));
  }
  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }
  private describe(t: Token): string {
    return t.kind === 'term' ? `term` : `"${t.text}"`;
  }
  /** Demands a term after an operator, pointing at whatever stands there instead. */
  private expectUnary(after: string): void {
    const next = this.peek();
    if (!startsUnary(next)) {
      this.fail(`expected a term after ${after}`, next?.at ?? this.q.length);
    }
  }

  root(): QueryNode {
    if (this.tokens.length === 0) return ALL;
    const node = this.or(0);
    const extra = this.peek();
    if (extra !== undefined) this.fail(`unexpected ${this.describe(extra)}`, extra.at);
    return node;
  }

  private or(depth: number): QueryNode {
    const children = [this.and(depth)];
    while (this.peek()?.kind === 'or') {
      this.pos += 1;
      this.expectUnary('OR');
      children.push(this.and(depth));
    }
    return combine('or', children);
  }

  private and(depth: number): QueryNode {
    if (!startsUnary(this.peek())) {
      const t = this.peek();
      this.fail(
        t === undefined ? 'unexpected end of query' : `unexpected ${this.describe(t)}`,
        t?.at ?? this.q.length,
      );
    }
    const children = [this.unary(depth)];
    for (;;) {
      const t = this.peek();
      if (t?.kind === 'and') {
        this.pos += 1;
        this.expectUnary('AND');
      } else if (!startsUnary(t)) {
        break;
      }
      children.push(this.unary(depth));
    }
    return combine('and', children);
  }

  private unary(depth: number): QueryNode {
    const t = this.tokens[this.pos++];
    if (t === undefined) return this.fail('unexpected end of query', this.q.length);
    if (t.kind === 'term') return this.term(t);
    if (depth >= QUERY_LIMITS.maxDepth) {
      this.fail(`nesting deeper than ${QUERY_LIMITS.maxDepth} levels`, t.at);
    }
    if (t.kind === 'not') {
      this.expectUnary(t.text);
      return { type: 'not', child: this.unary(depth + 1) };
    }
    if (t.kind !== 'lparen') return this.fail(`unexpected ${this.describe(t)}`, t.at);
    // `()` is an empty group: like the empty query, it matches everything.
    if (this.peek()?.kind === 'rparen') {
      this.pos += 1;
      return ALL;
    }
    const inner = this.or(depth + 1);
    if (this.tokens[this.pos++]?.kind !== 'rparen') this.fail('missing ")" for "("', t.at);
    return inner;
  }

  private term(t: TermToken): QueryNode {
    this.terms += 1;
    if (this.terms > QUERY_LIMITS.maxTerms) {
      this.fail(`more than ${QUERY_LIMITS.maxTerms} terms`, t.at);
    }
    const { field, op, value } = t;
    const valueColumn = columnAt(this.q, value.at);
    if (field === undefined) return { type: 'text', pattern: value.pattern };
    const spec = fieldSpecOf(field.name, columnAt(this.q, field.at));
    if (op !== undefined) {
      if (!isRangeField(spec.name)) {
        this.fail(`operator "${op.op}" is only allowed on ${RANGE_FIELDS.join(', ')}`, op.at);
      }
      const [only, ...more] = value.pattern;
      const text = typeof only === 'string' && more.length === 0 ? only : undefined;
      if (text === undefined) {
        this.fail(
          `expected a ${spec.kind === 'seq' ? 'number' : 'timestamp'} after "${op.op}"`,
          value.at,
        );
      }
      rangeBound(spec.name, text, valueColumn);
      return { type: 'range', field: spec.name, op: op.op, value: text };
    }
    const [only, ...more] = value.pattern;
    if (!value.quoted && only === ANY && more.length === 0)
      return { type: 'exists', field: spec.name };
    if (spec.kind === 'ip') ipRangeOf(value.pattern, valueColumn);
    return { type: 'match', field: spec.name, pattern: value.pattern };
  }
}

/** Parses query text into an AST; throws `invalid_query` naming what is wrong and its column. */
export function parseQuery(q: string): QueryNode {
  if (q.length > QUERY_LIMITS.maxLength) {
    throw queryError(
      `query longer than ${QUERY_LIMITS.maxLength} characters`,
      columnAt(q, QUERY_LIMITS.maxLength),
    );
  }
  const nul = q.indexOf('\u0000');
  if (nul >= 0) throw queryError('NUL character', columnAt(q, nul));
  return new Parser(q, lex(q)).root();
}
