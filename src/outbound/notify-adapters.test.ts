import { describe, expect, it } from 'vitest';
import type { OutboundEvent } from '../app/ports.js';
import { makeEvent } from '../app/test-support/events.js';
import { DeliveryFailure } from '../core/outbound/delivery-failure.js';
import { EmailDestination } from './email.js';
import { SlackDestination } from './slack.js';
import { httpReceiver, readMail, smtpReceiver } from './test-support/local-servers.js';

const raised = (seq: number, severity = 'critical'): OutboundEvent => ({
  ...makeEvent({
    action: 'alert.raised',
    severity: 'critical',
    actor: { id: 'rule:r-1', type: 'system' },
    targets: [{ id: 'al_42', type: 'alert' }],
    reason: '3 logins of alice from 2 countries in 10 min',
    metadata: {
      rule: 'r-1',
      rule_title: 'Impossible travel',
      severity,
      group_key: 'actor.id=alice',
      count: 3,
      event_ids: ['a', 'b', 'c'],
    },
  }),
  seq,
});

const SLACK_PATH = '/services/T0/B0/s3cr3t-token';

describe('Slack destination', () => {
  it('posts { text, blocks } with the alert and a console link', async () => {
    const r = await httpReceiver(() => ({ status: 200 }));
    try {
      const d = new SlackDestination({
        url: `${r.url}${SLACK_PATH}`,
        console_url: 'https://vt.example',
      });
      await d.send([raised(5)]);
      await d.close();
      expect(r.got).toHaveLength(1);
      expect(r.got[0]!.path).toBe(SLACK_PATH);
      expect(r.got[0]!.headers['content-type']).toBe('application/json');
      const msg = JSON.parse(r.got[0]!.body) as { text: string; blocks: unknown[] };
      expect(msg.text).toBe(
        '[CRITICAL] Alert raised: Impossible travel (3 logins of alice from 2 countries in 10 min)',
      );
      expect(JSON.stringify(msg.blocks)).toContain(
        '<https://vt.example/alerts/al_42|Open in Veritrail>',
      );
    } finally {
      await r.close();
    }
  });

  it('reports the status and Retry-After of a refusal, without the URL path', async () => {
    const r = await httpReceiver((_, n) =>
      n === 1 ? { status: 429, headers: { 'retry-after': '7' } } : { status: 503 },
    );
    try {
      const d = new SlackDestination({ url: `${r.url}${SLACK_PATH}` });
      const first = await d.send([raised(1)]).catch((e: unknown) => e);
      expect(first).toBeInstanceOf(DeliveryFailure);
      expect(first).toMatchObject({
        status: 429,
        retryAfterMs: 7000,
        message: `${r.url}: HTTP 429`,
      });
      const second = await d.send([raised(1)]).catch((e: unknown) => e);
      expect(second).toMatchObject({ status: 503, retryAfterMs: undefined });
      expect(String((second as Error).message)).not.toContain('s3cr3t');
    } finally {
      await r.close();
    }
  });
});

describe('email destination', () => {
  it('sends one message per batch, with auth, to every recipient', async () => {
    const smtp = await smtpReceiver({ auth: { user: 'vt', pass: 'smtp-password-1' } });
    const d = new EmailDestination({
      host: '127.0.0.1',
      port: smtp.port,
      security: 'none',
      auth: { user: 'vt', password: 'smtp-password-1' },
      from: 'veritrail@example.com',
      to: ['soc@example.com', 'oncall@example.com'],
      subject: '[{severity}] {title} ({tenant})',
      console_url: 'https://vt.example',
    });
    try {
      await d.send([raised(1, 'high'), raised(2, 'critical')]);
      expect(smtp.mails).toHaveLength(1);
      const m = smtp.mails[0]!;
      expect(m).toMatchObject({
        from: 'veritrail@example.com',
        to: ['soc@example.com', 'oncall@example.com'],
        user: 'vt',
      });
      const mail = readMail(m.raw);
      expect(mail.header('subject')).toBe('[critical] Impossible travel (acme) (+1 more)');
      expect(mail.header('to')).toBe('soc@example.com, oncall@example.com');
      expect(mail.body).toContain('[HIGH] Alert raised: Impossible travel');
      expect(mail.body).toContain('[CRITICAL] Alert raised: Impossible travel');
      expect(mail.body).toContain('Link: https://vt.example/alerts/al_42');
      expect(mail.body).toContain('<h2>[CRITICAL] Alert raised: Impossible travel</h2>');
    } finally {
      await d.close();
      await smtp.close();
    }
  });

  it('reports a refusal with its SMTP code and never the password', async () => {
    const smtp = await smtpReceiver({ auth: { user: 'vt', pass: 'right-password' } });
    const d = new EmailDestination({
      host: '127.0.0.1',
      port: smtp.port,
      security: 'none',
      auth: { user: 'vt', password: 'wrong-password' },
      from: 'veritrail@example.com',
      to: ['soc@example.com'],
      subject: '{title}',
    });
    try {
      const e = await d.send([raised(1)]).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(DeliveryFailure);
      expect(e).toMatchObject({ status: 535 });
      expect((e as Error).message).toMatch(new RegExp(`^smtp 127\\.0\\.0\\.1:${smtp.port}: 535 `));
      expect((e as Error).message).not.toContain('wrong-password');
      expect(smtp.mails).toHaveLength(0);
    } finally {
      await d.close();
      await smtp.close();
    }
  });

  it('refuses to wait once closed', async () => {
    const d = new EmailDestination({
      host: '127.0.0.1',
      port: 1,
      security: 'none',
      from: 'veritrail@example.com',
      to: ['soc@example.com'],
      subject: '{title}',
    });
    await d.close();
    await expect(d.send([raised(1)])).rejects.toThrow('smtp 127.0.0.1:1: closed');
  });
});
