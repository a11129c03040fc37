/**
 * Appends spread over lanes by log: each log belongs to one lane of this process, each lane is
 * a PgAppendWriter with its own connection and group commit, and lanes commit in parallel. A
 * busy log no longer waits for another log's transaction, in this process or another one (row
 * locks are per log). A batch for one log stays atomic; a batch spanning several logs commits
 * per log, and is acknowledged only once every part has committed (a producer that gets an
 * error resends the same ids: idempotency makes the parts already stored duplicates).
 */
import type pg from 'pg';
import type { AppendInput, Appended } from '../../app/ports.js';
import { PgAppendWriter } from './pg-append-writer.js';

export class PgAppendLanes {
  private readonly lanes: PgAppendWriter[];

  constructor(pool: pg.Pool, channel: string, node: string, lanes: number) {
    this.lanes = Array.from({ length: lanes }, () => new PgAppendWriter(pool, channel, node));
  }

  private laneOf(tenant: string): number {
    let h = 0;
    for (let i = 0; i < tenant.length; i++) h = (h * 31 + tenant.charCodeAt(i)) % 1_000_003;
    return h % this.lanes.length;
  }

  async append(batch: readonly AppendInput[]): Promise<Appended[]> {
    if (this.lanes.length === 1) return this.lanes[0]!.append(batch);
    const parts = new Map<number, number[]>();
    batch.forEach((a, i) => {
      const lane = this.laneOf(a.event.tenant);
      const at = parts.get(lane);
      if (at) at.push(i);
      else parts.set(lane, [i]);
    });
    if (parts.size === 1) return this.lanes[parts.keys().next().value!]!.append(batch);
    const out = new Array<Appended>(batch.length);
    await Promise.all(
      [...parts].map(async ([lane, idx]) => {
        const r = await this.lanes[lane]!.append(idx.map((i) => batch[i]!));
        r.forEach((a, k) => (out[idx[k]!] = a));
      }),
    );
    return out;
  }
}
