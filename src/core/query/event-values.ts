/**
 * Reading a field's values out of an event, for the in-memory matcher. The event is treated as
 * untrusted JSON data: only own properties of plain objects are read (`constructor` or
 * `__proto__` in a query never reach the prototype), arrays are entered only where the field
 * spec says so.
 */
import type { FieldSpec } from './fields.js';

type JsonObject = Readonly<Record<string, unknown>>;

const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Elements of nested arrays, depth-first, in order: [[a], b] gives a, b. */
function flatten(v: unknown, out: unknown[]): void {
  if (Array.isArray(v)) for (const x of v as unknown[]) flatten(x, out);
  else out.push(v);
}

/**
 * Every value the field designates in `event`: several when an array lies on its path (any
 * element may match), none when the path is missing. Deep fields (metadata/raw) expand arrays
 * at every step, so what comes back is never an array for them.
 */
export function fieldValues(event: unknown, spec: FieldSpec): unknown[] {
  let current: unknown[] = [event];
  spec.path.forEach((key, i) => {
    const next: unknown[] = [];
    for (const parent of current) {
      if (!isObject(parent) || !Object.hasOwn(parent, key)) continue;
      const child = parent[key];
      if (spec.deep) flatten(child, next);
      else if (!spec.arrays.includes(i)) next.push(child);
      else if (Array.isArray(child)) next.push(...(child as unknown[]));
    }
    current = next;
  });
  return current;
}

/**
 * The string a term compares with: strings as they are, booleans as `true`/`false`, integers in
 * decimal. Only safe integers, because SQLite and JSON.parse agree exactly on those; other
 * numbers, objects, arrays and null have no rendering and match no value term.
 */
export function renderValue(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  return undefined;
}

/** True when some string anywhere in `v` (values, not keys) satisfies `test`. */
export function someString(v: unknown, test: (s: string) => boolean): boolean {
  if (typeof v === 'string') return test(v);
  if (Array.isArray(v)) return (v as unknown[]).some((x) => someString(x, test));
  if (isObject(v)) return Object.values(v).some((x) => someString(x, test));
  return false;
}
