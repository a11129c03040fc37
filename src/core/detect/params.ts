/**
 * Checks the parameters of a Veritrail rule (the `veritrail:` mapping, untrusted YAML). Every
 * problem is a `ParamError` naming the key, which the loader turns into a load error with the
 * key's line. Unknown keys are refused, so that a typo never silently changes a rule.
 */
export type ParamPath = readonly (string | number)[];

export class ParamError extends Error {
  constructor(
    readonly path: ParamPath,
    message: string,
  ) {
    super(message);
  }
}

type Doc = Readonly<Record<string, unknown>>;

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const DURATION = /^(\d{1,6})([smhdw])$/;
/** A dotted path of the event schema (`actor.id`, `source.geo.country`, `metadata.x-y`). */
const FIELD = /^[A-Za-z0-9_@$-]+(?:\.[A-Za-z0-9_@$-]+)*$/;
const MAX_FIELDS = 8;

export const isMap = (v: unknown): v is Doc =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const fmtDuration = (ms: number): string => {
  for (const [u, n] of [
    ['w', 604_800_000],
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
  ] as const)
    if (ms % n === 0) return `${ms / n}${u}`;
  return `${ms / 1000}s`;
};

/** Reads the keys of one mapping; `done()` refuses the keys nobody asked for. */
export class Params {
  private readonly seen = new Set<string>();

  constructor(
    private readonly doc: Doc,
    private readonly at: ParamPath,
  ) {}

  private name(key: string): string {
    return [...this.at, key].join('.');
  }

  private path(key: string): ParamPath {
    return [...this.at, key];
  }

  /** The raw value (undefined when absent or null). */
  raw(key: string): unknown {
    this.seen.add(key);
    const v = Object.hasOwn(this.doc, key) ? this.doc[key] : undefined;
    return v === null ? undefined : v;
  }

  has(key: string): boolean {
    return this.raw(key) !== undefined;
  }

  fail(key: string, message: string): never {
    throw new ParamError(this.path(key), `'${this.name(key)}' ${message}`);
  }

  duration(key: string, def: number | undefined, min: number, max: number): number {
    const v = this.raw(key);
    if (v === undefined) {
      if (def === undefined) this.fail(key, 'is required');
      return def;
    }
    const m = typeof v === 'string' ? DURATION.exec(v) : null;
    const ms = m === null ? NaN : Number(m[1]) * (UNIT_MS[m[2] ?? 's'] ?? 1000);
    if (Number.isNaN(ms))
      this.fail(key, `must be a number and a unit s, m, h, d or w, like 30d (got ${show(v)})`);
    if (ms < min || ms > max)
      this.fail(key, `must be between ${fmtDuration(min)} and ${fmtDuration(max)}`);
    return ms;
  }

  number(key: string, def: number, min: number, max: number, integer = false): number {
    const v = this.raw(key);
    if (v === undefined) return def;
    if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v)))
      this.fail(key, `must be ${integer ? 'an integer' : 'a number'} (got ${show(v)})`);
    if (v < min || v > max) this.fail(key, `must be between ${min} and ${max} (got ${v})`);
    return v;
  }

  int(key: string, def: number, min: number, max: number): number {
    return this.number(key, def, min, max, true);
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], def: T): T {
    const v = this.raw(key);
    if (v === undefined) return def;
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v))
      this.fail(key, `must be one of ${allowed.join(', ')} (got ${show(v)})`);
    return v as T;
  }

  string(key: string, def?: string): string {
    const v = this.raw(key);
    if (v === undefined) {
      if (def === undefined) this.fail(key, 'is required');
      return def;
    }
    if (typeof v !== 'string' || v === '' || v.length > 256)
      this.fail(key, `must be a non-empty string of at most 256 characters (got ${show(v)})`);
    return v;
  }

  field(key: string, def?: string): string {
    const v = this.string(key, def);
    if (!FIELD.test(v))
      this.fail(key, `must be a dotted field path like actor.id (got ${show(v)})`);
    return v;
  }

  /** A list of dotted field paths (a single string is a list of one); may be empty. */
  fields(key: string, def: readonly string[]): readonly string[] {
    const v = this.raw(key);
    if (v === undefined) return def;
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list)) this.fail(key, 'must be a list of field paths like [actor.id]');
    if (list.length > MAX_FIELDS) this.fail(key, `must have at most ${MAX_FIELDS} fields`);
    return list.map((f, i) => {
      if (typeof f !== 'string' || !FIELD.test(f) || f.length > 256)
        throw new ParamError(
          [...this.path(key), i],
          `'${this.name(key)}[${i}]' must be a dotted field path like actor.id (got ${show(f)})`,
        );
      return f;
    });
  }

  map(key: string): Params | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (!isMap(v)) this.fail(key, 'must be a map');
    return new Params(v, this.path(key));
  }

  /** Every key of the mapping, for maps keyed by name (tenants). */
  keys(): string[] {
    return Object.keys(this.doc);
  }

  /** Refuses keys that were not read. */
  done(): void {
    for (const key of Object.keys(this.doc))
      if (!this.seen.has(key)) this.fail(key, 'is not a known parameter here');
  }
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? `'${v}'` : (JSON.stringify(v) ?? String(v));
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
