/**
 * A batch of appends in columns, for the trip to the writer thread: one array of strings, one
 * of numbers and two byte buffers that are transferred, not copied. Structured-cloning an
 * object per event cost ~8% of the request thread's time (bench/); this costs a fraction.
 */
import type { AppendInput } from '../../app/ports.js';
import { timestampMs } from '../../core/event/index.js';
import { parseIp } from '../../core/query/ip.js';
import type { AppendRow, AppendRowResult } from './append-writer.js';

export interface EncodedBatch {
  readonly n: number;
  /** Per row: tenant, id, action, actorId, outcome, category, severity, leafInput, canonical. */
  readonly strings: string[];
  /** Per row: occurredMs, receivedMs. */
  readonly numbers: Float64Array;
  /** Per row: 32-byte salt. */
  readonly salts: Uint8Array;
  /** Per row: 32-byte leaf hash. */
  readonly leafHashes: Uint8Array;
  /** Per row: 1 flag byte + 16 address bytes. */
  readonly ips: Uint8Array;
}

const S = 9;
const IP = 17;

export function encodeBatch(batch: readonly AppendInput[]): EncodedBatch {
  const n = batch.length;
  const strings = new Array<string>(n * S);
  const numbers = new Float64Array(n * 2);
  const salts = new Uint8Array(n * 32);
  const leafHashes = new Uint8Array(n * 32);
  const ips = new Uint8Array(n * IP);
  // A batch usually shares one received_at: parse it once.
  let receivedAt = '';
  let receivedMs = 0;
  batch.forEach(({ event: e, commitment: c }, i) => {
    const s = i * S;
    strings[s] = e.tenant;
    strings[s + 1] = e.id;
    strings[s + 2] = e.action;
    strings[s + 3] = e.actor.id;
    strings[s + 4] = e.outcome;
    strings[s + 5] = e.category;
    strings[s + 6] = e.severity;
    strings[s + 7] = c.leafInput;
    strings[s + 8] = c.canonical;
    numbers[i * 2] = timestampMs(e.occurred_at);
    if (e.received_at !== receivedAt)
      [receivedAt, receivedMs] = [e.received_at, timestampMs(e.received_at)];
    numbers[i * 2 + 1] = receivedMs;
    salts.set(c.salt, i * 32);
    leafHashes.set(c.leafHash, i * 32);
    const ip = e.source?.ip === undefined ? null : parseIp(e.source.ip);
    if (ip) {
      ips[i * IP] = 1;
      ips.set(ip, i * IP + 1);
    }
  });
  return { n, strings, numbers, salts, leafHashes, ips };
}

export function transferables(b: EncodedBatch): ArrayBuffer[] {
  return [b.numbers, b.salts, b.leafHashes, b.ips].map((a) => a.buffer as ArrayBuffer);
}

export function decodeBatch(b: EncodedBatch): AppendRow[] {
  const rows = new Array<AppendRow>(b.n);
  for (let i = 0; i < b.n; i++) {
    const s = i * S;
    rows[i] = {
      tenant: b.strings[s]!,
      id: b.strings[s + 1]!,
      action: b.strings[s + 2]!,
      actorId: b.strings[s + 3]!,
      outcome: b.strings[s + 4]!,
      category: b.strings[s + 5]!,
      severity: b.strings[s + 6]!,
      leafInput: b.strings[s + 7]!,
      leafHash: b.leafHashes.subarray(i * 32, i * 32 + 32),
      canonical: b.strings[s + 8]!,
      occurredMs: b.numbers[i * 2]!,
      receivedMs: b.numbers[i * 2 + 1]!,
      salt: b.salts.subarray(i * 32, i * 32 + 32),
      sourceIp: b.ips[i * IP] === 1 ? b.ips.slice(i * IP + 1, i * IP + IP) : null,
    };
  }
  return rows;
}

/** Append results in columns, for the trip back: seqs, leaf hashes, duplicate flags. */
export interface EncodedResults {
  readonly seqs: Float64Array;
  readonly hashes: Uint8Array;
  readonly duplicates: Uint8Array;
}

export function encodeResults(results: readonly AppendRowResult[]): EncodedResults {
  const seqs = new Float64Array(results.length);
  const hashes = new Uint8Array(results.length * 32);
  const duplicates = new Uint8Array(results.length);
  results.forEach((r, i) => {
    seqs[i] = r.seq;
    hashes.set(r.leafHash, i * 32);
    duplicates[i] = r.duplicate ? 1 : 0;
  });
  return { seqs, hashes, duplicates };
}

export function decodeResults(r: EncodedResults): AppendRowResult[] {
  return Array.from(r.seqs, (seq, i) => ({
    seq,
    leafHash: r.hashes.subarray(i * 32, i * 32 + 32),
    duplicate: r.duplicates[i] === 1,
  }));
}
