import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeEvent } from '../../app/test-support/events.js';
import { hmacSha256Hex } from '../crypto.js';
import {
  cefExtension,
  cefLine,
  escapeCefHeader,
  parseCefExtension,
  parseOctetFrames,
  octetFrame,
  parseStreamCreate,
  publicDestination,
  syslogMessage,
  syslogPri,
  verifyWebhookSignature,
  webhookBody,
  webhookHeaders,
  type OutboundEvent,
} from './index.js';

const ev = (over: Parameters<typeof makeEvent>[0] = {}): OutboundEvent => ({
  ...makeEvent(over),
  seq: 7,
});

describe('webhook payload', () => {
  it('signs HMAC-SHA256(secret, timestamp + "." + body) and verifies it', () => {
    const body = webhookBody([ev()]);
    const h = webhookHeaders('s'.repeat(16), 1700000000, body);
    expect(h['x-veritrail-timestamp']).toBe('1700000000');
    expect(h['x-veritrail-signature']).toBe(
      `sha256=${hmacSha256Hex('s'.repeat(16), `1700000000.${body}`)}`,
    );
    expect(
      verifyWebhookSignature('s'.repeat(16), '1700000000', body, h['x-veritrail-signature']!),
    ).toBe(true);
    expect(
      verifyWebhookSignature('s'.repeat(16), '1700000001', body, h['x-veritrail-signature']!),
    ).toBe(false);
    expect(JSON.parse(body)).toMatchObject({ events: [{ seq: 7 }] });
  });
});

describe('CEF', () => {
  it('escapes the header and round-trips any extension values', () => {
    expect(escapeCefHeader('a|b\\c')).toBe('a\\|b\\\\c');
    const key = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,10}$/);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(key, fc.string({ unit: 'grapheme-ascii' })), { maxLength: 6 }),
        fc.array(fc.tuple(key, fc.string({ unit: 'binary' })), { maxLength: 3 }),
        (a, b) => {
          const pairs = [...a, ...b];
          expect(parseCefExtension(cefExtension(pairs))).toEqual(pairs);
        },
      ),
      { numRuns: 500 },
    );
    const tricky: [string, string][] = [
      ['msg', 'a=b c=d \\ x|y\nz\r'],
      ['e', ''],
      ['f', ' lead and trail '],
      ['g', '\\'],
    ];
    expect(parseCefExtension(cefExtension(tricky))).toEqual(tricky);
  });

  it('renders an event with its actor, source, outcome, tenant and seq', () => {
    const line = cefLine(
      ev({
        action: 'user.login',
        severity: 'high',
        actor: { id: 'alice=admin' },
        source: { ip: '10.0.0.1' },
      }),
      { version: '0.1.0' },
    );
    expect(line.startsWith('CEF:0|Veritrail|Veritrail|0.1.0|user.login|user.login|8|')).toBe(true);
    const ext = new Map(parseCefExtension(line.split('|').slice(7).join('|')));
    expect(ext.get('suser')).toBe('alice=admin');
    expect(ext.get('src')).toBe('10.0.0.1');
    expect(ext.get('cs1')).toBe('acme');
    expect(ext.get('cn1')).toBe('7');
  });
});

describe('syslog', () => {
  it('uses facility 13 (log audit) and RFC 5424 severities', () => {
    expect(syslogPri('info')).toBe(110);
    expect(syslogPri('critical')).toBe(106);
  });

  it('builds an RFC 5424 message in an octet-counted frame', () => {
    const e = ev({ action: 'user.login', observer: { service: 's', host: 'web1' } });
    const msg = syslogMessage(e, { format: 'json', version: '0.1.0' });
    expect(msg).toMatch(
      /^<110>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z web1 veritrail - user\.login \[veritrail@32473 tenant="acme" seq="7" id="[^"]+"\] \{/,
    );
    expect(JSON.parse(msg.slice(msg.indexOf('] ') + 2))).toEqual(e);
    const both = Buffer.concat([
      octetFrame('héllo'),
      octetFrame(msg),
      octetFrame('x').subarray(0, 2),
    ]);
    const { frames, rest } = parseOctetFrames(both);
    expect(frames).toEqual(['héllo', msg]);
    expect(rest.toString()).toBe('1 ');
  });
});

describe('stream configuration', () => {
  it('fills defaults and names each bad field', () => {
    const good = parseStreamCreate({
      tenant: 'acme',
      name: 'siem',
      destination: { type: 'webhook', url: 'https://x.test/h', secret: 'k'.repeat(16) },
    });
    expect(good.ok && good.value).toMatchObject({
      q: '',
      enabled: true,
      destination: { batch_size: 100 },
    });
    if (good.ok)
      expect(publicDestination(good.value.destination)).toEqual({
        type: 'webhook',
        url: 'https://x.test/h',
        batch_size: 100,
        secret_set: true,
      });
    const bad = parseStreamCreate({
      tenant: 'Acme',
      name: '',
      destination: { type: 'webhook', url: 'ftp://x', secret: 'short', batch_size: 0 },
    });
    expect(bad.ok ? [] : bad.error.map((i) => i.path).sort()).toEqual([
      'destination.batch_size',
      'destination.secret',
      'destination.url',
      'name',
      'tenant',
    ]);
  });
});
