/**
 * Report schedules with the real binary: `serve --report-schedules` refuses a bad file naming
 * the field, catches up the latest scheduled run at start (a folder that `verify-report`
 * accepts), lists it on GET /v1/report-schedules; `report schedules check` previews runs.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, serve } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'veritrail-e2e-schedules-'));
const TOKEN = 'e2e-admin-token-abcdefghijklmnop';
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const schedule = (cron: string, extra = '') => `schedules:
  - name: demo-weekly
    cron: "${cron}"
    framework: pci-dss
    tenant: demo
    period: last-7d
    formats: [json, csv]
    out: reports
${extra}`;

describe('serve --report-schedules', () => {
  it('refuses to start on an invalid file, naming the file, schedule and field', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, schedule('0 0 * * *').replace('period: last-7d', 'period: last-month'));
    const r = await run(['serve', '--port', '0', '--data', join(dir, 'bad-data')], {
      env: { VERITRAIL_ADMIN_TOKEN: TOKEN, VERITRAIL_REPORT_SCHEDULES: file },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`invalid report schedules file ${file}`);
    expect(r.stderr).toContain('schedules.0.period: (demo-weekly) must be previous-day');
    expect(r.stdout).not.toContain('listening');
  });

  it('writes the latest scheduled run at start, verifiable offline, and lists it', async () => {
    const data = join(dir, 'data');
    const file = join(dir, 'schedules.yaml');
    writeFileSync(file, schedule('0 0 * * *'));
    const server = await serve(['--data', data, '--demo', '--report-schedules', file], {
      VERITRAIL_ADMIN_TOKEN: TOKEN,
      VERITRAIL_CHECKPOINT_INTERVAL_MS: '100',
    });
    type Listed = {
      schedules: {
        name: string;
        next_run: string;
        last_run: { outcome: string; folder: string; report: string } | null;
      }[];
    };
    let listed: Listed | undefined;
    try {
      // The job checks at start; wait for the run to be written (at most 60 s).
      for (let i = 0; i < 600; i++) {
        const res = await fetch(`${server.url}/v1/report-schedules`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        });
        expect(res.status).toBe(200);
        listed = (await res.json()) as Listed;
        if (listed.schedules[0]?.last_run?.outcome === 'written') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const key = (
        await (
          await fetch(`${server.url}/v1/logs/demo/key`, {
            headers: { authorization: `Bearer ${TOKEN}` },
          })
        ).text()
      ).trim();
      const last = listed!.schedules[0]!.last_run!;
      expect(last.outcome).toBe('written');
      const today = new Date().toISOString().slice(0, 10).replaceAll('-', '');
      expect(last.folder).toBe(join(data, 'reports', 'demo-weekly', `${today}T0000Z`));
      expect(readdirSync(join(data, 'reports', 'demo-weekly'))).toEqual([`${today}T0000Z`]);
      const v = await run(['--json', 'verify-report', last.folder, '--key', key]);
      expect(v.code, v.stdout).toBe(0);
      expect(JSON.parse(v.stdout)).toMatchObject({ ok: true, report: last.report });
    } finally {
      await server.stop();
    }
  }, 90_000);
});

describe('veritrail report schedules check', () => {
  it('prints the next runs and the period each covers', async () => {
    const file = join(dir, 'check.yaml');
    writeFileSync(file, schedule('0 6 * * 1').replace('last-7d', 'previous-week'));
    const r = await run([
      ...['--json', 'report', 'schedules', 'check', file],
      ...['--after', '2026-03-04T12:00:00Z', '--data', '/srv/veritrail', '--runs', '2'],
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      valid: true,
      schedules: [
        {
          name: 'demo-weekly',
          out: '/srv/veritrail/reports',
          runs: [
            {
              at: '2026-03-09T06:00:00.000Z',
              from: '2026-03-02T00:00:00.000Z',
              to: '2026-03-09T00:00:00.000Z',
              folder: '/srv/veritrail/reports/demo-weekly/20260309T0600Z',
            },
            { at: '2026-03-16T06:00:00.000Z', from: '2026-03-09T00:00:00.000Z' },
          ],
        },
      ],
    });
  });

  it('refuses a schedule that would run more than once a minute', async () => {
    const file = join(dir, 'fast.yaml');
    writeFileSync(file, schedule('*/10 * * * * *'));
    const r = await run(['report', 'schedules', 'check', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'schedules.0.cron: (demo-weekly) must not run more often than once a minute',
    );
  });
});
