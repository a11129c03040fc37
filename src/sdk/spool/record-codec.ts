/**
 * One spool record per line: `<crc32 as 8 lowercase hex> <json>\n`. JSON.stringify never emits
 * a raw newline, so a line is a record. The checksum covers the JSON's UTF-8 bytes: a write
 * torn by a crash, or bytes damaged on disk, fail it and are never sent (docs/sdk.md#spool).
 */
import { crc32 } from 'node:zlib';

const NL = 0x0a;
const SPACE = 0x20;
const HEX = /^[0-9a-f]{8}$/;

export function encodeRecord(json: string): Buffer {
  const body = Buffer.from(json, 'utf8');
  const head = Buffer.from(`${crc32(body).toString(16).padStart(8, '0')} `, 'latin1');
  return Buffer.concat([head, body, Buffer.of(NL)]);
}

export type DecodedLine =
  | { readonly kind: 'record'; readonly json: string; readonly end: number }
  | { readonly kind: 'corrupt'; readonly end: number }
  /** No newline before the end of the buffer: the line is incomplete (or longer than it). */
  | { readonly kind: 'partial' };

/** Decodes the line that starts at `start` in `buf`. `end` is the offset after its newline. */
export function decodeLine(buf: Buffer, start: number): DecodedLine {
  const nl = buf.indexOf(NL, start);
  if (nl === -1) return { kind: 'partial' };
  const end = nl + 1;
  if (nl - start < 10 || buf[start + 8] !== SPACE) return { kind: 'corrupt', end };
  const hex = buf.toString('latin1', start, start + 8);
  if (!HEX.test(hex)) return { kind: 'corrupt', end };
  const body = buf.subarray(start + 9, nl);
  if (crc32(body) !== Number.parseInt(hex, 16)) return { kind: 'corrupt', end };
  return { kind: 'record', json: body.toString('utf8'), end };
}
