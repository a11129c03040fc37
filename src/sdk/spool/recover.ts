/**
 * Opening a spool after a clean stop or a crash (docs/sdk.md#spool): drop segments the cursor
 * has passed, find the cursor's record, cut a torn tail off the last segment, and count the
 * records still to deliver. Files in the spool directory are our own but may be damaged.
 */
import {
  closeSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
  truncateSync,
  unlinkSync,
} from 'node:fs';
import { join } from 'node:path';
import { readCursor, writeCursor, type SpoolPosition } from './cursor.js';
import { decodeLine } from './record-codec.js';

const SEGMENT_RE = /^seg-(\d{12})\.log$/;

export const segmentName = (num: number): string => `seg-${String(num).padStart(12, '0')}.log`;

export interface Segment {
  readonly num: number;
  size: number;
}

export interface Recovered {
  /** Ascending; the last one receives appends. Never empty. */
  readonly segments: Segment[];
  readonly cursor: SpoolPosition;
  /** Records (damaged ones included) from the cursor to the end. */
  readonly count: number;
  /** Bytes cut off the end of the last segment (a torn write). */
  readonly truncated: number;
}

export function recover(dir: string, durable: boolean): Recovered {
  const nums = readdirSync(dir)
    .map((f) => SEGMENT_RE.exec(f)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  const stored = readCursor(dir);
  let cursor: SpoolPosition = stored ?? { segment: nums[0] ?? 1, offset: 0 };
  // Segments before the cursor were acknowledged; a crash can come between the cursor write
  // and their deletion.
  for (const n of nums) if (n < cursor.segment) unlinkSync(join(dir, segmentName(n)));
  const live = nums.filter((n) => n >= cursor.segment);
  const segments: Segment[] = live.map((num) => ({
    num,
    size: statSync(join(dir, segmentName(num))).size,
  }));
  const first = segments[0];
  if (first === undefined) {
    // Never reuse the cursor's segment number: its offset would skip new records.
    const num = stored ? stored.segment + 1 : 1;
    segments.push({ num, size: 0 });
    cursor = { segment: num, offset: 0 };
  } else if (first.num !== cursor.segment) {
    cursor = { segment: first.num, offset: 0 };
  }
  const last = segments[segments.length - 1]!;
  const { validEnd, starts } = scanLast(join(dir, segmentName(last.num)));
  const truncated = last.size - validEnd;
  if (truncated > 0) {
    truncateSync(join(dir, segmentName(last.num)), validEnd);
    last.size = validEnd;
  }
  if (cursor.segment === last.num && cursor.offset > last.size) {
    cursor = { segment: last.num, offset: last.size };
  }
  if (!stored || stored.segment !== cursor.segment || stored.offset !== cursor.offset) {
    writeCursor(dir, cursor, durable);
  }
  let count = 0;
  for (const seg of segments) {
    const from = seg.num === cursor.segment ? cursor.offset : 0;
    count +=
      seg === last
        ? starts.filter((s) => s >= from).length
        : countLines(join(dir, segmentName(seg.num)), from, seg.size);
  }
  return { segments, cursor, count, truncated };
}

/** Offsets where lines start, up to the end of the last intact record. */
function scanLast(path: string): { validEnd: number; starts: number[] } {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { validEnd: 0, starts: [] };
    throw e;
  }
  const starts: number[] = [];
  let validEnd = 0;
  let validLines = 0;
  for (let at = 0; at < buf.length;) {
    const d = decodeLine(buf, at);
    if (d.kind === 'partial') break;
    starts.push(at);
    if (d.kind === 'record') {
      validEnd = d.end;
      validLines = starts.length;
    }
    at = d.end;
  }
  // Damaged lines before the last intact record stay (skipped when read); after it, they are
  // the torn tail of an interrupted write.
  return { validEnd, starts: starts.slice(0, validLines) };
}

/** Records between `from` and `to` in an older segment: its lines, plus an unended last one. */
function countLines(path: string, from: number, to: number): number {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let count = 0;
    let lastByte = 0x0a;
    for (let pos = from; pos < to;) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, to - pos), pos);
      if (n === 0) break;
      for (let i = buf.indexOf(0x0a, 0); i !== -1 && i < n; i = buf.indexOf(0x0a, i + 1)) count++;
      lastByte = buf[n - 1]!;
      pos += n;
    }
    return from < to && lastByte !== 0x0a ? count + 1 : count;
  } finally {
    closeSync(fd);
  }
}
