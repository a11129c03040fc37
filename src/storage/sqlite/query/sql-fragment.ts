/**
 * SQL built as fragments: the text is only ever written in this folder, and every value in a
 * `sql` template becomes a bound `?` parameter, so query text can never reach the SQL text.
 */
export class Sql {
  constructor(
    readonly text: string,
    readonly params: readonly unknown[],
  ) {}
}

/** Interpolated `Sql` fragments are inlined; anything else is bound as a parameter. */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  let text = strings[0] ?? '';
  const params: unknown[] = [];
  values.forEach((value, i) => {
    if (value instanceof Sql) {
      text += value.text;
      params.push(...value.params);
    } else {
      text += '?';
      params.push(value);
    }
    text += strings[i + 1] ?? '';
  });
  return new Sql(text, params);
}

/** Trusted SQL text: constants of this folder, or identifiers checked against a pattern. */
export const trusted = (text: string): Sql => new Sql(text, []);

export function joinSql(parts: readonly Sql[], separator: string): Sql {
  return new Sql(
    parts.map((p) => p.text).join(separator),
    parts.flatMap((p) => p.params),
  );
}
