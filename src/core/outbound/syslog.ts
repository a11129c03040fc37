/**
 * RFC 5424 syslog messages in RFC 6587 §3.4.1 octet-counting frames (`<length> <message>`),
 * for the syslog destination (docs/outbound.md "Syslog"). Facility 13 is "log audit"
 * (RFC 5424 §6.2.1, table 1); PRI = facility × 8 + severity.
 */
import type { StoredEvent } from '../event/index.js';
import { cefLine } from './cef.js';
import type { OutboundEvent } from './webhook-payload.js';

export const LOG_AUDIT_FACILITY = 13;

/** RFC 5424 severities (table 2): 2 critical, 3 error, 4 warning, 5 notice, 6 informational. */
export const SYSLOG_SEVERITY: Record<StoredEvent['severity'], number> = {
  critical: 2,
  high: 3,
  medium: 4,
  low: 5,
  info: 6,
};

export const syslogPri = (severity: StoredEvent['severity']): number =>
  LOG_AUDIT_FACILITY * 8 + SYSLOG_SEVERITY[severity];

/** HOSTNAME, APP-NAME, MSGID: 1*N PRINTUSASCII (§6), `-` when empty. */
function header(s: string | undefined, max: number): string {
  const v = (s ?? '').replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return v === '' ? '-' : v;
}

/** PARAM-VALUE escapes `"`, `\` and `]` (§6.3.3). */
const sdValue = (s: string): string => s.replace(/["\\\]]/g, (c) => `\\${c}`);

/** 32473 is the enterprise number reserved for examples (RFC 5612); we have none of our own. */
export const SD_ID = 'veritrail@32473';

export interface SyslogOptions {
  readonly format: 'cef' | 'json';
  readonly version: string;
}

/** One RFC 5424 message for one event: `<PRI>1 TIMESTAMP HOST APP - MSGID [SD] MSG`. */
export function syslogMessage(e: OutboundEvent, opts: SyslogOptions): string {
  const sd = `[${SD_ID} tenant="${sdValue(e.tenant)}" seq="${e.seq}" id="${sdValue(e.id)}"]`;
  const msg = opts.format === 'cef' ? cefLine(e, opts) : JSON.stringify(e);
  return [
    `<${syslogPri(e.severity)}>1`,
    new Date(Date.parse(e.occurred_at)).toISOString(),
    header(e.observer?.host, 255),
    'veritrail',
    '-',
    header(e.action, 32),
    sd,
    msg,
  ].join(' ');
}

/** RFC 6587 §3.4.1: MSG-LEN (octets) SP SYSLOG-MSG. */
export function octetFrame(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `), body]);
}

/** Splits a received byte stream into frames; `rest` is an incomplete tail. */
export function parseOctetFrames(buf: Buffer): { frames: string[]; rest: Buffer } {
  const frames: string[] = [];
  let at = 0;
  for (;;) {
    const sp = buf.indexOf(0x20, at);
    if (sp < 0) break;
    const len = Number(buf.subarray(at, sp).toString('latin1'));
    if (!Number.isInteger(len) || len < 0) throw new Error('bad octet-counted frame');
    if (sp + 1 + len > buf.length) break;
    frames.push(buf.subarray(sp + 1, sp + 1 + len).toString('utf8'));
    at = sp + 1 + len;
  }
  return { frames, rest: buf.subarray(at) };
}
