/**
 * Syslog parsing and mapping. The fixed messages are the examples of RFC 5424 §6.5 and
 * RFC 3164 §5.4, and lines captured from util-linux `logger` 2.38 (`--rfc5424`, `--rfc3164`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../canonical-json.js';
import { LIMITS } from '../event/limits.js';
import { eventInputSchema, isRfc3339 } from '../event/schema.js';
import { normaliseEvent } from '../event/validate.js';
import { notSyslog, parseSyslog, type SdElement, type SyslogMessage } from './syslog.js';
import { REASON_CHARS, syslogEvent } from './syslog-event.js';

const NOW = new Date('2026-11-26T15:00:00.000Z');
const parse = (s: string | Uint8Array, now = NOW) => parseSyslog(s, now);
const CTX = { defaultTenant: 'x', receivedAt: NOW.toISOString(), newId: () => 'id-1' };
const BOM = '\uFEFF';

describe('RFC 5424', () => {
  it('parses the examples of §6.5', () => {
    expect(
      parse(
        `<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - ${BOM}'su root' failed for lonvick on /dev/pts/8`,
      ),
    ).toEqual({
      format: 'rfc5424',
      hasPri: true,
      facility: 4,
      severity: 2,
      version: 1,
      timestamp: '2003-10-11T22:14:15.003Z',
      occurredAt: '2003-10-11T22:14:15.003Z',
      hostname: 'mymachine.example.com',
      appName: 'su',
      procId: null,
      msgId: 'ID47',
      structuredData: null,
      msg: "'su root' failed for lonvick on /dev/pts/8",
    });
    const two = parse(
      "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.",
    );
    expect([two.facility, two.severity, two.occurredAt, two.hostname, two.procId, two.msg]).toEqual(
      [
        20,
        5,
        '2003-08-24T05:14:15.000003-07:00',
        '192.0.2.1',
        '8710',
        "%% It's time to make the do-nuts.",
      ],
    );
    const four = parse(
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]',
    );
    expect(four.structuredData).toEqual([
      {
        id: 'exampleSDID@32473',
        params: [
          ['iut', '3'],
          ['eventSource', 'Application'],
          ['eventID', '1011'],
        ],
      },
      { id: 'examplePriority@32473', params: [['class', 'high']] },
    ]);
    expect(four.msg).toBe('');
  });

  it('unescapes \\", \\\\ and \\] in PARAM-VALUE and keeps any other backslash (§6.3.3)', () => {
    const m = parse('<13>1 - - - - - [x@1 a="q\\"b\\\\s\\]e" b="c:\\d\\n"] msg');
    expect(m.structuredData).toEqual([
      {
        id: 'x@1',
        params: [
          ['a', 'q"b\\s]e'],
          ['b', 'c:\\d\\n'],
        ],
      },
    ]);
    expect(m.msg).toBe('msg');
  });

  it('reads NILVALUE as null and an empty MSG as ""', () => {
    const m = parse('<13>1 - - - - - -');
    expect(m).toMatchObject({ timestamp: null, hostname: null, appName: null, msg: '' });
    expect(m.structuredData).toBeNull();
  });

  it('keeps structured data that does not parse in MSG', () => {
    const m = parse('<13>1 - h app - - [bad param] text');
    expect(m.structuredData).toBeNull();
    expect(m.msg).toBe('[bad param] text');
  });

  it('keeps a timestamp that is no instant (leap second, 30 Feb, no offset) out of occurredAt', () => {
    for (const t of ['2026-06-30T23:59:60Z', '2026-02-30T10:00:00Z', '2026-01-01T10:00:00']) {
      const m = parse(`<13>1 ${t} h a - - - x`);
      expect(m.timestamp).toBe(t);
      expect(m.occurredAt).toBeNull();
    }
  });

  it('parses what util-linux logger sends', () => {
    const m = parse(
      '<13>1 2026-11-26T14:47:14.731117+00:00 vm myapp - LOGIN [timeQuality tzKnown="1" isSynced="0"][audit@32473 action="user.login" actor="alice"] hello udp',
    );
    expect(m).toMatchObject({ appName: 'myapp', msgId: 'LOGIN', msg: 'hello udp' });
    expect(m.structuredData?.map((e) => e.id)).toEqual(['timeQuality', 'audit@32473']);
  });
});

describe('RFC 3164 and lenient variants', () => {
  it('parses the examples of §5.4', () => {
    expect(
      parse("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8"),
    ).toMatchObject({
      format: 'rfc3164',
      facility: 4,
      severity: 2,
      timestamp: 'Oct 11 22:14:15',
      occurredAt: '2026-10-11T22:14:15.000Z',
      hostname: 'mymachine',
      appName: 'su',
      procId: null,
      msg: "'su root' failed for lonvick on /dev/pts/8",
    });
    // No PRI: user.notice (§4.3.3); no timestamp: no header at all, it is all MSG.
    expect(parse('Use the BFG!')).toMatchObject({
      hasPri: false,
      facility: 1,
      severity: 5,
      timestamp: null,
      hostname: null,
      appName: null,
      msg: 'Use the BFG!',
    });
    expect(parse('<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!')).toMatchObject({
      occurredAt: '2026-02-05T17:32:18.000Z',
      hostname: '10.0.0.99',
      appName: null,
      msg: 'Use the BFG!',
    });
    const odd = parse(
      "<0>1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All Folks!",
    );
    expect(odd).toMatchObject({ format: 'rfc3164', facility: 0, severity: 0, timestamp: null });
    expect(odd.msg).toContain("That's All Folks!");
  });

  it('takes tag[pid], a missing host, slashes in the tag, fractions, a year and RFC 3339', () => {
    expect(parse('<38>Nov 26 14:47:14 web sshd[811]: Accepted key')).toMatchObject({
      hostname: 'web',
      appName: 'sshd',
      procId: '811',
      msg: 'Accepted key',
    });
    expect(parse('<13>Nov 26 14:47:14 old: hello')).toMatchObject({
      hostname: null,
      appName: 'old',
      msg: 'hello',
    });
    expect(parse('<22>Nov  6 01:02:03 mx postfix/smtpd[9]: connect')).toMatchObject({
      occurredAt: '2026-11-06T01:02:03.000Z',
      appName: 'postfix/smtpd',
      procId: '9',
    });
    expect(parse('<13>Nov 26 14:47:14.250 h a: x').occurredAt).toBe('2026-11-26T14:47:14.250Z');
    expect(parse('<13>Mar  1 2019 10:00:00 h a: x').occurredAt).toBe('2019-03-01T10:00:00.000Z');
    expect(parse('<13>2026-11-26T14:47:14.5+01:00 h a: x')).toMatchObject({
      occurredAt: '2026-11-26T14:47:14.5+01:00',
      hostname: 'h',
      appName: 'a',
    });
    expect(parse('<13>kernel: oops')).toMatchObject({ appName: 'kernel', msg: 'oops' });
  });

  it('infers the year: December received in January is last year, and the reverse', () => {
    const jan = new Date('2027-01-01T00:00:05Z');
    expect(parse('<13>Dec 31 23:59:58 h a: x', jan).occurredAt).toBe('2026-12-31T23:59:58.000Z');
    const dec = new Date('2026-12-31T23:59:50Z');
    expect(parse('<13>Jan  1 00:00:10 h a: x', dec).occurredAt).toBe('2027-01-01T00:00:10.000Z');
    // A month ahead is not a clock running fast: it is last year's.
    expect(parse('<13>Dec 26 10:00:00 h a: x').occurredAt).toBe('2025-12-26T10:00:00.000Z');
    // 29 Feb goes back to the last leap year; an impossible date has no time.
    const mar = new Date('2027-03-01T00:00:00Z');
    expect(parse('<13>Feb 29 10:00:00 h a: x', mar).occurredAt).toBe('2024-02-29T10:00:00.000Z');
    expect(parse('<13>Feb 30 10:00:00 h a: x').occurredAt).toBeNull();
    expect(parse('<13>Feb 10 25:00:00 h a: x').occurredAt).toBeNull();
  });

  it('replaces invalid UTF-8 and U+0000, strips the BOM and the trailing newline', () => {
    const bytes = Buffer.concat([
      Buffer.from('<13>1 - h a - - - '),
      Buffer.from(BOM),
      Buffer.from([0x61, 0xff, 0x00, 0x62, 0xc3]),
      Buffer.from('\r\n\0'),
    ]);
    expect(parse(bytes).msg).toBe('a\uFFFD\uFFFDb\uFFFD');
  });

  it('takes a PRI over 191 as text, not as a PRI', () => {
    expect(parse('<999>1 - - - - - - x')).toMatchObject({ hasPri: false, facility: 1 });
  });

  it('calls binary without PRI noise, and keeps anything with a PRI', () => {
    expect(notSyslog(parse(Buffer.from([0x13, 0x88, 0x41, 0x0a])))).toMatch(/not text/);
    expect(notSyslog(parse('   '))).toMatch(/empty/);
    expect(notSyslog(parse('plain text line'))).toBeUndefined();
    expect(notSyslog(parse(Buffer.from([0x3c, 0x31, 0x33, 0x3e, 0x01, 0xff])))).toBeUndefined();
  });
});

describe('mapping to events', () => {
  const map = (line: string, senderIp?: string) =>
    syslogEvent(parse(line), { tenant: 'acme', ...(senderIp ? { senderIp } : {}) });

  it('maps an audit@32473 element to the event fields', () => {
    const e = map(
      '<86>1 2026-11-26T14:00:00Z web1 auth-svc 42 LOGIN [audit@32473 action="user.login" actor="alice" actor_type="user" outcome="failure" target="acct-9" target_type="account" category="authentication" reason="bad password" request_id="req-1" source_ip="203.0.113.9"] login failed',
      '10.0.0.1',
    );
    expect(e).toMatchObject({
      tenant: 'acme',
      action: 'user.login',
      category: 'authentication',
      outcome: 'failure',
      reason: 'bad password',
      severity: 'info',
      actor: { id: 'alice', type: 'user' },
      targets: [{ id: 'acct-9', type: 'account' }],
      source: { ip: '203.0.113.9' },
      observer: { service: 'auth-svc', host: 'web1' },
      correlation: { request_id: 'req-1' },
      occurred_at: '2026-11-26T14:00:00Z',
    });
    expect(e.raw).toMatchObject({
      format: 'rfc5424',
      facility: 10,
      severity: 6,
      procid: '42',
      msgid: 'LOGIN',
      structured_data: { 'audit@32473': { action: 'user.login', actor: 'alice' } },
      msg: 'login failed',
    });
    expect(e.id).toBeUndefined();
    expect(eventInputSchema.safeParse(e).success).toBe(true);
  });

  it('accepts any audit@ SD-ID, and leaves values the schema refuses out of their fields', () => {
    const e = map(
      '<13>1 - - app - - [audit@99999 action="not an action" actor="John Smith" outcome="OK" actor_type="robot" source_ip="999.1.1.1"] m',
      '::ffff:192.0.2.7',
    );
    expect(e).toMatchObject({
      action: 'syslog.app',
      outcome: 'unknown',
      actor: { id: 'app', type: 'system' },
      source: { ip: '192.0.2.7' },
    });
    expect(e.raw).toMatchObject({
      structured_data: { 'audit@99999': { actor: 'John Smith', outcome: 'OK' } },
    });
    expect(eventInputSchema.safeParse(e).success).toBe(true);
  });

  it('maps a plain message to syslog.<app>, the facility to a category, severity by table 2', () => {
    const e = map('<38>Nov 26 14:47:14 web sshd[811]: Accepted publickey for bob');
    expect(e).toMatchObject({
      action: 'syslog.sshd',
      category: 'authentication',
      outcome: 'unknown',
      severity: 'info',
      actor: { id: 'sshd', type: 'system' },
      observer: { service: 'sshd', host: 'web' },
      reason: 'Accepted publickey for bob',
      occurred_at: '2026-11-26T14:47:14.000Z',
    });
    expect(map('Use the BFG!')).toMatchObject({
      action: 'syslog.message',
      actor: { id: 'unknown', type: 'system' },
      observer: { service: 'syslog' },
    });
    expect(map('<13>1 - - My.App/x - - - m').action).toBe('syslog.my_app_x');
    const sev = [0, 1, 2, 3, 4, 5, 6, 7].map((s) => map(`<${104 + s}>1 - - a - - -`).severity);
    expect(sev).toEqual([
      'critical',
      'critical',
      'critical',
      'high',
      'medium',
      'low',
      'info',
      'info',
    ]);
    expect(map('<110>1 - - a - - -').category).toBe('audit');
    expect(map('<14>1 - - a - - -').category).toBeUndefined();
  });

  it('clips MSG in reason without splitting a surrogate pair; raw keeps it whole', () => {
    const msg = `${'x'.repeat(REASON_CHARS - 1)}😀tail`;
    const e = map(`<13>1 - - a - - - ${msg}`);
    expect(e.reason).toBe('x'.repeat(REASON_CHARS - 1));
    expect(e.raw?.msg).toBe(msg);
  });

  it('cuts raw.msg to the raw limit when escapes inflate it, and says so', () => {
    const e = map(`<13>1 - - a - - - ${'\u0001'.repeat(60_000)}`);
    expect(Buffer.byteLength(JSON.stringify(e.raw))).toBeLessThanOrEqual(LIMITS.rawBytes);
    expect(e.raw?.truncated).toBe(true);
    // Cut to what fits (each character is 6 bytes of JSON), not to nothing.
    expect((e.raw?.msg as string).length).toBeGreaterThan(10_000);
    expect(eventInputSchema.safeParse(e).success).toBe(true);
  });

  it('keeps a 3164 host token longer than a hostname in MSG rather than cutting it', () => {
    const long = 'h'.repeat(300);
    const m = parse(`<13>Nov 26 14:47:14 ${long} rest`);
    expect(m.hostname).toBeNull();
    expect(m.msg).toBe(`${long} rest`);
  });

  it('keeps SD-IDs and PARAM-NAMEs such as __proto__ as data, and repeated names as lists', () => {
    const e = map('<13>1 - - a - - [__proto__ a="1"][x@1 __proto__="2" p="3" p="4"]');
    const n = normaliseEvent(e, CTX);
    expect(n.ok).toBe(true);
    if (n.ok)
      expect(canonicalJson(n.value)).toContain(
        '"structured_data":{"__proto__":{"a":"1"},"x@1":{"__proto__":"2","p":["3","4"]}}',
      );
  });
});

/** A small RFC 5424 formatter: the inverse of the parser. */
function format5424(m: SyslogMessage, bom: boolean): string {
  const f = (v: string | null) => v ?? '-';
  const esc = (v: string) => v.replace(/["\\\]]/g, (c) => `\\${c}`);
  const sd =
    m.structuredData === null
      ? '-'
      : m.structuredData
          .map((e) => `[${e.id}${e.params.map(([k, v]) => ` ${k}="${esc(v)}"`).join('')}]`)
          .join('');
  const head = `<${m.facility * 8 + m.severity}>${m.version} ${f(m.timestamp)} ${f(m.hostname)} ${f(m.appName)} ${f(m.procId)} ${f(m.msgId)} ${sd}`;
  return m.msg === '' ? head : `${head} ${bom ? BOM : ''}${m.msg}`;
}

const PRINTUSASCII = fc.constantFrom(
  ...Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)),
);
const header = (max: number) =>
  fc.option(
    fc.string({ unit: PRINTUSASCII, minLength: 1, maxLength: max }).filter((s) => s !== '-'),
    { nil: null },
  );
const sdName = fc.string({
  unit: PRINTUSASCII.filter((c) => !'="]'.includes(c)),
  minLength: 1,
  maxLength: 32,
});
const text = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => !s.includes('\0'));
const sdElement: fc.Arbitrary<SdElement> = fc.record({
  id: sdName,
  params: fc.array(fc.tuple(sdName, text), { maxLength: 4 }),
});
const timestamp = fc
  .tuple(
    fc.date({
      min: new Date('0100-01-01T00:00:00Z'),
      max: new Date('9999-12-31T00:00:00Z'),
      noInvalidDate: true,
    }),
    fc.integer({ min: 0, max: 6 }),
    fc.constantFrom('Z', '+00:00', '-07:00', '+14:00'),
  )
  .map(([d, digits, zone]) => {
    const iso = d.toISOString().slice(0, 19);
    const frac = digits === 0 ? '' : `.${'123456'.slice(0, digits)}`;
    return `${iso}${frac}${zone}`;
  });
const message: fc.Arbitrary<SyslogMessage> = fc
  .record({
    facility: fc.integer({ min: 0, max: 23 }),
    severity: fc.integer({ min: 0, max: 7 }),
    version: fc.integer({ min: 1, max: 999 }),
    timestamp: fc.option(timestamp, { nil: null }),
    hostname: header(255),
    appName: header(48),
    procId: header(128),
    msgId: header(32),
    structuredData: fc.option(fc.array(sdElement, { minLength: 1, maxLength: 3 }), { nil: null }),
    msg: text.filter((s) => !/[\r\n\uFFFD]$/.test(s) && !s.startsWith(BOM)),
  })
  .map((r) => ({
    format: 'rfc5424' as const,
    hasPri: true,
    ...r,
    occurredAt: r.timestamp,
  }));

describe('properties', () => {
  it('a generated RFC 5424 message round-trips through the formatter', () => {
    fc.assert(
      fc.property(message, fc.boolean(), (m, bom) => {
        expect(parse(Buffer.from(format5424(m, bom)))).toEqual(m);
      }),
      { numRuns: 500 },
    );
  });

  it('any bytes parse without throwing, and every syslog message maps to a valid event', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      // Bytes after a plausible header reach the structured-data and tag parsers.
      fc
        .tuple(
          fc.constantFrom(
            '<13>1 - - - - - [',
            '<13>1 - h a p m [x a="',
            '<38>Nov 26 14:47:14 ',
            '<0>',
          ),
          fc.uint8Array({ maxLength: 200 }),
        )
        .map(([h, b]) => Buffer.concat([Buffer.from(h), b])),
      fc.string({ unit: 'binary', maxLength: 200 }).map((s) => Buffer.from(s)),
    );
    fc.assert(
      fc.property(bytes, fc.option(fc.ipV4(), { nil: undefined }), (b, ip) => {
        const m = parse(b);
        if (notSyslog(m) !== undefined) return;
        const e = syslogEvent(m, { tenant: 'acme', ...(ip ? { senderIp: ip } : {}) });
        const r = normaliseEvent(e, CTX);
        expect(r.ok, JSON.stringify(r)).toBe(true);
        if (r.ok) {
          expect(() => canonicalJson(r.value)).not.toThrow();
          expect(isRfc3339(r.value.occurred_at)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
