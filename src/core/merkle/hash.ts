/**
 * RFC 9162 §2.1.1 hashing with SHA-256: domain-separated leaf and interior hashes, so that a
 * leaf can never be passed off as an interior node (second-preimage resistance, §2.1.1 note).
 */
import { sha256 } from '../crypto.js';

/** Every hash in the tree is a SHA-256 digest. */
export const HASH_SIZE = 32;

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

/** MTH({}) = SHA-256() (RFC 9162 §2.1.1). Shared: callers must not mutate it. */
export const EMPTY_ROOT: Buffer = sha256();

/** MTH({d(0)}) = SHA-256(0x00 || d(0)). A string is hashed as its UTF-8 bytes. */
export function leafHash(leafInput: Uint8Array | string): Buffer {
  // For a string, prefixing U+0000 is prefixing the byte 0x00 to its UTF-8 encoding.
  return typeof leafInput === 'string'
    ? sha256(`\u0000${leafInput}`)
    : sha256(LEAF_PREFIX, leafInput);
}

/** SHA-256(0x01 || left || right) for two child hashes. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return sha256(Buffer.concat([NODE_PREFIX, left, right], 1 + left.length + right.length));
}

export function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_SIZE;
}
