/**
 * ArcSight Common Event Format (CEF) rev. 25: `CEF:0|Vendor|Product|Version|SignatureID|Name|
 * Severity|Extension`. Header fields escape `\` and `|`; extension values escape `\`, `=`, and
 * line breaks (as `\n`, `\r`). Every event field here is untrusted producer input.
 */
import type { OutboundEvent } from './webhook-payload.js';

export const escapeCefHeader = (s: string): string =>
  s.replace(/[\\|]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');

export const escapeCefValue = (s: string): string =>
  s.replace(/[\\=\r\n]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\${c}`));

/** CEF severity 0–10 from the event's severity. */
export const CEF_SEVERITY = { info: 1, low: 3, medium: 5, high: 8, critical: 10 } as const;

/** `k=v` pairs joined by spaces; keys must be CEF keys (letters, digits, `_`). */
export function cefExtension(pairs: readonly (readonly [string, string])[]): string {
  return pairs.map(([k, v]) => `${k}=${escapeCefValue(v)}`).join(' ');
}

/**
 * Parses an extension back into its pairs (receivers, tests): a key is the word before an
 * unescaped `=`, after a space or at the start; its value runs to the space before the next key.
 */
export function parseCefExtension(ext: string): [string, string][] {
  const tokens: { c: string; esc: boolean }[] = [];
  for (let i = 0; i < ext.length; i++) {
    const c = ext[i]!;
    if (c === '\\' && i + 1 < ext.length) {
      const n = ext[++i]!;
      tokens.push({ c: n === 'n' ? '\n' : n === 'r' ? '\r' : n, esc: true });
    } else tokens.push({ c, esc: false });
  }
  const text = (from: number, to: number) =>
    tokens
      .slice(from, to)
      .map((t) => t.c)
      .join('');
  const keys: { start: number; eq: number }[] = [];
  tokens.forEach((t, j) => {
    if (t.esc || t.c !== '=') return;
    let k = j;
    while (k > 0 && !tokens[k - 1]!.esc && /[A-Za-z0-9_]/.test(tokens[k - 1]!.c)) k--;
    if (k < j && (k === 0 || (tokens[k - 1]!.c === ' ' && !tokens[k - 1]!.esc)))
      keys.push({ start: k, eq: j });
  });
  return keys.map((key, i) => {
    const next = keys[i + 1];
    return [text(key.start, key.eq), text(key.eq + 1, next ? next.start - 1 : tokens.length)];
  });
}

export interface CefOptions {
  readonly version: string;
}

/** One event as a CEF line (the MSG of a syslog message). */
export function cefLine(e: OutboundEvent, opts: CefOptions): string {
  const pairs: [string, string][] = [
    ['rt', String(Date.parse(e.occurred_at))],
    ['act', e.action],
    ['cat', e.category],
    ['suser', e.actor.id],
    ['outcome', e.outcome],
  ];
  if (e.reason !== undefined) pairs.push(['reason', e.reason]);
  if (e.source?.ip !== undefined) pairs.push(['src', e.source.ip]);
  if (e.observer?.host !== undefined) pairs.push(['dvchost', e.observer.host]);
  const target = e.targets?.[0];
  if (target !== undefined) pairs.push(['duid', target.id]);
  pairs.push(
    ['externalId', e.id],
    ['cs1Label', 'tenant'],
    ['cs1', e.tenant],
    ['cn1Label', 'seq'],
    ['cn1', String(e.seq)],
  );
  const header = [
    'CEF:0',
    'Veritrail',
    'Veritrail',
    opts.version,
    e.action,
    e.action,
    String(CEF_SEVERITY[e.severity]),
  ].map((h, i) => (i === 0 ? h : escapeCefHeader(h)));
  return `${header.join('|')}|${cefExtension(pairs)}`;
}
