/**
 * The payload half of `verify`: each stored event and salt must reproduce its committed leaf
 * input (ARCHITECTURE §3). Pure, so it runs in this thread or on a helper thread while the
 * tree half runs here (verify-payload-worker.ts).
 */
import { sha256 } from '../core/crypto.js';
import { leafInputFor } from '../core/event/index.js';
import { leafHash } from '../core/merkle/index.js';
import type { VerifyRow } from './ports.js';

/** A page of rows in columns: cheap to send to another thread. */
export interface PayloadPage {
  readonly tenant: string;
  readonly seqs: Float64Array;
  /** Per row: id, canonical event ('' when purged), leaf input. */
  readonly strings: string[];
  /** Per row: 32-byte salt (zeros when purged). */
  readonly salts: Uint8Array;
  /** Per row: 1 when the payload is purged, 2 when only one of event and salt is. */
  readonly purged: Uint8Array;
}

export interface PayloadFailure {
  readonly seq: number;
  readonly message: string;
}

export interface PayloadResult {
  /** The first row whose payload does not match its leaf, if any. */
  readonly failure?: PayloadFailure;
  /** Per row: SHA-256(0x00 ‖ leaf_input), for the tree half. */
  readonly leafHashes: Uint8Array;
}

export function toPayloadPage(tenant: string, rows: readonly VerifyRow[]): PayloadPage {
  const seqs = new Float64Array(rows.length);
  const strings = new Array<string>(rows.length * 3);
  const salts = new Uint8Array(rows.length * 32);
  const purged = new Uint8Array(rows.length);
  rows.forEach((r, i) => {
    seqs[i] = r.seq;
    strings[i * 3] = r.id;
    strings[i * 3 + 1] = r.canonical ?? '';
    strings[i * 3 + 2] = r.leafInput;
    if (r.canonical === null || r.salt === null) purged[i] = r.canonical === r.salt ? 1 : 2;
    else if (r.salt.length === 32) salts.set(r.salt, i * 32);
    else purged[i] = 2;
  });
  return { tenant, seqs, strings, salts, purged };
}

/** Checks every row's payload against its leaf and hashes every leaf. */
export function checkPayloadPage(p: PayloadPage): PayloadResult {
  const leafHashes = new Uint8Array(p.seqs.length * 32);
  for (let i = 0; i < p.seqs.length; i++) leafHashes.set(leafHash(p.strings[i * 3 + 2]!), i * 32);
  const failure = firstBadPayload(p);
  return failure ? { failure, leafHashes } : { leafHashes };
}

function firstBadPayload(p: PayloadPage): PayloadFailure | undefined {
  const s = JSON.stringify;
  const tenantJson = s(p.tenant);
  for (let i = 0; i < p.seqs.length; i++) {
    const seq = p.seqs[i]!;
    if (p.purged[i] === 1) continue;
    if (p.purged[i] === 2)
      return { seq, message: `seq ${seq}: payload and salt must be purged together` };
    const id = p.strings[i * 3]!;
    const canonical = p.strings[i * 3 + 1]!;
    const leafInput = p.strings[i * 3 + 2]!;
    // received_at comes from the leaf (whose hash the tree half checks); the event must carry
    // the same id, tenant and received_at as top-level members.
    const receivedAt = receivedAtOf(leafInput);
    const digest = sha256(p.salts.subarray(i * 32, i * 32 + 32), canonical).toString('hex');
    if (
      receivedAt === undefined ||
      leafInputFor({ id, tenant: p.tenant, received_at: receivedAt }, digest) !== leafInput ||
      !canonical.includes(`"id":${s(id)},`) ||
      !canonical.includes(`"received_at":${s(receivedAt)},`) ||
      !(
        canonical.includes(`"tenant":${tenantJson},`) ||
        canonical.endsWith(`"tenant":${tenantJson}}`)
      )
    ) {
      return { seq, message: `seq ${seq}: event or salt does not match the committed leaf` };
    }
  }
  return undefined;
}

function receivedAtOf(leafInput: string): string | undefined {
  try {
    const v = (JSON.parse(leafInput) as { received_at?: unknown }).received_at;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}
