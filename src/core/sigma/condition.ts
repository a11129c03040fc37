/**
 * The detection condition (Sigma rules specification v2.0.0, "Condition"): `and`, `or`,
 * `not`, parentheses, `1 of`/`any of`/`all of` a search-identifier pattern (with `*`) or
 * `them`. Precedence from least to most binding: or, and, not, x of, ( ). The text is
 * untrusted: errors give the 1-based column; depth is bounded.
 */

export type CondNode =
  | { readonly t: 'id'; readonly name: string }
  | { readonly t: 'of'; readonly quant: 'one' | 'all'; readonly names: readonly string[] }
  | { readonly t: 'not'; readonly x: CondNode }
  | { readonly t: 'and' | 'or'; readonly xs: readonly CondNode[] };

export class ConditionError extends Error {
  constructor(
    message: string,
    /** 1-based column in the condition text. */
    readonly column: number,
  ) {
    super(`${message} at column ${column}`);
  }
}

interface Token {
  readonly text: string;
  readonly pos: number;
}

const WORD = /[A-Za-z0-9_*\-.]/;
const MAX_DEPTH = 64;
const MAX_LENGTH = 4096;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(' || c === ')') {
      out.push({ text: c, pos: i });
      i++;
    } else if (WORD.test(c)) {
      const start = i;
      while (i < text.length && WORD.test(text[i] ?? '')) i++;
      out.push({ text: text.slice(start, i), pos: start });
    } else if (c === '|') {
      throw new ConditionError(
        `aggregation expressions ('| count() ...', Sigma 1) are not supported: use a correlation rule`,
        i + 1,
      );
    } else {
      throw new ConditionError(`unexpected character '${c}'`, i + 1);
    }
  }
  return out;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'of', 'them', '1', 'any', 'all', 'near']);

/** Parses `text` and resolves identifiers and patterns against `identifiers`. */
export function parseCondition(text: string, identifiers: readonly string[]): CondNode {
  if (text.length > MAX_LENGTH)
    throw new ConditionError(`condition is longer than ${MAX_LENGTH} characters`, 1);
  const tokens = tokenize(text);
  const known = new Set(identifiers);
  let i = 0;
  const peek = () => tokens[i];
  const kw = (tok: Token | undefined, word: string) => tok?.text.toLowerCase() === word;
  const endCol = text.length + 1;
  const col = (tok: Token | undefined) => (tok === undefined ? endCol : tok.pos + 1);

  const parseOr = (depth: number): CondNode => {
    const xs = [parseAnd(depth)];
    while (kw(peek(), 'or')) {
      i++;
      xs.push(parseAnd(depth));
    }
    return xs.length === 1 ? (xs[0] as CondNode) : { t: 'or', xs };
  };
  const parseAnd = (depth: number): CondNode => {
    const xs = [parseNot(depth)];
    while (kw(peek(), 'and')) {
      i++;
      xs.push(parseNot(depth));
    }
    return xs.length === 1 ? (xs[0] as CondNode) : { t: 'and', xs };
  };
  const parseNot = (depth: number): CondNode => {
    if (depth > MAX_DEPTH)
      throw new ConditionError(`condition nests deeper than ${MAX_DEPTH}`, col(peek()));
    if (kw(peek(), 'not')) {
      i++;
      return { t: 'not', x: parseNot(depth + 1) };
    }
    return parsePrimary(depth);
  };
  const parsePrimary = (depth: number): CondNode => {
    const tok = peek();
    if (tok === undefined)
      throw new ConditionError('condition ends too early: expected an identifier', endCol);
    if (tok.text === '(') {
      i++;
      const x = parseOr(depth + 1);
      if (peek()?.text !== ')') throw new ConditionError(`expected ')'`, col(peek()));
      i++;
      return x;
    }
    const word = tok.text.toLowerCase();
    if (word === '1' || word === 'any' || word === 'all') {
      i++;
      if (!kw(peek(), 'of'))
        throw new ConditionError(`expected 'of' after '${tok.text}'`, col(peek()));
      i++;
      const target = peek();
      if (target === undefined || target.text === '(' || target.text === ')')
        throw new ConditionError(
          `expected 'them' or an identifier pattern after 'of'`,
          col(target),
        );
      i++;
      const names = kw(target, 'them')
        ? identifiers.filter((n) => !n.startsWith('_'))
        : matchPattern(target.text, identifiers);
      if (names.length === 0)
        throw new ConditionError(`'${target.text}' matches no search identifier`, col(target));
      return { t: 'of', quant: word === 'all' ? 'all' : 'one', names };
    }
    if (word === 'near')
      throw new ConditionError(`'near' (Sigma 1 aggregation) is not supported`, col(tok));
    if (tok.text === ')' || KEYWORDS.has(word))
      throw new ConditionError(`unexpected '${tok.text}': expected an identifier`, col(tok));
    if (tok.text.includes('*'))
      throw new ConditionError(`a pattern like '${tok.text}' needs '1 of' or 'all of'`, col(tok));
    if (!known.has(tok.text))
      throw new ConditionError(`unknown search identifier '${tok.text}'`, col(tok));
    i++;
    return { t: 'id', name: tok.text };
  };

  const node = parseOr(0);
  if (i < tokens.length) {
    const tok = tokens[i];
    throw new ConditionError(
      `unexpected '${tok?.text ?? ''}' after a complete condition`,
      col(tok),
    );
  }
  return node;
}

/** Identifiers matching a pattern where `*` stands for any run of characters. */
function matchPattern(pattern: string, identifiers: readonly string[]): string[] {
  const pieces = pattern.split('*');
  return identifiers.filter((name) => {
    if (pieces.length === 1) return name === pattern;
    const first = pieces[0] ?? '';
    const last = pieces[pieces.length - 1] ?? '';
    if (!name.startsWith(first) || name.length < first.length + last.length) return false;
    let at = first.length;
    for (let k = 1; k < pieces.length - 1; k++) {
      const found = name.indexOf(pieces[k] ?? '', at);
      if (found < 0) return false;
      at = found + (pieces[k] ?? '').length;
    }
    return name.length - last.length >= at && name.endsWith(last);
  });
}

/** Compiles the tree to a predicate from the compiled search identifiers. */
export function compileCondition<T>(
  node: CondNode,
  ids: ReadonlyMap<string, (t: T) => boolean>,
): (t: T) => boolean {
  const get = (name: string) => {
    const p = ids.get(name);
    if (p === undefined) throw new Error(`internal: identifier '${name}' not compiled`);
    return p;
  };
  switch (node.t) {
    case 'id':
      return get(node.name);
    case 'not': {
      const x = compileCondition(node.x, ids);
      return (t) => !x(t);
    }
    case 'and':
    case 'or': {
      const xs = node.xs.map((x) => compileCondition(x, ids));
      if (node.t === 'and')
        return (t) => {
          for (const x of xs) if (!x(t)) return false;
          return true;
        };
      return (t) => {
        for (const x of xs) if (x(t)) return true;
        return false;
      };
    }
    case 'of': {
      const xs = node.names.map(get);
      if (node.quant === 'all')
        return (t) => {
          for (const x of xs) if (!x(t)) return false;
          return true;
        };
      return (t) => {
        for (const x of xs) if (x(t)) return true;
        return false;
      };
    }
  }
}
