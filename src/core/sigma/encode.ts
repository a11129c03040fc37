/**
 * Encoding modifiers (Sigma modifiers appendix v2.1.0, "Encoding"): `base64`, `base64offset`,
 * `utf16le`/`wide`, `utf16be`, `utf16`. Written by hand so the core needs no `Buffer`.
 */
import { type SigmaString, type Part, hasWildcards, literalText } from './sigma-string.js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function base64(bytes: readonly number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0;
    const b = bytes[i + 1] ?? 0;
    const c = bytes[i + 2] ?? 0;
    const n = a * 65536 + b * 256 + c;
    out += B64[Math.floor(n / 262144) % 64] ?? '';
    out += B64[Math.floor(n / 4096) % 64] ?? '';
    out += i + 1 < bytes.length ? (B64[Math.floor(n / 64) % 64] ?? '') : '=';
    out += i + 2 < bytes.length ? (B64[n % 64] ?? '') : '=';
  }
  return out;
}

export function utf8Bytes(s: string): number[] {
  return [...new TextEncoder().encode(s)];
}

/** The bytes a string value stands for: UTF-8, or the raw bytes after a utf16 modifier. */
export function bytesOf(s: SigmaString): number[] {
  const text = literalText(s);
  return s.binary ? [...text].map((c) => c.charCodeAt(0) & 0xff) : utf8Bytes(text);
}

/** Base64 of a value; refused with wildcards, which cannot be encoded. */
export function encodeBase64(s: SigmaString): string | null {
  return hasWildcards(s) ? null : base64(bytesOf(s));
}

/**
 * The three forms of a value inside a longer base64 text, one per byte offset 0, 1, 2: the
 * value is encoded after 0–2 filler bytes and the characters that depend on the unknown
 * neighbouring bytes are cut off (as pySigma's `base64offset`).
 */
export function encodeBase64Offsets(s: SigmaString): string[] | null {
  if (hasWildcards(s)) return null;
  const bytes = bytesOf(s);
  const start = [0, 2, 3];
  const end = [undefined, -3, -2];
  return [0, 1, 2].map((i) => {
    const text = base64([...new Array<number>(i).fill(0x20), ...bytes]);
    return text.slice(start[i], end[(bytes.length + i) % 3]);
  });
}

/** UTF-16 encoding of the literal parts, as a string of byte values; wildcards are kept. */
export function encodeUtf16(s: SigmaString, form: 'le' | 'be' | 'bom'): SigmaString {
  const unit = (code: number) => {
    const hi = String.fromCharCode(code >> 8);
    const lo = String.fromCharCode(code & 0xff);
    return form === 'be' ? hi + lo : lo + hi;
  };
  const enc = (text: string) => {
    let out = '';
    for (let i = 0; i < text.length; i++) out += unit(text.charCodeAt(i));
    return out;
  };
  const parts: Part[] = s.parts.map((p) => (p.t === 'lit' ? { t: 'lit', s: enc(p.s) } : p));
  if (form === 'bom') parts.unshift({ t: 'lit', s: '\xff\xfe' });
  return { parts, binary: true };
}
