/**
 * `verify` (ARCHITECTURE §3): trusts nothing derived. Recomputes every leaf from the stored
 * event and salt, rebuilds the tree from the leaves and compares it node by node with the
 * stored hashes, and checks every checkpoint's signature and root. Reports the first bad seq.
 */
import { parseCheckpoint, verifyNote } from '../core/checkpoint/index.js';
import { MerkleFrontier, storedHashIndex } from '../core/merkle/index.js';
import type { CheckpointStore, VerifyRow, VerifySource } from './ports.js';
import {
  checkPayloadPage,
  toPayloadPage,
  type PayloadResult,
  type PayloadPage,
} from './verify-payload.js';

export type VerifyProblem =
  | 'seq_out_of_order'
  | 'payload_tampered'
  | 'leaf_mismatch'
  | 'tree_hash_mismatch'
  | 'size_mismatch'
  | 'checkpoint_mismatch'
  | 'checkpoint_signature';

export interface TenantVerification {
  readonly tenant: string;
  readonly ok: boolean;
  readonly size: number;
  readonly purged: number;
  readonly checkpoints: number;
  readonly failure?: {
    readonly problem: VerifyProblem;
    readonly seq: number | null;
    readonly message: string;
  };
}

interface Failure {
  problem: VerifyProblem;
  seq: number | null;
  message: string;
}

const PAGE = 5000;

export async function verifyTenant(
  tenant: string,
  source: VerifySource,
  checkpoints: CheckpointStore,
  verifierKey: string,
  checkPayloads: (page: PayloadPage) => Promise<PayloadResult> = (p) =>
    Promise.resolve(checkPayloadPage(p)),
): Promise<TenantVerification> {
  const cps = await checkpoints.list(tenant);
  let cpAt = 0;
  const frontier = MerkleFrontier.empty();
  const stored = new PagedCursor(source.treeHashes(tenant, PAGE * 2));
  await stored.fill();
  let purged = 0;
  /** `upTo`: entries proven good before a failure found by the payload half. */
  const done = (failure?: Failure, upTo = frontier.size): TenantVerification => ({
    tenant,
    ok: failure === undefined,
    size: Math.min(upTo, frontier.size),
    purged,
    checkpoints: upTo < frontier.size ? cps.filter((c) => c.size <= upTo).length : cpAt,
    ...(failure ? { failure } : {}),
  });

  const checkCheckpoints = (): Failure | undefined => {
    while (cpAt < cps.length && cps[cpAt]!.size === frontier.size) {
      const cp = cps[cpAt]!;
      const sig = verifyNote(cp.note, verifierKey);
      const body = sig.ok ? parseCheckpoint(sig.value.body) : undefined;
      if (
        !sig.ok ||
        !body?.ok ||
        body.value.size !== cp.size ||
        !Buffer.from(body.value.root).equals(cp.root)
      ) {
        return {
          problem: 'checkpoint_signature',
          seq: null,
          message: `checkpoint at size ${cp.size} has no valid signature by ${verifierKey.split('+')[0]} or does not match its stored fields`,
        };
      }
      if (!frontier.root().equals(cp.root)) {
        return {
          problem: 'checkpoint_mismatch',
          seq: null,
          message: `checkpoint at size ${cp.size} does not match the tree recomputed from the stored events`,
        };
      }
      cpAt++;
    }
    return undefined;
  };
  const first = checkCheckpoints(); // a checkpoint of size 0
  if (first) return done(first);
  // Pipeline: while the tree half works through page k here, the payload half (on a helper
  // thread when given one) checks page k+1 and hashes its leaves. The first bad seq is the
  // smaller of the two halves' findings in the first page that has any.
  const pages = source.entries(tenant, PAGE)[Symbol.asyncIterator]();
  const submit = async () => {
    const next = await pages.next();
    return next.done
      ? undefined
      : { page: next.value, result: checkPayloads(toPayloadPage(tenant, next.value)) };
  };
  let current = await submit();
  while (current) {
    const following = await submit();
    const { failure: bad, leafHashes } = await current.result;
    const tree = await checkTreePage(current.page, leafHashes);
    if (bad && (!tree || bad.seq <= (tree.seq ?? Infinity))) {
      await following?.result;
      return done({ problem: 'payload_tampered', ...bad }, bad.seq);
    }
    if (tree) {
      await following?.result;
      return done(tree);
    }
    current = following;
  }
  async function checkTreePage(
    page: readonly VerifyRow[],
    leafHashes: Uint8Array,
  ): Promise<Failure | undefined> {
    for (const [i, row] of page.entries()) {
      const seq = frontier.size;
      if (row.seq !== seq) {
        return {
          problem: 'seq_out_of_order',
          seq: Math.min(seq, row.seq),
          message: `expected seq ${seq}, found seq ${row.seq}: an entry is missing, duplicated or out of order`,
        };
      }
      if (row.canonical === null) purged++;
      // Merge-join the recomputed nodes with the stored ones (both in stored-hash-index order):
      // a store may keep only some nodes, but every node it keeps must be right.
      for (const node of frontier.append(leafHashes.subarray(i * 32, i * 32 + 32))) {
        if (stored.exhausted()) await stored.fill();
        const next = stored.current();
        if (next === undefined) continue;
        const sidx = storedHashIndex(node.ref.level, node.ref.index);
        if (next.sidx < sidx) {
          return {
            problem: 'tree_hash_mismatch',
            seq,
            message: `seq ${seq}: a stored tree hash (index ${next.sidx}) belongs to no node of the recomputed tree`,
          };
        }
        if (next.sidx === sidx) {
          if (!next.hash.equals(node.hash)) {
            return {
              problem: node.ref.level === 0 ? 'leaf_mismatch' : 'tree_hash_mismatch',
              seq,
              message: `seq ${seq}: stored tree hash (level ${node.ref.level}, index ${node.ref.index}) does not match the recomputed one`,
            };
          }
          stored.advance();
        }
      }
      const cpFail = checkCheckpoints();
      if (cpFail) return { ...cpFail, seq };
    }
    return undefined;
  }
  const claimed = await source.claimedSize(tenant);
  if (claimed !== frontier.size) {
    return done({
      problem: 'size_mismatch',
      seq: Math.min(claimed, frontier.size),
      message: `the log claims ${claimed} entries but ${frontier.size} are stored`,
    });
  }
  await stored.fill();
  if (stored.current() !== undefined)
    return done({
      problem: 'tree_hash_mismatch',
      seq: frontier.size,
      message: 'stored tree hashes beyond the last entry',
    });
  if (cpAt < cps.length) {
    return done({
      problem: 'checkpoint_mismatch',
      seq: frontier.size,
      message: `checkpoint at size ${cps[cpAt]!.size} is beyond the ${frontier.size} stored entries: the log was truncated or rewritten`,
    });
  }
  return done();
}

/** Items of an async stream of pages, read synchronously within a page (verify's hot loop). */
class PagedCursor<T> {
  private page: readonly T[] = [];
  private at = 0;
  private ended = false;
  private readonly it: AsyncIterator<readonly T[]>;

  constructor(pages: AsyncIterable<readonly T[]>) {
    this.it = pages[Symbol.asyncIterator]();
  }

  exhausted(): boolean {
    return this.at >= this.page.length && !this.ended;
  }

  async fill(): Promise<void> {
    while (this.at >= this.page.length && !this.ended) {
      const r = await this.it.next();
      if (r.done) this.ended = true;
      else [this.page, this.at] = [r.value, 0];
    }
  }

  current(): T | undefined {
    return this.page[this.at];
  }

  advance(): void {
    this.at++;
  }
}
