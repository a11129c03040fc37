/**
 * The `detection` section (Sigma rules specification v2.0.0, "Detection"): search
 * identifiers as maps (items AND-linked), lists of maps (OR-linked) or keyword lists, and
 * the condition over them. Compiled once into closures.
 */
import { CompileError } from './compile-error.js';
import { compileFieldItem, compileKeywordItem } from './compile-item.js';
import { ConditionError, compileCondition, parseCondition } from './condition.js';
import type { Predicate, Target } from './types.js';
import { applyModifiers, parseModifiers } from './values.js';

type Path = readonly (string | number)[];

export interface DetectionOptions {
  readonly placeholders: Readonly<Record<string, readonly string[]>>;
  /** Other paths to try for a field (source-specific names, docs/sigma.md). */
  readonly aliases: (field: string) => readonly string[];
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const MAX_IDENTIFIERS = 256;
const MAX_ITEMS = 4096;

/** Compiles a detection map (the `detection` of a rule or the `filter` of a meta-filter). */
export function compileDetection(
  detection: unknown,
  path: Path,
  opts: DetectionOptions,
  reserved: readonly string[] = ['condition', 'timeframe'],
): Predicate {
  if (!isMap(detection))
    throw new CompileError(
      'invalid_detection',
      path,
      `must be a map of search identifiers and a condition`,
    );
  const ids = new Map<string, Predicate>();
  const counter = { items: 0 };
  for (const [name, body] of Object.entries(detection)) {
    if (reserved.includes(name)) continue;
    if (ids.size >= MAX_IDENTIFIERS)
      throw new CompileError('too_large', path, `more than ${MAX_IDENTIFIERS} search identifiers`);
    ids.set(name, compileIdentifier(body, [...path, name], opts, counter));
  }
  if (detection.timeframe !== undefined)
    throw new CompileError(
      'unsupported',
      [...path, 'timeframe'],
      `'timeframe' (Sigma 1 aggregation) is not supported: use a correlation rule`,
    );
  const cond = detection.condition;
  if (cond === undefined) throw new CompileError('missing_field', path, `'condition' is required`);
  const texts = typeof cond === 'string' ? [cond] : Array.isArray(cond) ? cond : null;
  if (texts === null || texts.length === 0 || texts.some((c) => typeof c !== 'string'))
    throw new CompileError(
      'invalid_condition',
      [...path, 'condition'],
      `must be a string or a list of strings`,
    );
  const names = [...ids.keys()];
  const preds = (texts as string[]).map((text, i) => {
    const at = [...path, 'condition', ...(Array.isArray(cond) ? [i] : [])];
    try {
      return compileCondition(parseCondition(text, names), ids);
    } catch (e) {
      if (e instanceof ConditionError)
        throw new CompileError('invalid_condition', at, `condition '${text}': ${e.message}`);
      throw e;
    }
  });
  // A list of conditions is OR-linked (specification, "Condition").
  return preds.length === 1 ? (preds[0] as Predicate) : (t: Target) => preds.some((p) => p(t));
}

function compileIdentifier(
  body: unknown,
  path: Path,
  opts: DetectionOptions,
  counter: { items: number },
): Predicate {
  if (isMap(body)) return compileMap(body, path, opts, counter);
  if (Array.isArray(body)) {
    if (body.length === 0) throw new CompileError('invalid_detection', path, `empty list`);
    if (body.every((x) => !isMap(x) && !Array.isArray(x))) {
      // A list of plain values: keywords searched in the whole event, OR-linked.
      return compileKeywordItem(
        applyModifiers(body, [], { path, placeholders: opts.placeholders }),
        path,
      );
    }
    const preds = body.map((x, i) => {
      if (isMap(x)) return compileMap(x, [...path, i], opts, counter);
      if (Array.isArray(x))
        throw new CompileError('invalid_detection', [...path, i], `nested lists are not allowed`);
      return compileKeywordItem(
        applyModifiers([x], [], { path: [...path, i], placeholders: opts.placeholders }),
        [...path, i],
      );
    });
    return (t) => {
      for (const p of preds) if (p(t)) return true;
      return false;
    };
  }
  if (typeof body === 'string' || typeof body === 'number')
    return compileKeywordItem(
      applyModifiers([body], [], { path, placeholders: opts.placeholders }),
      path,
    );
  throw new CompileError(
    'invalid_detection',
    path,
    `a search identifier must be a map, a list or a keyword, not ${body === null ? 'null' : typeof body}`,
  );
}

function compileMap(
  body: Record<string, unknown>,
  path: Path,
  opts: DetectionOptions,
  counter: { items: number },
): Predicate {
  const entries = Object.entries(body);
  if (entries.length === 0) throw new CompileError('invalid_detection', path, `empty map`);
  const preds = entries.map(([key, raw]) => {
    const at = [...path, key];
    if (++counter.items > MAX_ITEMS)
      throw new CompileError('too_large', at, `more than ${MAX_ITEMS} detection items`);
    const [field = '', ...modNames] = key.split('|');
    const mods = parseModifiers(modNames, at);
    if (isMap(raw)) throw new CompileError('invalid_value', at, `a value cannot be a map`);
    const values = Array.isArray(raw) ? raw : [raw];
    if (values.length === 0) throw new CompileError('invalid_value', at, `empty list of values`);
    const spec = applyModifiers(values, mods, { path: at, placeholders: opts.placeholders });
    if (field === '') return compileKeywordItem(spec, at);
    return compileFieldItem(field, spec, at, opts.aliases(field));
  });
  if (preds.length === 1) return preds[0] as Predicate;
  return (t) => {
    for (const p of preds) if (!p(t)) return false;
    return true;
  };
}
