/**
 * IP addresses as 16 bytes, written by hand because the core is pure (no `node:net`).
 * Strict on purpose, since queries and events are untrusted: IPv4 is a dotted quad without
 * leading zeros (RFC 6943 §3.1.1 warns that `010` reads as octal elsewhere); IPv6 follows
 * RFC 4291 §2.2 (1–4 hex digits per group, one `::`, an IPv4 dotted quad as the last 32 bits),
 * no zone ids. An IPv4 address is stored as its IPv4-mapped form `::ffff:a.b.c.d` (RFC 4291
 * §2.5.5.2), so `10.0.0.1` and `::ffff:10.0.0.1` are the same address.
 */

export interface IpRange {
  readonly lo: Uint8Array;
  readonly hi: Uint8Array;
}

const OCTET = /^(?:0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;
const PREFIX = /^(?:0|[1-9][0-9]{0,2})$/;

function parseIpv4(s: string): number[] | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!OCTET.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    bytes.push(n);
  }
  return bytes;
}

/** The 16-bit groups of one side of `::` (or of the whole address); null when malformed. */
function parseGroups(side: string, mayEndWithIpv4: boolean): number[] | null {
  if (side === '') return [];
  const parts = side.split(':');
  const groups: number[] = [];
  for (const [i, part] of parts.entries()) {
    if (mayEndWithIpv4 && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === null) return null;
      groups.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
    } else if (HEX_GROUP.test(part)) {
      groups.push(Number.parseInt(part, 16));
    } else {
      return null;
    }
  }
  return groups;
}

function parseIpv6(s: string): number[] | null {
  const gap = s.indexOf('::');
  if (gap !== s.lastIndexOf('::')) return null;
  if (gap < 0) {
    const groups = parseGroups(s, true);
    return groups !== null && groups.length === 8 ? groups : null;
  }
  const head = parseGroups(s.slice(0, gap), false);
  const tail = parseGroups(s.slice(gap + 2), true);
  if (head === null || tail === null || head.length + tail.length > 7) return null;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** 16 bytes of an IPv4 or IPv6 address, or null when `s` is not one (strictly). */
export function parseIp(s: string): Uint8Array | null {
  if (s.length === 0 || s.length > 45) return null;
  const out = new Uint8Array(16);
  if (!s.includes(':')) {
    const v4 = parseIpv4(s);
    if (v4 === null) return null;
    out[10] = 0xff;
    out[11] = 0xff;
    out.set(v4, 12);
    return out;
  }
  const groups = parseIpv6(s);
  if (groups === null) return null;
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/**
 * `<ip>/<prefix>` as the inclusive byte range it covers. An IPv4 prefix counts in IPv4 bits
 * (0–32) over the mapped form. Host bits may be set (`10.1.2.3/8` is `10.0.0.0/8`), as in
 * most search tools; a wrong prefix length is still refused.
 */
export function parseCidr(s: string): IpRange | null {
  const slash = s.indexOf('/');
  if (slash < 0 || slash !== s.lastIndexOf('/')) return null;
  const address = s.slice(0, slash);
  const prefixText = s.slice(slash + 1);
  if (!PREFIX.test(prefixText)) return null;
  const ip = parseIp(address);
  if (ip === null) return null;
  const v4 = !address.includes(':');
  if (Number(prefixText) > (v4 ? 32 : 128)) return null;
  const prefix = Number(prefixText) + (v4 ? 96 : 0);
  const lo = new Uint8Array(16);
  const hi = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    const bits = Math.max(0, Math.min(8, prefix - 8 * i));
    const mask = (0xff << (8 - bits)) & 0xff;
    const byte = ip[i] ?? 0;
    lo[i] = byte & mask;
    hi[i] = (byte & mask) | (~mask & 0xff);
  }
  return { lo, hi };
}

/** A single address (lo = hi) or a CIDR block; null when neither. */
export function parseIpRange(s: string): IpRange | null {
  if (s.includes('/')) return parseCidr(s);
  const ip = parseIp(s);
  return ip === null ? null : { lo: ip, hi: ip };
}

/** Unsigned lexicographic order, the same order SQLite uses for BLOBs (memcmp). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export const inIpRange = (ip: Uint8Array, range: IpRange): boolean =>
  compareBytes(ip, range.lo) >= 0 && compareBytes(ip, range.hi) <= 0;
