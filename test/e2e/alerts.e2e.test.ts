/**
 * Alerts end to end: a real server with a rule folder raises alerts from events sent with the
 * CLI; the CLI lists, acknowledges and resolves them; `rules list` asks the server; `rules
 * test` and `rules backtest` run offline (the backtest over the stopped server's data folder).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, serve } from './helpers.js';

const ADMIN = 'alerts-e2e-admin-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'veritrail-alerts-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const data = join(dir, 'data');
const ruleFile = join(dir, 'bucket-delete.yml');
writeFileSync(
  ruleFile,
  `title: Bucket deleted
id: 5b0e3c52-7f6a-4a8e-9d0c-2f1e4b7a9c11
level: high
logsource: { product: veritrail }
detection:
  selection: { action: bucket.delete }
  condition: selection
veritrail: { suppress: 1h }
`,
);
const now = Date.now();
const lines = [
  ['alice', 0],
  ['alice', 1],
  ['bob', 2],
  ['alice', 3],
]
  .map(([who, m]) =>
    JSON.stringify({
      tenant: 'acme',
      action: 'bucket.delete',
      actor: { id: who },
      occurred_at: new Date(now - 60 * 60_000 + Number(m) * 60_000).toISOString(),
    }),
  )
  .concat([JSON.stringify({ tenant: 'acme', action: 'user.login', actor: { id: 'carol' } })]);
const eventsFile = join(dir, 'events.jsonl');
writeFileSync(eventsFile, `${lines.join('\n')}\n`);

interface Alert {
  id: string;
  status: string;
  group_key: string;
  count: number;
  rule_title: string;
}

describe('alerts and rules (CLI against a real server)', () => {
  it('raises, lists, acknowledges and resolves alerts; backtests offline', async () => {
    const env = { VERITRAIL_ADMIN_TOKEN: ADMIN };
    const server = await serve(['--data', data, '--rules', ruleFile], env);
    try {
      const conn = ['--url', server.url, '--token', ADMIN];
      const sent = await run(['send', eventsFile, ...conn]);
      expect(sent.code, sent.stderr).toBe(0);

      let alerts: Alert[] = [];
      for (let i = 0; i < 200 && alerts.length < 2; i++) {
        const r = await run(['--json', 'alerts', '--tenant', 'acme', ...conn]);
        expect(r.code, r.stderr).toBe(0);
        alerts = (JSON.parse(r.stdout) as { alerts: Alert[] }).alerts;
        if (alerts.length < 2) await new Promise((res) => setTimeout(res, 50));
      }
      expect(alerts.map((a) => [a.group_key, a.count]).sort()).toEqual([
        ['actor.id=alice', 3],
        ['actor.id=bob', 1],
      ]);

      const human = await run(['alerts', '--tenant', 'acme', ...conn]);
      expect(human.stdout).toMatch(/ID\s+STATUS\s+SEVERITY/);
      expect(human.stdout).toContain('Bucket deleted');

      const alice = alerts.find((a) => a.group_key === 'actor.id=alice')!;
      const ack = await run(['alerts', 'ack', alice.id, '--note', 'looking', ...conn]);
      expect(ack.code, ack.stderr).toBe(0);
      expect(ack.stdout).toContain(`${alice.id} is now acknowledged`);
      const twice = await run(['alerts', 'ack', alice.id, ...conn]);
      expect(twice.code).toBe(1);
      expect(twice.stderr).toContain('already acknowledged');
      const noNote = await run(['alerts', 'resolve', alice.id, ...conn]);
      expect(noNote.code).toBe(2);
      const resolved = await run(['alerts', 'resolve', alice.id, '--note', 'expected', ...conn]);
      expect(resolved.code, resolved.stderr).toBe(0);
      const done = await run([
        '--json',
        'alerts',
        '--tenant',
        'acme',
        '--status',
        'resolved',
        ...conn,
      ]);
      expect((JSON.parse(done.stdout) as { alerts: Alert[] }).alerts.map((a) => a.id)).toEqual([
        alice.id,
      ]);
      const bad = await run(['alerts', '--tenant', 'acme', '--status', 'closed', ...conn]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('status');

      const list = await run(['rules', 'list', ...conn]);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toContain('Bucket deleted');
    } finally {
      await server.stop();
    }

    const test = await run(['--json', 'rules', 'test', ruleFile, eventsFile]);
    expect(test.code, test.stderr).toBe(0);
    const tested = JSON.parse(test.stdout) as { events: number; findings: { line: number }[] };
    expect(tested.events).toBe(5);
    expect(tested.findings.map((f) => f.line)).toEqual([1, 2, 3, 4]);

    const bt = await run([
      '--json',
      'rules',
      'backtest',
      ruleFile,
      '--tenant',
      'acme',
      '--since',
      '30d',
      '--data',
      data,
    ]);
    expect(bt.code, bt.stderr).toBe(0);
    const result = JSON.parse(bt.stdout) as {
      alerts_total: number;
      findings: number;
      evaluated: number;
      scanned: number;
    };
    // The log also holds the alert.* events detection wrote: read, never evaluated.
    expect(result).toMatchObject({ alerts_total: 2, findings: 4, evaluated: 5 });
    expect(result.scanned).toBeGreaterThan(5);
    const human = await run(['rules', 'backtest', ruleFile, '--tenant', 'acme', '--data', data]);
    expect(human.stdout).toMatch(/2 alerts \(4 findings\) from 5 of \d+ entries of acme/);
    const missing = await run([
      'rules',
      'backtest',
      join(dir, 'nope.yml'),
      '--tenant',
      'acme',
      '--data',
      data,
    ]);
    expect(missing.code).toBe(5);
    expect(missing.stderr).toContain('nope.yml');
  });
});
