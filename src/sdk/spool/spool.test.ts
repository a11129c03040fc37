import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CURSOR_FILE } from './cursor.js';
import { LOCK_FILE } from './lock.js';
import { encodeRecord } from './record-codec.js';
import { segmentName } from './recover.js';
import { DEAD_LETTER_FILE, Spool, type SpoolOptions } from './spool.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'veritrail-spool-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = (o: Partial<SpoolOptions> = {}) => Spool.open({ dir, fsync: 'never', ...o });
const rec = (i: number) => JSON.stringify({ action: 'test.event', n: i, text: 'é'.repeat(i % 5) });

/** Reads and acknowledges everything, returning the JSON of each record. */
function drain(s: Spool, batch = 7): (string | null)[] {
  const out: (string | null)[] = [];
  for (;;) {
    const got = s.read(batch, 1 << 20);
    const last = got[got.length - 1];
    if (!last) return out;
    out.push(...got.map((e) => e.json));
    s.ack(got.length, last.end);
  }
}

describe('Spool', () => {
  it('reads back appended records in order without consuming them until acked', () => {
    const s = open();
    for (let i = 0; i < 5; i++) s.append(rec(i));
    expect(s.count).toBe(5);
    const first = s.read(3, 1 << 20);
    expect(first.map((e) => e.json)).toEqual([rec(0), rec(1), rec(2)]);
    expect(s.read(3, 1 << 20).map((e) => e.json)).toEqual([rec(0), rec(1), rec(2)]);
    s.ack(3, first[2]!.end);
    expect(s.count).toBe(2);
    expect(s.read(10, 1 << 20).map((e) => e.json)).toEqual([rec(3), rec(4)]);
    s.close();
  });

  it('stops a batch at maxBytes but always returns at least one record', () => {
    const s = open();
    for (let i = 0; i < 10; i++) s.append(rec(i));
    const two = Spool.recordBytes(rec(0)) + Spool.recordBytes(rec(1));
    expect(s.read(10, two)).toHaveLength(2);
    expect(s.read(10, two - 1)).toHaveLength(1);
    expect(s.read(10, 1)).toHaveLength(1);
    s.close();
  });

  it('keeps unacknowledged records and the cursor across a reopen', () => {
    const s = open();
    for (let i = 0; i < 6; i++) s.append(rec(i));
    const got = s.read(4, 1 << 20);
    s.ack(4, got[3]!.end);
    s.close();
    const again = open();
    expect(again.count).toBe(2);
    again.append(rec(6));
    expect(drain(again)).toEqual([rec(4), rec(5), rec(6)]);
    again.close();
  });

  it('rolls over to new segments and deletes those wholly acknowledged', () => {
    const s = open({ segmentBytes: 1024 });
    for (let i = 0; i < 100; i++) s.append(rec(i));
    const segments = () => readdirSync(dir).filter((f) => f.startsWith('seg-'));
    expect(segments().length).toBeGreaterThan(3);
    expect(s.bytes).toBe(segments().reduce((n, f) => n + statSync(join(dir, f)).size, 0));
    const half = s.read(50, 1 << 20);
    s.ack(50, half[49]!.end);
    const left = segments().length;
    expect(drain(s)).toEqual(Array.from({ length: 50 }, (_, i) => rec(i + 50)));
    expect(segments().length).toBeLessThan(left);
    expect(segments()).toHaveLength(1); // the active segment stays
    expect(s.bytes).toBe(0);
    s.close();
    const again = open({ segmentBytes: 1024 });
    expect(again.count).toBe(0);
    again.append(rec(1));
    expect(drain(again)).toEqual([rec(1)]);
    again.close();
  });

  it('cuts a torn last write off on open and appends after it', () => {
    const s = open();
    for (let i = 0; i < 3; i++) s.append(rec(i));
    s.close();
    const seg = join(dir, segmentName(1));
    const size = statSync(seg).size;
    appendFileSync(seg, encodeRecord(rec(99)).subarray(0, 20)); // crash mid-write
    const again = open();
    expect(again.truncatedOnOpen).toBe(20);
    expect(statSync(seg).size).toBe(size);
    expect(again.count).toBe(3);
    again.append(rec(3));
    expect(drain(again)).toEqual([rec(0), rec(1), rec(2), rec(3)]);
    again.close();
  });

  it('cuts a complete last line with a bad checksum, keeps damaged ones before good ones', () => {
    const s = open();
    s.append(rec(0));
    s.close();
    const seg = join(dir, segmentName(1));
    appendFileSync(seg, `00000000 ${rec(1)}\n`);
    appendFileSync(seg, encodeRecord(rec(2)));
    appendFileSync(seg, `zz ${rec(3)}\n`);
    const again = open();
    expect(again.count).toBe(3);
    expect(drain(again)).toEqual([rec(0), null, rec(2)]);
    again.close();
  });

  it('skips a damaged tail of an older segment as one record', () => {
    const s = open({ segmentBytes: 1024 });
    for (let i = 0; i < 30; i++) s.append(rec(i));
    s.close();
    const older = join(dir, segmentName(1));
    const text = readFileSync(older);
    writeFileSync(older, text.subarray(0, text.length - 5)); // lost its last 5 bytes
    const again = open({ segmentBytes: 1024 });
    const lost = text.toString().split('\n').length - 2; // the last record of segment 1
    const expected: (string | null)[] = Array.from({ length: 30 }, (_, i) => rec(i));
    expected[lost] = null;
    const out = drain(again);
    expect(out).toEqual(expected);
    expect(out).toHaveLength(30);
    again.close();
  });

  it('starts from the oldest segment when the cursor file is unreadable', () => {
    const s = open();
    for (let i = 0; i < 3; i++) s.append(rec(i));
    const got = s.read(2, 1 << 20);
    s.ack(2, got[1]!.end);
    s.close();
    writeFileSync(join(dir, CURSOR_FILE), '{"segment":');
    const again = open();
    expect(drain(again)).toEqual([rec(0), rec(1), rec(2)]); // resent: the server dedups by id
    again.close();
  });

  it('never reuses the number of a deleted segment the cursor points into', () => {
    const s = open({ segmentBytes: 1024 });
    for (let i = 0; i < 40; i++) s.append(rec(i));
    drain(s);
    s.close();
    for (const f of readdirSync(dir)) if (f.startsWith('seg-')) rmSync(join(dir, f));
    const again = open({ segmentBytes: 1024 });
    again.append(rec(1));
    expect(drain(again)).toEqual([rec(1)]);
    again.close();
  });

  it('refuses a second open of one directory, and releases it on close', () => {
    const s = open();
    expect(() => open()).toThrow(/in use by process \d+/);
    s.close();
    open().close();
    expect(readdirSync(dir)).not.toContain(LOCK_FILE);
  });

  it('takes over the lock of a dead process', () => {
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const pid = Number(child.stdout.toString());
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid, host: hostname() }));
    const s = open();
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({
      pid: process.pid,
    });
    s.close();
  });

  it('takes over a lock file torn by a crash', () => {
    writeFileSync(join(dir, LOCK_FILE), '{"pid":');
    open().close();
  });

  it('reports room by undelivered bytes', () => {
    const s = open({ maxBytes: 2 ** 20 });
    const big = JSON.stringify({ pad: 'x'.repeat(100_000) });
    let n = 0;
    while (s.hasRoom(Spool.recordBytes(big))) {
      s.append(big);
      n++;
    }
    expect(n).toBe(10);
    const got = s.read(1, 1);
    s.ack(1, got[0]!.end);
    expect(s.hasRoom(Spool.recordBytes(big))).toBe(true);
    s.close();
  });

  it('syncs in batch mode and writes dead letters', async () => {
    const s = open({ fsync: 'batch' });
    s.append(rec(0));
    await s.sync();
    s.appendDeadLetter('{"event":1}');
    s.appendDeadLetter('{"event":2}');
    expect(readFileSync(join(dir, DEAD_LETTER_FILE), 'utf8')).toBe('{"event":1}\n{"event":2}\n');
    s.close();
    const always = open({ fsync: 'always' });
    always.append(rec(1));
    expect(drain(always)).toEqual([rec(0), rec(1)]);
    always.close();
  });
});
