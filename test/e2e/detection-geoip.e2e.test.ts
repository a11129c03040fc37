/**
 * Detection through a real server: `serve --rules DIR --geoip-db FILE` with an
 * impossible-travel rule and a city database (written by the test's MaxMind DB writer and read
 * by the real `maxmind` library): two sign-ins of one account from Paris and New York ten
 * minutes apart raise one alert, found through GET /v1/alerts. A bad database path stops the
 * start with a clear message.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeMmdb } from '../../src/geo/test-support/mmdb-writer.js';
import { run, serve, type Server } from './helpers.js';

const ADMIN = 'geo-admin-token-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'veritrail-geo-e2e-'));
let server: Server | undefined;
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const city = (name: string, iso: string, latitude: number, longitude: number) => ({
  city: { geoname_id: 1, names: { en: name } },
  country: { geoname_id: 2, iso_code: iso, names: { en: iso } },
  location: { accuracy_radius: 10, latitude, longitude },
});

const RULE = `title: Impossible travel between two sign-ins
id: 1f2e3d4c-5b6a-4978-8a6b-5c4d3e2f1a0b
level: high
logsource: { product: veritrail, category: authentication }
detection:
  selection: { outcome: success }
  condition: selection
veritrail:
  type: impossible_travel
  entity: [actor.id]
  max_speed_kmh: 900
  min_distance_km: 300
  suppress: 6h
`;

interface Alert {
  rule_title: string;
  severity: string;
  group_key: string;
  count: number;
}

describe('detection in a real server', () => {
  it('raises an impossible-travel alert located with a city database', async () => {
    const db = join(dir, 'city.mmdb');
    writeFileSync(
      db,
      writeMmdb('DBIP-City-Lite', [
        ['192.0.2.0/24', city('Paris', 'FR', 48.8566, 2.3522)],
        ['198.51.100.0/25', city('New York', 'US', 40.7128, -74.006)],
      ]),
    );
    const rules = join(dir, 'rules');
    mkdirSync(rules);
    writeFileSync(join(rules, 'travel.yml'), RULE);

    const missing = await run([
      'serve',
      '--port',
      '0',
      '--data',
      join(dir, 'x'),
      '--geoip-db',
      join(dir, 'nope.mmdb'),
    ]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/nope\.mmdb/);

    server = await serve(
      ['--data', join(dir, 'data'), '--rules', rules, '--no-builtin-rules', '--geoip-db', db],
      { VERITRAIL_ADMIN_TOKEN: ADMIN },
    );
    const headers = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
    const t0 = Date.now() - 60 * 60_000;
    const login = (ip: string, minutes: number) => ({
      tenant: 'acme',
      action: 'user.login',
      category: 'authentication',
      outcome: 'success',
      actor: { id: 'alice' },
      source: { ip },
      occurred_at: new Date(t0 + minutes * 60_000).toISOString(),
    });
    const res = await fetch(`${server.url}/v1/events`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ events: [login('192.0.2.10', 0), login('198.51.100.5', 10)] }),
    });
    expect(res.status).toBe(201);

    let alerts: Alert[] = [];
    for (let i = 0; i < 100 && alerts.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const r = await fetch(`${server.url}/v1/alerts?tenant=acme`, { headers });
      alerts = ((await r.json()) as { alerts: Alert[] }).alerts;
    }
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      rule_title: 'Impossible travel between two sign-ins',
      severity: 'high',
      group_key: 'actor.id=alice',
    });
    const rulesRes = await fetch(`${server.url}/v1/rules`, { headers });
    const listed = (await rulesRes.json()) as { rules: { title: string; file: string }[] };
    expect(listed.rules.map((r) => r.title)).toEqual(['Impossible travel between two sign-ins']);
  });
});
