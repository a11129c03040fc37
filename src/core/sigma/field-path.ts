/**
 * Field access for detections: a field name is a dotted path into nested objects. A path
 * through an array visits every element, and an array at the end yields each element, so a
 * test holds when any value reached holds. Keys that themselves contain dots (`a.b` as one
 * key) are tried too. Only own properties are read: events are untrusted JSON.
 */
import type { Target } from './types.js';

/** Visits a value reached by the path; returns true to stop (a match was found). */
export type Visit = (value: unknown) => boolean;
/** Runs `visit` on every value at the path; true as soon as one visit returns true. */
export type Walker = (target: Target, visit: Visit) => boolean;

export function compilePath(path: string): Walker {
  const segs = path.split('.');
  const n = segs.length;
  // joins[i][j] = segs[i..j] joined with dots: the candidate keys starting at segment i.
  const joins = segs.map((_, i) =>
    segs.slice(i).map((__, k) => segs.slice(i, i + k + 1).join('.')),
  );
  const walk = (node: unknown, i: number, visit: Visit): boolean => {
    if (Array.isArray(node)) {
      for (const el of node) if (walk(el, i, visit)) return true;
      return false;
    }
    if (i === n) return visit(node);
    if (typeof node !== 'object' || node === null) return false;
    const keys = joins[i] ?? [];
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k] ?? '';
      if (
        Object.hasOwn(node, key) &&
        walk((node as Record<string, unknown>)[key], i + k + 1, visit)
      )
        return true;
    }
    return false;
  };
  if (n === 1) {
    const key = path;
    return (target, visit) => {
      if (!Object.hasOwn(target, key)) return false;
      const v = target[key];
      return Array.isArray(v) ? walk(v, 1, visit) : visit(v);
    };
  }
  return (target, visit) => walk(target, 0, visit);
}

/** True when the path reaches at least one value (null counts: the field is present). */
export const present = (walker: Walker, target: Target): boolean => walker(target, yes);
const yes = () => true;

/** Runs `visit` on every scalar (and every object as a whole is skipped) anywhere in `node`. */
export function walkAll(node: unknown, visit: Visit, depth = 0): boolean {
  if (depth > 64) return false;
  if (Array.isArray(node)) {
    for (const el of node) if (walkAll(el, visit, depth + 1)) return true;
    return false;
  }
  if (typeof node === 'object' && node !== null) {
    for (const key in node) {
      if (
        Object.hasOwn(node, key) &&
        walkAll((node as Record<string, unknown>)[key], visit, depth + 1)
      )
        return true;
    }
    return false;
  }
  return visit(node);
}
