/**
 * Shared by the SQL compilers' tests: three hand-written events that every store's examples
 * run on, and a soup of query tokens (mostly valid, sometimes not) for random query text.
 */
import fc from 'fast-check';

const base = {
  tenant: 'default',
  category: 'authentication',
  outcome: 'success',
  severity: 'info',
  occurred_at: '2024-01-01T00:00:00Z',
  received_at: '2024-01-01T00:00:01Z',
};

export const EXAMPLE_EVENTS = [
  {
    ...base,
    id: 'e1',
    action: 'user.login',
    actor: { id: 'alice', roles: ['admin', 'ops'] },
    source: { ip: '10.0.0.1' },
    metadata: { a: [{ b: [['deep']] }] },
  },
  {
    ...base,
    id: 'e2',
    action: 'invoice.delete',
    outcome: 'failure',
    actor: { id: 'bob', privileged: true },
    targets: [{ id: 'inv-1', data_class: ['pci'], changes: [{ field: 'email' }] }],
    source: { ip: '::ffff:10.0.0.2' },
    observer: { service: 'api', seq: 7 },
    occurred_at: '2024-01-02T10:00:00+02:00',
  },
  { ...base, id: 'e[3]', action: 'User.Login', actor: { id: 'carol', name: 'Ünïcode Café' } },
];

/** Queries over EXAMPLE_EVENTS and the ids they select, for every store's compiler. */
export const EXAMPLE_QUERIES: readonly (readonly [string, readonly string[]])[] = [
  ['actor.id:alice', ['e1']],
  ['action:user.*', ['e1']],
  ['action:*.login', ['e1']],
  ['id:e[3]', ['e[3]']],
  ['id:e?3?', ['e[3]']],
  ['actor.roles:admin', ['e1']],
  ['-actor.roles:admin', ['e2', 'e[3]']],
  ['targets.data_class:pci targets.changes.field:email', ['e2']],
  ['source.ip:10.0.0.0/24', ['e1', 'e2']],
  ['source.ip:::ffff:10.0.0.1', ['e1']],
  ['NOT source.ip:10.0.0.2', ['e1', 'e[3]']],
  ['actor.privileged:true', ['e2']],
  ['observer.seq:7 observer.seq:>=7', ['e2']],
  ['occurred_at:<2024-01-02', ['e1', 'e[3]']],
  ['occurred_at:>=2024-01-02T08:00:00Z', ['e2']],
  ['metadata.a.b:deep', ['e1']],
  ['metadata.a.b:*', ['e1']],
  ['café', ['e[3]']],
  ['CAFÉ', []],
  ['ÜNÏCODE', []],
  ['"user login" OR user.LOG*', ['e1', 'e[3]']],
  ['tenant:default outcome:failure', ['e2']],
  ['', ['e1', 'e2', 'e[3]']],
];

/** Query text from a soup of tokens; `extra` adds tokens a store needs covered. */
export function queryTextArb(extra: readonly string[] = []): fc.Arbitrary<string> {
  const tokens = fc.oneof(
    fc.constantFrom('AND', 'OR', 'NOT', '-', '(', ')', '()', '"hello world"', 'user', 'Admin'),
    fc.constantFrom('actor.id:alice', 'action:user.*', 'actor.roles:admin', 'targets.id:inv-?'),
    fc.constantFrom('outcome:failure', 'source.ip:10.0.0.0/8', 'source.ip:::ffff:10.0.0.1'),
    fc.constantFrom('occurred_at:>=2024-01-01', 'observer.seq:<5', 'metadata.a:*', 'raw.a.b:1'),
    fc.constantFrom('targets.data_class:pci', '-severity:info', 'metadata.c-d.1x:true', 'caf*'),
    fc.constantFrom('bogus:x', 'action:>x', 'source.ip:10.*', '"unterminated', 'a\\'),
    ...(extra.length > 0 ? [fc.constantFrom(...extra)] : []),
  );
  return fc
    .array(fc.tuple(tokens, fc.constantFrom(' ', ' ', '')), { maxLength: 8 })
    .map((parts) => parts.map(([t, sep]) => t + sep).join(''));
}
