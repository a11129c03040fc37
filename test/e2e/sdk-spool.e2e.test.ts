/**
 * The SDK's spool across crashes: with the server down, one producer process records 5,000
 * events and is killed with SIGKILL, a second records 5,000 more and is killed too; then the
 * server starts and a third run delivers. Every event is stored exactly once, and the log's
 * order (seq) is the order they were recorded in.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, ROOT, serve } from './helpers.js';

const ADMIN = 'sdk-spool-admin-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'veritrail-sdk-e2e-'));
const spool = join(dir, 'spool');
const producer = join(dir, 'producer.mjs');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Run with `node`: the built SDK, as an application would import it.
writeFileSync(
  producer,
  `import { createClient } from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist/src/sdk/index.js')).href)};
const [url, token, dir, mode, from, count] = process.argv.slice(2);
const client = createClient({
  url, token, tenant: 'sdk', spool: { dir },
  retry: { initialDelayMs: 50, maxDelayMs: 500 },
});
if (mode === 'record') {
  const first = Number(from);
  await Promise.all(Array.from({ length: Number(count) }, (_, i) =>
    client.record({ action: 'order.create', actor: { id: 'producer' }, metadata: { n: first + i } })));
  process.stdout.write('recorded\\n');
  setInterval(() => {}, 1000); // keep retrying until killed
} else {
  await client.flush({ timeoutMs: 120000 });
  const closed = await client.close();
  process.stdout.write(JSON.stringify({ ...client.stats(), ...closed }) + '\\n');
}
`,
);

function start(args: string[]): { child: ChildProcess; out: () => string; err: () => string } {
  const child = spawn(process.execPath, [producer, ...args], { cwd: ROOT });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return { child, out: () => out, err: () => err };
}

/** Records `count` events, waits for "recorded", then kills the process with SIGKILL. */
async function recordAndKill(url: string, from: number, count: number): Promise<void> {
  const p = start([url, ADMIN, spool, 'record', String(from), String(count)]);
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (p.out().includes('recorded')) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
    p.child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`producer exited with ${code}: ${p.err()}`));
    });
  });
  p.child.removeAllListeners('exit');
  const exited = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGKILL');
  await exited;
}

describe('SDK spool', () => {
  it('delivers events recorded by killed producers exactly once, in record order', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    await recordAndKill(url, 0, 5000);
    await recordAndKill(url, 5000, 5000);

    const server = await serve(['--data', join(dir, 'data'), '--port', String(port)], {
      VERITRAIL_ADMIN_TOKEN: ADMIN,
    });
    try {
      expect(server.url).toBe(url);
      const p = start([url, ADMIN, spool, 'deliver']);
      const code = await new Promise((r) => p.child.once('exit', r));
      expect(code, p.err()).toBe(0);
      const stats = JSON.parse(p.out()) as { delivered: number; undelivered: number };
      expect(stats).toMatchObject({ delivered: 10_000, undelivered: 0, queued: 0 });

      const stored: { id: string; seq: number; n: number }[] = [];
      let cursor: string | null = null;
      do {
        const res = await fetch(
          `${url}/v1/events?tenant=sdk&limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
          { headers: { authorization: `Bearer ${ADMIN}` } },
        );
        expect(res.status).toBe(200);
        const page = (await res.json()) as {
          events: { id: string; seq: number; metadata: { n: number } }[];
          next_cursor: string | null;
        };
        for (const e of page.events) stored.push({ id: e.id, seq: e.seq, n: e.metadata.n });
        cursor = page.next_cursor;
      } while (cursor);
      expect(stored).toHaveLength(10_000);
      expect(new Set(stored.map((e) => e.id)).size).toBe(10_000);
      stored.sort((a, b) => a.seq - b.seq);
      expect(stored.map((e) => e.n)).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
    } finally {
      await server.stop();
    }
  });
});
