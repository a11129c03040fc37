/**
 * The fields a query may name (ARCHITECTURE §2, event schema v1) and where each one lives in
 * an event. Both compilers read this table, which is what keeps them agreeing on shape.
 */

/** How values of a field compare beyond plain string equality. */
export type FieldKind = 'text' | 'time' | 'seq' | 'ip';

export interface FieldSpec {
  readonly name: string;
  /** Object keys from the event root. */
  readonly path: readonly string[];
  /**
   * Positions `i` where the value reached after `path[i]` is, by the schema, an array that is
   * matched element-wise (`targets`, `actor.roles`, ...). A non-array there matches nothing.
   */
  readonly arrays: readonly number[];
  /** `metadata.*` / `raw.*`: any array anywhere on the path, nested ones too, is expanded. */
  readonly deep: boolean;
  readonly kind: FieldKind;
}

const known = (name: string, kind: FieldKind = 'text', arrays: number[] = []): FieldSpec => ({
  name,
  path: name.split('.'),
  arrays,
  deep: false,
  kind,
});

export const KNOWN_FIELDS: ReadonlyMap<string, FieldSpec> = new Map(
  [
    ...['id', 'tenant', 'action', 'category', 'outcome', 'reason', 'severity'].map((f) => known(f)),
    ...['id', 'type', 'name', 'privileged', 'session_id', 'mfa', 'on_behalf_of'].map((f) =>
      known(`actor.${f}`),
    ),
    known('actor.roles', 'text', [1]),
    known('targets.id', 'text', [0]),
    known('targets.type', 'text', [0]),
    known('targets.name', 'text', [0]),
    known('targets.data_class', 'text', [0, 1]),
    known('targets.changes.field', 'text', [0, 1]),
    known('source.ip', 'ip'),
    ...['source.user_agent', 'source.device_id', 'source.geo.country', 'source.geo.city'].map((f) =>
      known(f),
    ),
    ...['service', 'version', 'host', 'environment'].map((f) => known(`observer.${f}`)),
    known('observer.seq', 'seq'),
    ...['request_id', 'trace_id', 'change_id', 'approval_ref'].map((f) =>
      known(`correlation.${f}`),
    ),
    known('occurred_at', 'time'),
    known('received_at', 'time'),
  ].map((spec) => [spec.name, spec] as const),
);

const DEEP_ROOTS = ['metadata', 'raw'];
const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** The spec of a field name, or null when the language does not know it. */
export function resolveField(name: string): FieldSpec | null {
  const spec = KNOWN_FIELDS.get(name);
  if (spec !== undefined) return spec;
  const path = name.split('.');
  const [root, ...rest] = path;
  if (root === undefined || !DEEP_ROOTS.includes(root) || rest.length === 0) return null;
  if (!rest.every((segment) => SEGMENT.test(segment))) return null;
  return { name, path, arrays: [], deep: true, kind: 'text' };
}

/** Levenshtein distance, for "did you mean" hints on a mistyped field. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/** Why `name` is refused, naming the closest valid fields. */
export function unknownFieldMessage(name: string): string {
  const root = name.split('.')[0] ?? '';
  if (DEEP_ROOTS.includes(root)) {
    return `invalid field "${name}" (use ${root}.<key>[.<key>...], keys of A-Z a-z 0-9 _ -)`;
  }
  const candidates = [...KNOWN_FIELDS.keys(), 'metadata.<key>', 'raw.<key>'];
  const closest = candidates
    .map((c) => ({ c, d: distance(name, c) }))
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, 4)
    .map((x) => x.c);
  return `unknown field "${name}" (valid fields include ${closest.join(', ')}; quote free text that contains ":")`;
}
