/**
 * PostgreSQL built as fragments: the text is only ever written in this folder, and every value
 * in a `pgSql` template becomes a bound parameter, so query text can never reach the SQL text.
 *
 * Parameters are objects, not `?` marks renumbered afterwards: PostgreSQL's jsonb operators and
 * jsonpath use `?` and `$` themselves, so text rewriting would be unsafe. A `Param` interpolated
 * twice keeps one number (`$3 ... $3`), which lets a leaf repeat a value expression cheaply.
 */
export class Param {
  constructor(readonly value: unknown) {}
}

type Part = string | Param;

export class PgSql {
  constructor(readonly parts: readonly Part[]) {}
}

/** Interpolated `PgSql` fragments and `Param`s are inlined; anything else becomes a new Param. */
export function pgSql(strings: TemplateStringsArray, ...values: unknown[]): PgSql {
  const parts: Part[] = [strings[0] ?? ''];
  values.forEach((value, i) => {
    if (value instanceof PgSql) parts.push(...value.parts);
    else parts.push(value instanceof Param ? value : new Param(value));
    parts.push(strings[i + 1] ?? '');
  });
  return new PgSql(parts);
}

/** Trusted SQL text: constants of this folder, or identifiers checked against a pattern. */
export const trusted = (text: string): PgSql => new PgSql([text]);

export const FALSE = trusted('false');

export function joinPg(parts: readonly PgSql[], separator: string): PgSql {
  return new PgSql(parts.flatMap((p, i) => (i === 0 ? p.parts : [separator, ...p.parts])));
}

/** `$n` numbers in order of first appearance, from `first`; `params[k]` is `$(first + k)`. */
export function renderPg(fragment: PgSql, first: number): { sql: string; params: unknown[] } {
  const numbers = new Map<Param, number>();
  const params: unknown[] = [];
  const text = fragment.parts
    .map((part) => {
      if (typeof part === 'string') return part;
      let n = numbers.get(part);
      if (n === undefined) {
        n = first + params.length;
        numbers.set(part, n);
        params.push(part.value);
      }
      return `$${n}`;
    })
    .join('');
  return { sql: text, params };
}
