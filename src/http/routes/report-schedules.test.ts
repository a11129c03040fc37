import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReportSchedules, ReportSchedulesJob } from '../../app/report-schedules.js';
import { createServices, type Services } from '../../app/services.js';
import { loadOrCreateSigner } from '../../storage/signing-key-file.js';
import { openSqliteStore } from '../../storage/sqlite/sqlite-store.js';
import { buildApp } from '../app.js';
import { ADMIN, auth } from '../test-support/test-app.js';

const SECRET = 'a-webhook-secret-0123456789';
const FILE = `schedules:
  - name: pci-weekly
    cron: "0 7 * * 1"
    timezone: Europe/Paris
    framework: pci-dss
    tenant: acme
    period: previous-week
    out: /srv/reports
    notify:
      - type: webhook
        url: https://hooks.example/veritrail?token=abc
        secret: ${SECRET}
      - type: slack
        url: https://hooks.slack.com/services/T0/B0/XYZ
`;

let dir: string;
let services: Services;
let app: FastifyInstance;
let bare: FastifyInstance;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'veritrail-http-schedules-'));
  services = createServices({
    store: openSqliteStore({ dataDir: dir, writerThread: false }),
    signer: loadOrCreateSigner(dir),
    adminToken: ADMIN,
  });
  const job = new ReportSchedulesJob(loadReportSchedules(FILE, 'schedules.yaml'), {
    reports: services.reports,
    sink: { exists: () => Promise.resolve(false), writeRun: () => Promise.resolve('written') },
    notifiers: () => ({ send: () => Promise.resolve(), close: () => Promise.resolve() }),
    coordination: { isLeader: () => true },
    clock: { now: () => new Date('2026-03-04T12:00:00Z') },
  });
  app = await buildApp({ services, rateLimitPerMinute: 0, reportSchedules: job });
  bare = await buildApp({ services, rateLimitPerMinute: 0 });
});

afterAll(async () => {
  await app.close();
  await bare.close();
  await services.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /v1/report-schedules', () => {
  it('lists each schedule with its next run and no destination URL or secret', async () => {
    const res = await app.inject({ url: '/v1/report-schedules', headers: auth(ADMIN) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      schedules: [
        {
          name: 'pci-weekly',
          cron: '0 7 * * 1',
          timezone: 'Europe/Paris',
          framework: 'pci-dss',
          tenant: 'acme',
          period: 'previous-week',
          formats: ['json', 'csv', 'html'],
          verify: true,
          out: '/srv/reports',
          notify: ['webhook', 'slack'],
          // Monday 9 March 07:00 in Paris (UTC+1).
          next_run: '2026-03-09T06:00:00.000Z',
          last_run: null,
        },
      ],
    });
    expect(res.body).not.toContain(SECRET);
    expect(res.body).not.toContain('hooks.');
  });

  it('is empty on a server without schedules', async () => {
    const res = await bare.inject({ url: '/v1/report-schedules', headers: auth(ADMIN) });
    expect(res.json()).toEqual({ schedules: [] });
  });

  it('needs the admin token', async () => {
    const key = await services.keys.create({ tenant: 'acme', name: 'a', scopes: ['admin'] });
    const res = await app.inject({ url: '/v1/report-schedules', headers: auth(key.token) });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: 'forbidden' } });
    expect((await app.inject({ url: '/v1/report-schedules' })).statusCode).toBe(401);
  });
});
