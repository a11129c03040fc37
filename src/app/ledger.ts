/**
 * The log's public face (ARCHITECTURE §3): checkpoints, verifier keys, inclusion and
 * consistency proofs, raw entries. Proofs come from stored complete-subtree hashes, O(log n).
 */
import { formatCheckpoint } from '../core/checkpoint/index.js';
import { VeritrailError } from '../core/errors.js';
import { consistencyProof, inclusionProof } from '../core/merkle/index.js';
import type { CheckpointStore, Clock, EventStore, Signer, StoredCheckpoint } from './ports.js';

export const MAX_ENTRIES = 1000;

const bad = (field: string, message: string) =>
  new VeritrailError('validation_failed', `${field}: ${message}`, [{ path: field, message }]);

export interface LedgerOptions {
  /** Checkpoint origin is `<originPrefix>/<tenant>` (C2SP tlog-checkpoint). */
  readonly originPrefix: string;
  /** Called after each new checkpoint is signed and stored (metrics). */
  readonly onSigned?: (cp: StoredCheckpoint) => void;
}

export class Ledger {
  constructor(
    private readonly store: EventStore,
    private readonly checkpoints: CheckpointStore,
    private readonly signer: Signer,
    private readonly clock: Clock,
    private readonly opts: LedgerOptions,
  ) {}

  origin(tenant: string): string {
    return `${this.opts.originPrefix}/${tenant}`;
  }

  verifierKey(tenant: string): string {
    return this.signer.verifierKey(this.origin(tenant));
  }

  /** Signs a checkpoint for the current head unless the latest one already covers it. */
  async sign(tenant: string): Promise<StoredCheckpoint | undefined> {
    const head = await this.store.head(tenant);
    const latest = await this.checkpoints.latest(tenant);
    if (latest && latest.size >= head.size) return latest;
    if (head.size === 0 && latest) return latest;
    const body = formatCheckpoint({
      origin: this.origin(tenant),
      size: head.size,
      root: head.root,
    });
    const cp: StoredCheckpoint = {
      tenant,
      size: head.size,
      root: head.root,
      note: this.signer.signNote(body, this.origin(tenant)),
      createdAt: this.clock.now().toISOString(),
    };
    await this.checkpoints.add(cp);
    this.opts.onSigned?.(cp);
    return cp;
  }

  /** The latest checkpoint; one is signed on demand when the log has none yet. */
  async checkpoint(tenant: string): Promise<StoredCheckpoint> {
    const latest = await this.checkpoints.latest(tenant);
    if (latest) return latest;
    if ((await this.store.head(tenant)).size === 0)
      throw new VeritrailError('not_found', `tenant ${tenant} has no log yet`);
    return (await this.sign(tenant))!;
  }

  private sizeOf(tenant: string): Promise<number> {
    return this.store.size(tenant);
  }

  async inclusion(tenant: string, index: number, size: number) {
    const current = await this.sizeOf(tenant);
    if (size < 1 || size > current) throw bad('size', `must be from 1 to the log size ${current}`);
    if (index < 0 || index >= size) throw bad('index', `must be below size ${size}`);
    const read = (refs: Parameters<EventStore['readHashes']>[1]) =>
      this.store.readHashes(tenant, refs);
    const [leaf] = await this.store.readHashes(tenant, [{ level: 0, index }]);
    return { index, size, leafHash: leaf!, proof: await inclusionProof(index, size, read) };
  }

  async consistency(tenant: string, from: number, to: number) {
    const current = await this.sizeOf(tenant);
    if (to < 1 || to > current) throw bad('to', `must be from 1 to the log size ${current}`);
    if (from < 1 || from > to)
      throw bad('from', `must be from 1 to ${to} (a proof from size 0 is refused)`);
    const read = (refs: Parameters<EventStore['readHashes']>[1]) =>
      this.store.readHashes(tenant, refs);
    return { from, to, proof: await consistencyProof(from, to, read) };
  }

  async entries(tenant: string, start: number, end: number) {
    const current = await this.sizeOf(tenant);
    if (start < 0 || start >= Math.max(current, 1))
      throw bad('start', `must be from 0 to ${Math.max(current - 1, 0)}`);
    if (end <= start) throw bad('end', 'must be greater than start');
    if (end - start > MAX_ENTRIES) throw bad('end', `at most ${MAX_ENTRIES} entries per call`);
    const rows = await this.store.range(tenant, start, Math.min(end, current));
    return rows.map((r) => ({ index: r.seq, leafInput: r.leafInput }));
  }
}
