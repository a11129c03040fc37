/**
 * The disk spool: an append-only, segmented queue of events in one directory
 * (docs/sdk.md#spool). Every event is written here before it is sent (write-ahead); the
 * cursor moves past a batch only once the server has acknowledged it, and segments wholly
 * behind the cursor are deleted. I/O is synchronous so `tryRecord` can spool without waiting;
 * the `batch` fsync mode groups the (asynchronous) fsyncs of records written together.
 */
import {
  appendFileSync,
  closeSync,
  fsync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { VeritrailSdkError } from '../errors.js';
import { syncDir, writeCursor, type SpoolPosition } from './cursor.js';
import { acquireLock, ioError } from './lock.js';
import { encodeRecord, decodeLine } from './record-codec.js';
import { recover, segmentName, type Segment } from './recover.js';

export type FsyncMode = 'always' | 'batch' | 'never';
export type { SpoolPosition };

export interface SpoolOptions {
  readonly dir: string;
  /** Bytes of undelivered records at most (default 1 GiB). */
  readonly maxBytes?: number;
  /** A segment is closed and a new one begun past this size (default 16 MiB). */
  readonly segmentBytes?: number;
  readonly fsync?: FsyncMode;
}

export interface SpoolEntry {
  /** The record's JSON, or null for a damaged record (never sent). */
  readonly json: string | null;
  readonly bytes: number;
  /** Position after this record: what `ack` takes. */
  readonly end: SpoolPosition;
}

interface SyncWaiter {
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

export const DEAD_LETTER_FILE = 'dead-letter.ndjson';
const RECORD_OVERHEAD = 10; // 8 hex digits, a space, a newline

export class Spool {
  private fd: number;
  private gen = 0;
  private reader: { num: number; fd: number } | undefined;
  private dirty = false;
  private syncScheduled = false;
  private syncWaiters: SyncWaiter[] = [];
  /** Waiters of the fsync in flight. */
  private syncing: SyncWaiter[] | undefined;
  private closed = false;

  private constructor(
    readonly dir: string,
    readonly maxBytes: number,
    private readonly segmentBytes: number,
    readonly fsyncMode: FsyncMode,
    private readonly release: () => void,
    private readonly segments: Segment[],
    private cursor: SpoolPosition,
    private pending: number,
    /** Bytes of a torn write cut off the last segment when the spool was opened. */
    readonly truncatedOnOpen: number,
  ) {
    this.fd = this.openSegment(this.active.num);
  }

  static open(opts: SpoolOptions): Spool {
    const dir = opts.dir;
    const mode = opts.fsync ?? 'batch';
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (e) {
      throw ioError(dir, e);
    }
    const release = acquireLock(dir);
    try {
      const r = recover(dir, mode !== 'never');
      return new Spool(
        dir,
        opts.maxBytes ?? 2 ** 30,
        opts.segmentBytes ?? 16 * 2 ** 20,
        mode,
        release,
        r.segments,
        r.cursor,
        r.count,
        r.truncated,
      );
    } catch (e) {
      release();
      throw e instanceof VeritrailSdkError ? e : ioError(dir, e);
    }
  }

  static recordBytes(json: string): number {
    return Buffer.byteLength(json, 'utf8') + RECORD_OVERHEAD;
  }

  /** Records not yet acknowledged (damaged ones included). */
  get count(): number {
    return this.pending;
  }

  /** Bytes of records not yet acknowledged. */
  get bytes(): number {
    let total = 0;
    for (const s of this.segments) total += s.size;
    return this.segments.some((s) => s.num === this.cursor.segment)
      ? total - this.cursor.offset
      : total;
  }

  hasRoom(recordBytes: number): boolean {
    return this.bytes + recordBytes <= this.maxBytes;
  }

  /** Appends one record (synchronously). The caller checks `hasRoom` first. */
  append(json: string): void {
    this.assertOpen();
    const rec = encodeRecord(json);
    let seg = this.active;
    try {
      if (seg.size > 0 && seg.size + rec.length > this.segmentBytes) seg = this.roll();
      writeAll(this.fd, rec, seg.size);
    } catch (e) {
      try {
        ftruncateSync(this.fd, seg.size); // never leave half a record before the next one
      } catch {
        // The open-time scan cuts it off instead.
      }
      throw ioError(this.dir, e);
    }
    seg.size += rec.length;
    this.pending++;
    if (this.fsyncMode === 'always') fsyncSync(this.fd);
    else if (this.fsyncMode === 'batch') this.dirty = true;
  }

  /** Resolves once every record appended so far is on disk as the fsync mode promises. */
  sync(): Promise<void> {
    if (this.fsyncMode !== 'batch' || this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      if (!this.dirty) {
        // Written before the fsync in flight began: that fsync covers it.
        if (this.syncing) this.syncing.push({ resolve, reject });
        else resolve();
        return;
      }
      this.syncWaiters.push({ resolve, reject });
      if (this.syncScheduled) return;
      this.syncScheduled = true;
      // One fsync for every record appended in this turn of the event loop.
      setImmediate(() => this.groupSync());
    });
  }

  /** Up to `maxCount` records (and about `maxBytes`) from the cursor, without consuming them. */
  read(maxCount: number, maxBytes: number): SpoolEntry[] {
    this.assertOpen();
    const out: SpoolEntry[] = [];
    let total = 0;
    let { segment, offset } = this.cursor;
    let chunk = 64 * 1024;
    while (out.length < maxCount) {
      const i = this.segments.findIndex((s) => s.num >= segment);
      const seg = this.segments[i];
      if (seg === undefined) break;
      if (seg.num !== segment) [segment, offset] = [seg.num, 0];
      if (offset >= seg.size) {
        const next = this.segments[i + 1];
        if (next === undefined) break;
        [segment, offset] = [next.num, 0];
        continue;
      }
      const len = Math.min(chunk, seg.size - offset);
      const buf = this.readAt(seg.num, offset, len);
      let at = 0;
      while (out.length < maxCount) {
        const d = decodeLine(buf, at);
        if (d.kind === 'partial') break;
        const bytes = d.end - at;
        if (out.length > 0 && total + bytes > maxBytes) return out;
        total += bytes;
        const end = { segment: seg.num, offset: offset + d.end };
        out.push({ json: d.kind === 'record' ? d.json : null, bytes, end });
        at = d.end;
      }
      if (at > 0) offset += at;
      else if (len === seg.size - offset) {
        // No newline before the end of an older segment: a damaged tail, skipped whole.
        out.push({ json: null, bytes: len, end: { segment: seg.num, offset: seg.size } });
        offset = seg.size;
      } else chunk *= 2; // a record longer than the chunk
    }
    return out;
  }

  /** The server acknowledged the first `count` records, ending at `end`. */
  ack(count: number, end: SpoolPosition): void {
    this.assertOpen();
    try {
      writeCursor(this.dir, end, this.fsyncMode !== 'never');
      this.cursor = end;
      this.pending = Math.max(0, this.pending - count);
      let dropped = false;
      for (let s = this.segments[0]; s !== undefined && s !== this.active; s = this.segments[0]) {
        if (s.num > end.segment || (s.num === end.segment && end.offset < s.size)) break;
        if (this.reader?.num === s.num) this.closeReader();
        unlinkSync(join(this.dir, segmentName(s.num)));
        this.segments.shift();
        dropped = true;
      }
      if (dropped && this.fsyncMode !== 'never') syncDir(this.dir);
    } catch (e) {
      throw ioError(this.dir, e);
    }
  }

  /** Appends one line to the dead-letter file of the spool directory. */
  appendDeadLetter(line: string): void {
    const path = join(this.dir, DEAD_LETTER_FILE);
    try {
      if (this.fsyncMode === 'never') return appendFileSync(path, `${line}\n`, { mode: 0o600 });
      const fd = openSync(path, 'a', 0o600);
      try {
        writeSync(fd, `${line}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      throw ioError(this.dir, e);
    }
  }

  /** Syncs what was written, closes the files and releases the lock. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.dirty) fsyncSync(this.fd);
    } finally {
      this.gen++;
      closeSync(this.fd);
      this.closeReader();
      this.release();
      for (const w of [...this.syncWaiters.splice(0), ...(this.syncing?.splice(0) ?? [])])
        w.resolve();
    }
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  private roll(): Segment {
    if (this.fsyncMode !== 'never') fsyncSync(this.fd);
    this.gen++;
    closeSync(this.fd);
    const seg = { num: this.active.num + 1, size: 0 };
    this.fd = this.openSegment(seg.num);
    this.segments.push(seg);
    if (this.fsyncMode !== 'never') syncDir(this.dir);
    return seg;
  }

  private groupSync(): void {
    this.syncScheduled = false;
    const waiters = this.syncWaiters.splice(0);
    if (this.closed) return waiters.forEach((w) => w.resolve());
    this.dirty = false;
    const gen = this.gen;
    this.syncing = waiters;
    fsync(this.fd, (err) => {
      if (this.syncing === waiters) this.syncing = undefined;
      // A segment rolled over or closed meanwhile was fsynced synchronously before closing.
      if (err && gen === this.gen) {
        this.dirty = true;
        waiters.forEach((w) => w.reject(ioError(this.dir, err)));
      } else waiters.forEach((w) => w.resolve());
    });
  }

  private openSegment(num: number): number {
    return openSync(join(this.dir, segmentName(num)), 'a+', 0o600);
  }

  private readAt(num: number, offset: number, len: number): Buffer {
    if (this.reader?.num !== num) {
      this.closeReader();
      this.reader = { num, fd: openSync(join(this.dir, segmentName(num)), 'r') };
    }
    const buf = Buffer.allocUnsafe(len);
    let got = 0;
    while (got < len) {
      const n = readSync(this.reader.fd, buf, got, len - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  }

  private closeReader(): void {
    if (this.reader) closeSync(this.reader.fd);
    this.reader = undefined;
  }

  private assertOpen(): void {
    if (this.closed) throw new VeritrailSdkError('closed', 'the spool is closed');
  }
}

function writeAll(fd: number, buf: Buffer, position: number): void {
  for (let done = 0; done < buf.length;) {
    done += writeSync(fd, buf, done, buf.length - done, position + done);
  }
}
