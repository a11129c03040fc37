/**
 * The spool cursor: the position of the first record not yet acknowledged by the server.
 * Replaced atomically (temp file, fsync, rename, fsync of the directory) so a crash leaves
 * either the old or the new cursor, never a torn one.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const CURSOR_FILE = 'cursor.json';

export interface SpoolPosition {
  readonly segment: number;
  readonly offset: number;
}

/** The stored cursor, or undefined when there is none or it cannot be read. */
export function readCursor(dir: string): SpoolPosition | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, CURSOR_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null) return undefined;
    const { segment, offset } = v as Record<string, unknown>;
    if (!isCount(segment) || !isCount(offset)) return undefined;
    return { segment, offset };
  } catch {
    return undefined;
  }
}

export function writeCursor(dir: string, pos: SpoolPosition, durable: boolean): void {
  const tmp = join(dir, `${CURSOR_FILE}.tmp`);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify({ v: 1, segment: pos.segment, offset: pos.offset }));
    if (durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, CURSOR_FILE));
  if (durable) syncDir(dir);
}

/** Makes a directory's entries (a created, renamed or deleted file) durable. */
export function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
