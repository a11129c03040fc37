/**
 * `veritrail tail` as a user runs it: it follows a log, survives a server restart (reconnecting
 * and resuming after the last event it printed), and refuses bad input clearly.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, run, serve } from './helpers.js';

const ADMIN = 'tail-admin-token-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'veritrail-tail-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });

async function send(url: string, from: number, n: number): Promise<void> {
  const res = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      events: Array.from({ length: n }, (_, i) => ({
        tenant: 'acme',
        id: `t${from + i}`,
        action: 'user.login',
        actor: { id: 'alice' },
      })),
    }),
  });
  expect(res.status).toBe(201);
}

async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('veritrail tail', () => {
  it('follows a log across a server restart, every event once and in order', async () => {
    const port = await freePort();
    const data = join(dir, 'data');
    const env = { VERITRAIL_ADMIN_TOKEN: ADMIN };
    let server = await serve(['--data', data, '--port', String(port)], env);
    const tail = spawn(
      process.execPath,
      [BIN, '--json', 'tail', '--tenant', 'acme', '--after', '-1', 'action:user.*'],
      {
        cwd: ROOT,
        env: { ...process.env, VERITRAIL_URL: server.url, VERITRAIL_TOKEN: ADMIN },
      },
    );
    let stdout = '';
    let stderr = '';
    tail.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    tail.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const lines = () =>
      stdout
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as { id: string; seq: number });
    try {
      await send(server.url, 0, 50);
      await until(() => lines().length === 50);
      await server.stop();
      server = await serve(['--data', data, '--port', String(port)], env);
      await send(server.url, 50, 50);
      await until(() => lines().length >= 100);
      await new Promise((r) => setTimeout(r, 300));
      expect(lines().map((l) => l.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i));
      expect(lines().map((l) => l.id)).toEqual(Array.from({ length: 100 }, (_, i) => `t${i}`));
    } finally {
      const exited = new Promise<number | null>((r) => tail.once('exit', r));
      tail.kill('SIGINT');
      expect(await exited, stderr).toBe(0);
      await server.stop();
    }
  });

  it('refuses a bad query or token with the server’s message and a non-zero exit', async () => {
    const server = await serve(['--data', join(dir, 'data2')], { VERITRAIL_ADMIN_TOKEN: ADMIN });
    try {
      const env = { VERITRAIL_URL: server.url, VERITRAIL_TOKEN: ADMIN };
      const bad = await run(['tail', '--tenant', 'acme', 'bogus:x'], { env });
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toMatch(/unknown field|bogus/);
      const denied = await run(['tail', '--tenant', 'acme'], {
        env: {
          ...env,
          VERITRAIL_TOKEN: 'vt_nottherightone_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
        },
      });
      expect(denied.code).not.toBe(0);
      expect(denied.stderr).toMatch(/error:/);
    } finally {
      await server.stop();
    }
  });
});
