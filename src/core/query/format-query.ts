/**
 * Prints an AST as query text such that `parseQuery(formatQuery(ast))` deep-equals `ast` for
 * every canonical AST (see ast.ts). Used to show a query back to people (reports' manifests,
 * audit events), so it prefers `"quoted phrases"` to backslashes where a value allows.
 */
import type { Pattern, QueryNode } from './ast.js';

/** Where a value stands: free text is also read for `field:`, keywords and `-` negation. */
type Context = 'text' | 'field';

const SPECIAL = /[\s"\\()*?]/u;
const KEYWORDS = new Set(['AND', 'OR', 'NOT']);

function needsQuotes(s: string, ctx: Context): boolean {
  if (s === '' || SPECIAL.test(s)) return true;
  if (ctx === 'text') return s.includes(':') || s.startsWith('-') || KEYWORDS.has(s);
  return /^[<>=]/.test(s);
}

const quote = (s: string): string => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/** A literal run inside a bare word: escape what the lexer would otherwise read as syntax. */
function escapeBare(s: string, ctx: Context, atStart: boolean): string {
  let out = '';
  for (const [i, c] of [...s].entries()) {
    const first = atStart && i === 0;
    const special =
      SPECIAL.test(c) ||
      (ctx === 'text' && (c === ':' || (first && c === '-'))) ||
      (ctx === 'field' && first && /[<>=]/.test(c));
    out += special ? `\\${c}` : c;
  }
  return out;
}

function formatValue(pattern: Pattern, ctx: Context): string {
  const [only, ...more] = pattern;
  if (only === undefined) return '""';
  if (typeof only === 'string' && more.length === 0) {
    return needsQuotes(only, ctx) ? quote(only) : only;
  }
  // Wildcards exist only in bare words, so the literal parts are escaped instead of quoted.
  return pattern
    .map((part, i) => (typeof part === 'string' ? escapeBare(part, ctx, i === 0) : part.wildcard))
    .join('');
}

const isGroup = (n: QueryNode): boolean => n.type === 'and' || n.type === 'or';
const grouped = (n: QueryNode, parens: boolean): string =>
  parens ? `(${format(n, false)})` : format(n, false);

function format(node: QueryNode, top: boolean): string {
  switch (node.type) {
    case 'all':
      return top ? '' : '()';
    case 'and':
      // Keeps the AST's grouping: a nested and/or is always parenthesised.
      return node.children.map((c) => grouped(c, isGroup(c))).join(' AND ');
    case 'or':
      return node.children.map((c) => grouped(c, c.type === 'or')).join(' OR ');
    case 'not':
      return `NOT ${grouped(node.child, isGroup(node.child))}`;
    case 'exists':
      return `${node.field}:*`;
    case 'match':
      return `${node.field}:${formatValue(node.pattern, 'field')}`;
    case 'range':
      return `${node.field}:${node.op}${formatValue([node.value], 'field')}`;
    case 'text':
      return formatValue(node.pattern, 'text');
  }
}

/** Query text for an AST; the empty string for `{ type: 'all' }`. */
export function formatQuery(ast: QueryNode): string {
  return format(ast, true);
}
