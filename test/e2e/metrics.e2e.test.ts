/** `serve --metrics-public` and VERITRAIL_METRICS_PUBLIC reach the running server. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, serve } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'veritrail-metrics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { VERITRAIL_ADMIN_TOKEN: 'metrics-e2e-admin-token-0123', VERITRAIL_METRICS_PUBLIC: '' };

describe('GET /metrics on the real server', () => {
  it('needs a token by default, none with --metrics-public', async () => {
    const data = join(dir, 'data');
    const closed = await serve(['--data', data], { ...env, VERITRAIL_METRICS_PUBLIC: '0' });
    try {
      expect((await fetch(`${closed.url}/metrics`)).status).toBe(401);
      const r = await fetch(`${closed.url}/metrics`, {
        headers: { authorization: `Bearer ${env.VERITRAIL_ADMIN_TOKEN}` },
      });
      expect(r.status).toBe(200);
      expect(await r.text()).toContain('veritrail_jobs_leader 1');
    } finally {
      expect(await closed.stop()).toBe(0);
    }
    const open = await serve(['--data', data, '--metrics-public'], env);
    try {
      const r = await fetch(`${open.url}/metrics`);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    } finally {
      expect(await open.stop()).toBe(0);
    }
  });

  it('refuses a VERITRAIL_METRICS_PUBLIC that is not true/false/1/0 (exit 2)', async () => {
    const r = await run(['serve', '--port', '0', '--data', join(dir, 'bad')], {
      env: { ...env, VERITRAIL_METRICS_PUBLIC: 'yes' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('metricsPublic');
  });
});
