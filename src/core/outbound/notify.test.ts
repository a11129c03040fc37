import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeEvent } from '../../app/test-support/events.js';
import type { EventInput } from '../event/index.js';
import { alertView, renderSubject } from './alert-view.js';
import { parseStreamCreate, publicDestination, type DestinationConfig } from './config.js';
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from './delivery-failure.js';
import { emailMessage } from './email-message.js';
import { compileMatcher, parseQuery } from '../query/index.js';
import { slackMessage } from './slack-message.js';
import type { OutboundEvent } from './webhook-payload.js';

const SLACK_URL = 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX';

const stream = (destination: unknown) =>
  parseStreamCreate({ tenant: 'acme', name: 'n', destination });
const issues = (destination: unknown) => {
  const r = stream(destination);
  return r.ok ? [] : r.error;
};
const parsed = (destination: unknown): DestinationConfig => {
  const r = stream(destination);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value.destination;
};

let seq = 0;
const alert = (over: Partial<EventInput> = {}, metadata: Record<string, unknown> = {}) =>
  ({
    ...makeEvent({
      action: 'alert.raised',
      actor: { id: 'rule:brute-force', type: 'system' },
      metadata: {
        rule: 'brute-force',
        rule_title: 'Brute force login',
        severity: 'high',
        group_key: 'actor.id=alice',
        count: 12,
        event_ids: ['e1', 'e2'],
        summary: '12 failed logins for alice in 5 min',
        alert_id: 'al_1',
        ...metadata,
      },
      ...over,
    }),
    seq: seq++,
  }) as OutboundEvent;

describe('slack destination configuration', () => {
  it('accepts https, and http only to a loopback host', () => {
    expect(parsed({ type: 'slack', url: SLACK_URL })).toEqual({
      type: 'slack',
      url: SLACK_URL,
      batch_size: 1,
    });
    for (const url of ['http://localhost:9/x', 'http://127.0.0.1:9/x', 'http://[::1]:9/x'])
      expect(issues({ type: 'slack', url })).toEqual([]);
    for (const url of ['http://hooks.slack.com/x', 'ftp://x/y', 'not a url', 'http://10.0.0.1/'])
      expect(issues({ type: 'slack', url })).toEqual([
        {
          path: 'destination.url',
          message: 'must be an https:// URL (http:// only to localhost)',
        },
      ]);
  });

  it('names each bad field', () => {
    const paths = issues({
      type: 'slack',
      url: SLACK_URL,
      console_url: 'javascript:alert(1)',
      batch_size: 11,
      channel: '#x',
    }).map((i) => i.path);
    expect(paths.sort()).toEqual([
      'destination.batch_size',
      'destination.channel',
      'destination.console_url',
    ]);
  });

  it('never shows the URL', () => {
    const view = publicDestination(parsed({ type: 'slack', url: SLACK_URL }));
    expect(view).toEqual({ type: 'slack', url_set: true, batch_size: 1 });
    expect(JSON.stringify(view)).not.toContain('XXXX');
  });
});

describe('email destination configuration', () => {
  const base = {
    type: 'email',
    host: 'smtp.example',
    from: 'veritrail@example.com',
    to: ['soc@example.com'],
  };

  it('fills defaults and hides the password', () => {
    const d = parsed({ ...base, auth: { user: 'u', password: 'hunter2-secret' } });
    expect(d).toMatchObject({
      security: 'starttls',
      subject: '[Veritrail] {severity}: {title}',
      batch_size: 1,
    });
    const view = publicDestination(d);
    expect(view).toMatchObject({ auth: { user: 'u', password_set: true } });
    expect(JSON.stringify(view)).not.toContain('hunter2');
  });

  it('names each bad field', () => {
    const got = issues({
      ...base,
      port: 70000,
      from: 'nobody',
      to: ['ok@example.com', 'bad address', 'x@y\r\nBcc: z@example.com'],
      subject: 'Alert {title} {password}',
      security: 'ssl',
    });
    expect(got.map((i) => i.path).sort()).toEqual([
      'destination.from',
      'destination.port',
      'destination.security',
      'destination.subject',
      'destination.to.1',
      'destination.to.2',
    ]);
    expect(got.find((i) => i.path === 'destination.subject')?.message).toContain('{title}');
    expect(issues({ ...base, to: [] })).toEqual([
      { path: 'destination.to', message: 'must name at least one recipient' },
    ]);
  });

  it('refuses a password over plain SMTP except to localhost', () => {
    const auth = { user: 'u', password: 'p' };
    expect(issues({ ...base, security: 'none', auth })).toEqual([
      {
        path: 'destination.auth',
        message: 'needs security tls or starttls (plain SMTP only to localhost)',
      },
    ]);
    expect(issues({ ...base, host: '127.0.0.1', security: 'none', auth })).toEqual([]);
  });
});

describe('alert view', () => {
  it('reads the alert metadata, and tolerates any metadata a producer wrote', () => {
    expect(alertView(alert())).toMatchObject({
      state: 'raised',
      title: 'Brute force login',
      severity: 'high',
      rule: 'brute-force',
      groupKey: 'actor.id=alice',
      count: 12,
      alertId: 'al_1',
    });
    const odd = alertView(
      alert({ severity: 'low' }, { rule_title: 42, severity: 'extreme', count: -3, alert_id: {} }),
    );
    expect(odd).toMatchObject({
      title: '42',
      severity: 'low',
      count: undefined,
      alertId: undefined,
    });
    expect(alertView({ ...alert(), action: 'user.login' })).toBeUndefined();
  });

  it('renders the subject for the most severe alert of a batch, on one line', () => {
    const batch = [
      alert({}, { severity: 'medium', rule_title: 'Off hours' }),
      alert({}, { severity: 'critical', rule_title: 'Impossible\r\ntravel' }),
    ];
    expect(renderSubject('[{severity}] {title} ({state}, {count})', batch)).toBe(
      '[critical] Impossible travel (raised, 12) (+1 more)',
    );
  });
});

describe('slack message', () => {
  it('has the title, severity, rule, summary, group, count and link of an alert', () => {
    const m = slackMessage([alert()], { consoleUrl: 'https://vt.example/' });
    expect(m.text).toBe(
      '[HIGH] Alert raised: Brute force login (12 failed logins for alice in 5 min)',
    );
    const all = JSON.stringify(m.blocks);
    for (const part of [
      'Brute force login',
      '*Severity*\\nhigh',
      '*Rule*\\nbrute-force',
      'actor.id=alice',
      '*Count*\\n12',
      '12 failed logins',
    ])
      expect(all).toContain(part);
    expect(all).toContain('<https://vt.example/alerts/al_1|Open in Veritrail>');
  });

  it('has no link without a console URL, and a plain line for other events', () => {
    const login = { ...makeEvent({ action: 'user.login', actor: { id: 'bob' } }), seq: 7 };
    const m = slackMessage([alert(), login]);
    expect(JSON.stringify(m.blocks)).not.toContain('Open in Veritrail');
    expect(m.text.split('\n')[1]).toBe('user.login by bob (success, info) in acme, seq 7');
    expect(m.blocks.filter((b) => b['type'] === 'divider')).toHaveLength(1);
  });

  it('escapes what Slack would read as a mention or a link', () => {
    const m = slackMessage([alert({}, { summary: '<!channel> see <http://evil|here> & more' })]);
    const all = JSON.stringify(m);
    expect(all).not.toContain('<!channel>');
    expect(all).toContain('&lt;!channel&gt; see &lt;http://evil|here&gt; &amp; more');
  });
});

describe('slack message limits', () => {
  type Text = { text: string };
  it('keeps every block within Slack limits and escapes any text', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 4000, unit: fc.constantFrom('<', '>', '&', 'a', '!', 'é', '\n') }),
        fc.string({ maxLength: 600 }),
        (summary, title) => {
          const m = slackMessage([
            alert({ reason: summary.slice(0, 4000) }, { rule_title: title, group_key: summary }),
          ]);
          for (const b of m.blocks) {
            const t = b['text'] as Text | undefined;
            if (b['type'] === 'header' && t) expect([...t.text].length).toBeLessThanOrEqual(150);
            if (b['type'] === 'section' && t) expect(t.text.length).toBeLessThanOrEqual(3000);
            for (const f of (b['fields'] as Text[] | undefined) ?? [])
              expect(f.text.length).toBeLessThanOrEqual(2000);
          }
          expect(m.text.length).toBeLessThanOrEqual(3900);
          expect(JSON.stringify(m.blocks.filter((b) => b['type'] !== 'header'))).not.toMatch(
            /<(?!https?:)/,
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('email message', () => {
  it('has a subject from the template, a text and an HTML body with the alert', () => {
    const m = emailMessage([alert({}, { rule_title: 'Admin <script>' })], {
      subject: '{severity} alert: {title}',
      consoleUrl: 'https://vt.example',
    });
    expect(m.subject).toBe('high alert: Admin <script>');
    expect(m.text).toContain('[HIGH] Alert raised: Admin <script>');
    expect(m.text).toContain('Severity: high');
    expect(m.text).toContain('Link: https://vt.example/alerts/al_1');
    expect(m.html).toContain('Admin &lt;script&gt;');
    expect(m.html).not.toContain('<script>');
    expect(m.html).toContain('<a href="https://vt.example/alerts/al_1">');
  });
});

describe('Retry-After', () => {
  it('reads delay-seconds and HTTP dates, bounded', () => {
    const now = Date.parse('2026-11-26T10:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('Thu, 26 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Thu, 26 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('99999999', now)).toBe(MAX_RETRY_AFTER_MS);
    for (const bad of [null, undefined, '', '-1', '1.5', 'soon', '2026-11-26T10:00:30Z'])
      expect(parseRetryAfter(bad, now)).toBeUndefined();
  });

  it('is never negative nor above the maximum, whatever the receiver sends', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: 4e12 }), (v, now) => {
        const ms = parseRetryAfter(v, now);
        return ms === undefined || (ms >= 0 && ms <= MAX_RETRY_AFTER_MS);
      }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3600 }),
        (n) => parseRetryAfter(String(n), 0) === n * 1000,
      ),
    );
  });
});

describe('the filters of docs/notifications.md', () => {
  const doc = readFileSync(new URL('../../../docs/notifications.md', import.meta.url), 'utf8');
  const fromTable = [...doc.matchAll(/^\| `(action:[^|]*)`\s+\|/gm)].map((m) => m[1]!);
  const fromJson = [...doc.matchAll(/"q": "([^"]*)"/g)].map((m) => m[1]!);

  it('all parse, and the severity filter picks high and critical alerts only', () => {
    expect(fromTable.length).toBeGreaterThanOrEqual(5);
    expect(fromJson.length).toBeGreaterThanOrEqual(3);
    for (const q of [...fromTable, ...fromJson]) expect(() => parseQuery(q), q).not.toThrow();
    const severe = compileMatcher(
      parseQuery('action:alert.raised (metadata.severity:high OR metadata.severity:critical)'),
    );
    const picked = (['info', 'low', 'medium', 'high', 'critical'] as const).filter((sev) =>
      severe(alert({}, { severity: sev })),
    );
    expect(picked).toEqual(['high', 'critical']);
    expect(severe({ ...alert(), action: 'alert.resolved' })).toBe(false);
  });
});
