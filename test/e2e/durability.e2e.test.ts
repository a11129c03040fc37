/**
 * "Never loses an event it has acknowledged": concurrent producers send batches, the server is
 * killed with SIGKILL mid-ingest, and after a restart every acknowledged event is there exactly
 * once, at the seq it was acknowledged with, and the log verifies.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, serve } from './helpers.js';

const ADMIN = 'durability-admin-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'veritrail-durable-'));
const data = join(dir, 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('durability', () => {
  it('keeps every acknowledged event across a SIGKILL', async () => {
    const server = await serve(['--data', data], { VERITRAIL_ADMIN_TOKEN: ADMIN });
    const acked = new Map<string, number>();
    let stop = false;
    const producer = async (p: number) => {
      for (let b = 0; !stop; b++) {
        const events = Array.from({ length: 50 }, (_, i) => ({
          id: `p${p}-b${b}-e${i}`,
          tenant: 'shop',
          action: 'order.create',
          actor: { id: `p${p}` },
        }));
        try {
          const res = await fetch(`${server.url}/v1/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
            body: JSON.stringify({ events }),
          });
          if (res.status !== 201) return;
          for (const e of ((await res.json()) as { events: { id: string; seq: number }[] }).events)
            acked.set(e.id, e.seq);
        } catch {
          return; // the server is gone: anything unacknowledged may or may not be stored
        }
      }
    };
    const producers = [0, 1, 2, 3].map(producer);
    await new Promise((r) => setTimeout(r, 1500));
    server.child.kill('SIGKILL');
    stop = true;
    await Promise.all(producers);
    expect(acked.size).toBeGreaterThan(200);

    const restarted = await serve(['--data', data], { VERITRAIL_ADMIN_TOKEN: ADMIN });
    try {
      const seen = new Map<string, number>();
      let cursor: string | null = null;
      for (;;) {
        const res = await fetch(
          `${restarted.url}/v1/events?tenant=shop&limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
          { headers: { authorization: `Bearer ${ADMIN}` } },
        );
        const page = (await res.json()) as {
          events: { id: string; seq: number }[];
          next_cursor: string | null;
        };
        for (const e of page.events) {
          expect(seen.has(e.id), `duplicate ${e.id}`).toBe(false);
          seen.set(e.id, e.seq);
        }
        if (!page.next_cursor) break;
        cursor = page.next_cursor;
      }
      for (const [id, seq] of acked) expect(seen.get(id), id).toBe(seq);
    } finally {
      await restarted.stop();
    }
    const verify = await run(['verify', '--data', data]);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });
});
