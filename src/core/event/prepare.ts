/**
 * The commitment and leaf of one event (ARCHITECTURE §3, "Commitment" and "Leaf"):
 *   digest     = SHA-256(salt ‖ JCS(event))
 *   leaf_input = JCS({"v":1,"id","tenant","received_at","digest":hex})
 *   leaf_hash  = SHA-256(0x00 ‖ leaf_input)
 */
import { canonicalJson } from '../canonical-json.js';
import { sha256 } from '../crypto.js';
import { leafHash } from '../merkle/index.js';
import type { StoredEvent } from './schema.js';

export const SALT_BYTES = 32;

export interface Commitment {
  /** JCS(event): the exact bytes that are stored and hashed. */
  readonly canonical: string;
  readonly salt: Buffer;
  readonly digest: Buffer;
  readonly leafInput: string;
  readonly leafHash: Buffer;
}

/**
 * JCS({"v":1,"id","tenant","received_at","digest"}), written out directly: the members are
 * already in JCS order and every value is a string or the integer 1, whose JCS form is their
 * JSON.stringify form (prepare.test.ts checks it against canonicalJson).
 */
export function leafInputFor(
  e: Pick<StoredEvent, 'id' | 'tenant' | 'received_at'>,
  digestHex: string,
): string {
  const s = JSON.stringify;
  return `{"digest":${s(digestHex)},"id":${s(e.id)},"received_at":${s(e.received_at)},"tenant":${s(e.tenant)},"v":1}`;
}

export function commit(event: StoredEvent, salt: Buffer): Commitment {
  const canonical = canonicalJson(event);
  return commitCanonical(event, canonical, salt);
}

/** As `commit`, for an event whose canonical form is already at hand (verification). */
export function commitCanonical(
  e: Pick<StoredEvent, 'id' | 'tenant' | 'received_at'>,
  canonical: string,
  salt: Uint8Array,
): Commitment {
  const digest = sha256(salt, canonical);
  const leafInput = leafInputFor(e, digest.toString('hex'));
  return { canonical, salt: Buffer.from(salt), digest, leafInput, leafHash: leafHash(leafInput) };
}
