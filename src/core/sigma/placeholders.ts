/**
 * Placeholders (Sigma rules specification v2.0.0, "Placeholders"): with the `expand`
 * modifier, each `%name%` in a value stands for the values configured for `name`; `\%` is a
 * plain percent sign. A placeholder without values is a load error, since a tool that cannot
 * resolve a placeholder must reject the rule.
 */
import { CompileError } from './compile-error.js';
import { type Part, type SigmaString, normalise, parseSigmaString } from './sigma-string.js';
import type { ModifierContext } from './values.js';

/** Most values one item may expand into (placeholders, base64offset, lists). */
export const MAX_EXPANSION = 1024;

const PLACEHOLDER = /%([A-Za-z0-9_.-]+)%/g;

/** `expand`: each `%name%` in the literal text is replaced by each of its configured values. */
export function expand(s: SigmaString, ctx: ModifierContext): SigmaString[] {
  let results: Part[][] = [[]];
  for (const p of s.parts) {
    if (p.t !== 'lit' || p.noExpand) {
      results = results.map((r) => [...r, p]);
      continue;
    }
    let last = 0;
    for (const m of p.s.matchAll(PLACEHOLDER)) {
      const name = m[1] ?? '';
      const before = p.s.slice(last, m.index);
      last = m.index + m[0].length;
      const values = Object.hasOwn(ctx.placeholders, name) ? ctx.placeholders[name] : undefined;
      if (values === undefined || values.length === 0)
        throw new CompileError(
          'unresolved_placeholder',
          ctx.path,
          `placeholder '%${name}%' has no values configured`,
        );
      const next: Part[][] = [];
      for (const r of results)
        for (const value of values)
          next.push([...r, { t: 'lit', s: before }, ...parseSigmaString(value).parts]);
      if (next.length > MAX_EXPANSION)
        throw new CompileError(
          'invalid_value',
          ctx.path,
          `placeholders expand to more than ${MAX_EXPANSION} values`,
        );
      results = next;
    }
    const tail = p.s.slice(last);
    results = results.map((r) => [...r, { t: 'lit', s: tail }]);
  }
  return results.map((parts) => ({ parts: normalise(parts), binary: s.binary }));
}
