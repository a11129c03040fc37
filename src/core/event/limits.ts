/** Size limits on untrusted event input (ARCHITECTURE §8). Exported so docs and tests use one source. */
export const LIMITS = {
  /** Events in one POST /v1/events batch. */
  batchSize: 1000,
  /** Short identifiers: id, tenant, action, actor.id, target ids, observer.service, ... */
  idLength: 256,
  /** Human-readable strings: names, reason, user agent. */
  textLength: 2048,
  /** Entries of arrays such as targets, roles, changes. */
  arrayItems: 64,
  /** Keys of any one object inside `metadata` or `raw`. */
  objectKeys: 256,
  /** Nesting depth inside `metadata` (and of `before`/`after` values). */
  metadataDepth: 8,
  /** Nesting depth inside `raw` (imported records are deeper than producer metadata). */
  rawDepth: 32,
  /** Serialized size of `metadata`. */
  metadataBytes: 16 * 1024,
  /** Serialized size of `raw`. */
  rawBytes: 64 * 1024,
  /** Serialized size of one whole stored event. */
  eventBytes: 128 * 1024,
} as const;
