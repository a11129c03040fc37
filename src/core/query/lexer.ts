/**
 * Tokens of the query language (README.md "Lexical rules"). The query text is untrusted: every
 * refusal names the column, and nothing here recurses or backtracks.
 */
import { ANY, ONE, type Pattern, type PatternPart, type RangeOp } from './ast.js';
import { columnAt, queryError } from './query-error.js';

export interface Value {
  readonly pattern: Pattern;
  readonly quoted: boolean;
  readonly at: number;
}
export interface TermToken {
  readonly kind: 'term';
  readonly at: number;
  readonly field?: { readonly name: string; readonly at: number };
  readonly op?: { readonly op: RangeOp; readonly at: number };
  readonly value: Value;
}
export interface MarkToken {
  readonly kind: 'lparen' | 'rparen' | 'and' | 'or' | 'not';
  readonly at: number;
  /** As written, for error messages (`NOT` and `-` are both `not`). */
  readonly text: string;
}
export type Token = TermToken | MarkToken;

const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/u.test(c);
/** A bare word ends at whitespace, a parenthesis or a quote (unless escaped). */
const endsWord = (c: string | undefined): boolean =>
  c === undefined || isSpace(c) || c === '(' || c === ')' || c === '"';
/** A Map, not an object literal: the word `constructor` must not find Object.prototype's. */
const KEYWORDS: ReadonlyMap<string, MarkToken['kind']> = new Map([
  ['AND', 'and'],
  ['OR', 'or'],
  ['NOT', 'not'],
]);
const OPS: readonly RangeOp[] = ['>=', '<=', '>', '<'];

/** Builds canonical patterns: literals merged, `**` collapsed (same meaning as `*`). */
class PatternBuilder {
  private readonly parts: PatternPart[] = [];
  text(s: string): void {
    const last = this.parts.length - 1;
    const prev = this.parts[last];
    if (typeof prev === 'string') this.parts[last] = prev + s;
    else this.parts.push(s);
  }
  wildcard(w: '*' | '?'): void {
    const prev = this.parts[this.parts.length - 1];
    if (w === '*' && prev === ANY) return;
    this.parts.push(w === '*' ? ANY : ONE);
  }
  build(): Pattern {
    return this.parts;
  }
}

export function lex(q: string): Token[] {
  const fail = (what: string, at: number): never => {
    throw queryError(what, columnAt(q, at));
  };

  /** `\x` takes the next whole code point literally (an emoji is one character). */
  const escapedAt = (i: number): string => {
    const cp = q.codePointAt(i + 1);
    return cp === undefined ? fail('dangling escape "\\"', i) : String.fromCodePoint(cp);
  };

  const readPhrase = (start: number): { value: Value; end: number } => {
    const text: string[] = [];
    let i = start + 1;
    for (;;) {
      const c = q[i];
      if (c === undefined) return fail('unterminated quoted value', start);
      if (c === '"') break;
      if (c === '\\') {
        const next = q[i + 1];
        if (next !== '"' && next !== '\\') fail('invalid escape in quotes (only \\" and \\\\)', i);
        text.push(next ?? '');
        i += 2;
      } else {
        text.push(c);
        i += 1;
      }
    }
    const literal = text.join('');
    return {
      value: { pattern: literal === '' ? [] : [literal], quoted: true, at: start },
      end: i + 1,
    };
  };

  const readBare = (start: number): { value: Value; end: number } => {
    const b = new PatternBuilder();
    let i = start;
    while (!endsWord(q[i])) {
      const c = q[i] ?? '';
      if (c === '\\') {
        const ch = escapedAt(i);
        b.text(ch);
        i += 1 + ch.length;
      } else {
        if (c === '*' || c === '?') b.wildcard(c);
        else b.text(c);
        i += 1;
      }
    }
    return { value: { pattern: b.build(), quoted: false, at: start }, end: i };
  };

  /** Index of the first unescaped `:` of the word at `start`, or -1. */
  const fieldColon = (start: number): number => {
    for (let i = start; !endsWord(q[i]); i += q[i] === '\\' ? 2 : 1) {
      if (q[i] === ':') return i;
    }
    return -1;
  };

  const readFieldTerm = (start: number, colon: number): { token: TermToken; end: number } => {
    if (colon === start) fail('missing field name before ":"', start);
    const field = { name: q.slice(start, colon), at: start };
    let i = colon + 1;
    const op = OPS.find((o) => q.startsWith(o, i));
    const opToken = op === undefined ? undefined : { op, at: i };
    i += op?.length ?? 0;
    if (q[i] !== '"' && endsWord(q[i])) fail(`missing value after "${q.slice(start, i)}"`, i);
    const { value, end } = q[i] === '"' ? readPhrase(i) : readBare(i);
    const token: TermToken =
      opToken === undefined
        ? { kind: 'term', at: start, field, value }
        : { kind: 'term', at: start, field, op: opToken, value };
    return { token, end };
  };

  const tokens: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i] ?? '';
    if (isSpace(c)) {
      i += 1;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: c === '(' ? 'lparen' : 'rparen', at: i, text: c });
      i += 1;
    } else if (c === '-') {
      // Negation only when glued to what it negates; `a - b` is a mistake, not free text "-".
      if (isSpace(q[i + 1]) || q[i + 1] === undefined || q[i + 1] === ')') {
        fail('expected a term after "-"', i);
      }
      tokens.push({ kind: 'not', at: i, text: '-' });
      i += 1;
    } else {
      const start = i;
      let term: { token: TermToken; end: number };
      if (c === '"') {
        const { value, end } = readPhrase(i);
        term = { token: { kind: 'term', at: i, value }, end };
      } else {
        const colon = fieldColon(i);
        if (colon >= 0) {
          term = readFieldTerm(i, colon);
        } else {
          const { value, end } = readBare(i);
          const keyword = KEYWORDS.get(q.slice(i, end));
          if (keyword !== undefined) {
            tokens.push({ kind: keyword, at: i, text: q.slice(i, end) });
            i = end;
            continue;
          }
          term = { token: { kind: 'term', at: i, value }, end };
        }
      }
      tokens.push(term.token);
      i = term.end;
      // `foo"bar"` or `"a"b` would silently become two terms; ask for the space instead.
      const next = q[i];
      if (next !== undefined && (next === '"' || (q[i - 1] === '"' && !endsWord(next)))) {
        fail(`missing space after "${q.slice(start, i)}"`, i);
      }
    }
  }
  return tokens;
}
