/**
 * Reads stored tree nodes. Every complete subtree is stored (level 0 = leaf hashes), keyed by
 * its stored-hash index, in a table apart from the events: a row edited, swapped or reordered
 * in `events` no longer matches the leaf hash stored for its position, so `verify` names the
 * exact entry. (Storing only nodes of height ≥ 4 was measured at ~8% more ingest throughput,
 * but then a consistent swap of two rows would be localised only to a checkpoint.)
 */
import { VeritrailError } from '../../core/errors.js';
import { storedHashIndex, type NodeRef } from '../../core/merkle/index.js';
import type { Db } from './open-database.js';

export class TreeNodeReader {
  private readonly hash;

  constructor(db: Db) {
    this.hash = db.prepare<[number, number], { hash: Buffer }>(
      'SELECT hash FROM tree_hashes WHERE tenant_id = ? AND sidx = ?',
    );
  }

  read(tenant: string, tenantId: number | undefined, refs: readonly NodeRef[]): Buffer[] {
    return refs.map((ref) => {
      const row =
        tenantId === undefined
          ? undefined
          : this.hash.get(tenantId, storedHashIndex(ref.level, ref.index));
      if (!row)
        throw new VeritrailError(
          'internal',
          `log ${tenant}: tree node (${ref.level}, ${ref.index}) is not stored`,
        );
      return row.hash;
    });
  }
}
