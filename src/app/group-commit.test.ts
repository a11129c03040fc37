import { describe, expect, it } from 'vitest';
import { makeEvent, toAppend } from './test-support/events.js';
import { GroupCommit } from './group-commit.js';
import type { AppendInput, Appended } from './ports.js';

/** A store that records each append call and completes it when told to. */
function slowStore() {
  const calls: { rows: readonly AppendInput[]; done: (fail?: Error) => void }[] = [];
  let seq = 0;
  return {
    calls,
    append(rows: readonly AppendInput[]): Promise<Appended[]> {
      return new Promise((resolve, reject) => {
        calls.push({
          rows,
          done: (fail) =>
            fail
              ? reject(fail)
              : resolve(
                  rows.map((r) => ({
                    id: r.event.id,
                    tenant: r.event.tenant,
                    seq: seq++,
                    leafHash: r.commitment.leafHash,
                    duplicate: false,
                  })),
                ),
        });
      });
    },
  };
}

const batch = (n: number) =>
  Array.from({ length: n }, () => toAppend(makeEvent({ tenant: 'acme' })));
const tick = () => new Promise((r) => setImmediate(r));

describe('GroupCommit', () => {
  it('merges callers that wait behind in-flight transactions, and resolves each with its own results', async () => {
    const store = slowStore();
    const gc = new GroupCommit(store, 5000, 1);
    const first = gc.append(batch(2));
    const waiting = [gc.append(batch(3)), gc.append(batch(4))];
    await tick();
    expect(store.calls.map((c) => c.rows.length)).toEqual([2]);
    store.calls[0]!.done();
    await tick();
    expect(store.calls.map((c) => c.rows.length)).toEqual([2, 7]);
    store.calls[1]!.done();
    const [a, b] = await Promise.all(waiting);
    expect((await first).map((r) => r.seq)).toEqual([0, 1]);
    expect(a!.map((r) => r.seq)).toEqual([2, 3, 4]);
    expect(b!.map((r) => r.seq)).toEqual([5, 6, 7, 8]);
  });

  it('rejects every caller of a failed group and goes on with the next', async () => {
    const store = slowStore();
    const gc = new GroupCommit(store, 5000, 1);
    const first = gc.append(batch(1));
    const second = [gc.append(batch(1)), gc.append(batch(1))];
    await tick();
    store.calls[0]!.done(new Error('disk full'));
    await expect(first).rejects.toThrow('disk full');
    await tick();
    store.calls[1]!.done();
    expect((await Promise.all(second)).flat()).toHaveLength(2);
  });

  it('keeps groups under the event cap, and refuses new work past the backlog limit', async () => {
    const store = slowStore();
    const gc = new GroupCommit(store, 10, 1, 12);
    // The first batch goes straight to the store; the next two wait (12 events).
    const pending = [gc.append(batch(6)), gc.append(batch(6)), gc.append(batch(6))];
    await expect(gc.append(batch(2))).rejects.toMatchObject({ code: 'unavailable' });
    await tick();
    for (let i = 0; i < 3; i++) {
      store.calls[i]!.done();
      await tick();
    }
    expect(store.calls.map((c) => c.rows.length)).toEqual([6, 6, 6]);
    await Promise.all(pending);
    const after = gc.append(batch(2));
    await tick();
    store.calls[3]!.done();
    await expect(after).resolves.toHaveLength(2);
  });
});
