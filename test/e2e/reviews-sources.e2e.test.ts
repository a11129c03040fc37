/**
 * Source health and reviews end to end: a real server, the real CLI. A cadence is set with
 * `veritrail sources expect` and listed with `veritrail sources`; a review task is created and
 * listed with `veritrail reviews`; a producer cannot send a forged `review.signed_off`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, serve } from './helpers.js';

const ADMIN = 'reviews-e2e-admin-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'veritrail-reviews-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('veritrail sources and reviews (CLI against a real server)', () => {
  it('sets a cadence, creates a review task, refuses forged sign-offs', async () => {
    const server = await serve(['--data', join(dir, 'data')], { VERITRAIL_ADMIN_TOKEN: ADMIN });
    try {
      const conn = ['--url', server.url, '--token', ADMIN];
      const t = ['--tenant', 'acme'];
      const expectRun = await run([
        'sources',
        'expect',
        'billing',
        '--every',
        '15m',
        ...t,
        ...conn,
      ]);
      expect(expectRun.code, expectRun.stderr).toBe(0);
      expect(expectRun.stdout).toContain('billing: expected every 15m');
      const bad = await run(['sources', 'expect', 'billing', '--every', '15x', ...t, ...conn]);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain('expected_every');
      const list = await run(['--json', 'sources', ...t, ...conn]);
      expect(list.code, list.stderr).toBe(0);
      expect(JSON.parse(list.stdout)).toEqual([
        expect.objectContaining({
          service: 'billing',
          status: 'never_seen',
          expected_every: '15m',
        }),
      ]);

      const created = await run([
        'reviews',
        'create-task',
        'Weekly privileged activity',
        '--period',
        '7d',
        '--assignee',
        'admin',
        '--scope',
        'actor.privileged:true',
        '--starts',
        '2026-01-05',
        ...t,
        ...conn,
      ]);
      expect(created.code, created.stderr).toBe(0);
      expect(created.stdout).toMatch(/created Weekly privileged activity \(rt_[0-9a-f]{32}\)/);
      const tasks = await run(['reviews', 'tasks', ...t, ...conn]);
      expect(tasks.stdout).toMatch(
        /Weekly privileged activity\s+actor\.privileged:true\s+1w\s+1w\s+admin/,
      );

      const forged = join(dir, 'forged.jsonl');
      writeFileSync(
        forged,
        `${JSON.stringify({ tenant: 'acme', action: 'review.signed_off', actor: { id: 'mallory' } })}\n`,
      );
      const sent = await run(['send', forged, ...conn]);
      expect(sent.code).not.toBe(0);
      expect(sent.stderr).toContain('review.*');
    } finally {
      await server.stop();
    }
  });
});
