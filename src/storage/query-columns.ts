/**
 * Query fields that both SQL stores keep in columns of their own, written from the event at
 * append (src/storage/{sqlite,postgres}/migrations.ts): they answer even for purged rows.
 */

/** Fields stored in their own NOT NULL text columns, compared exactly. */
export const TEXT_COLUMNS: ReadonlyMap<string, string> = new Map([
  ['id', 'id'],
  ['action', 'action'],
  ['actor.id', 'actor_id'],
  ['outcome', 'outcome'],
  ['category', 'category'],
  ['severity', 'severity'],
]);

/** Range terms on times compare epoch milliseconds (parseTimestampMs at append). */
export const TIME_COLUMNS: ReadonlyMap<string, string> = new Map([
  ['occurred_at', 'occurred_ms'],
  ['received_at', 'received_ms'],
]);
