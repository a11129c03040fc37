/**
 * Ed25519 note keys (C2SP signed-note §Signatures, "Ed25519 signatures"): the key ID and the
 * verifier key string `<name>+<key id hex>+<base64(0x01 || public key)>` that Go's
 * golang.org/x/mod/sumdb/note and every C2SP tool read.
 */
import { ED25519_PUBLIC_KEY_SIZE, sha256 } from '../crypto.js';
import { invalid, ok } from '../errors.js';
import type { Result } from '../errors.js';
import { failure } from './failure.js';
import type { CheckpointFailure } from './failure.js';
import { decodeBase64, isValidKeyName, MAX_NAME_LENGTH } from './text-rules.js';

/** Signature type byte for Ed25519 (C2SP signed-note §Signature types). */
export const ED25519_TYPE = 0x01;

export interface VerifierKey {
  readonly name: string;
  /** uint32, the first four bytes of SHA-256(name || 0x0A || 0x01 || key), big-endian. */
  readonly keyId: number;
  /** The raw 32-byte Ed25519 public key. */
  readonly publicKey: Buffer;
}

/** key ID = SHA-256(key name || 0x0A || 0x01 || 32-byte Ed25519 public key)[:4], big-endian. */
export function keyId(name: string, publicKeyRaw: Uint8Array): number {
  checkKey(name, publicKeyRaw);
  const digest = sha256(name, '\n', Uint8Array.of(ED25519_TYPE), publicKeyRaw);
  return digest.readUInt32BE(0);
}

export function formatKeyId(id: number): string {
  return id.toString(16).padStart(8, '0');
}

export function makeVerifierKey(name: string, publicKeyRaw: Uint8Array): string {
  const id = formatKeyId(keyId(name, publicKeyRaw));
  const data = Buffer.concat([Uint8Array.of(ED25519_TYPE), publicKeyRaw]).toString('base64');
  return `${name}+${id}+${data}`;
}

/** Parses an untrusted verifier key; the key ID must match the name and key it claims. */
export function parseVerifierKey(text: string): Result<VerifierKey, CheckpointFailure> {
  if (typeof text !== 'string' || text.length > MAX_NAME_LENGTH + 64) {
    return failure('malformed_key', 'verifier key is not a string of sensible length');
  }
  // Names have no '+', base64 may: the key data is everything after the second '+'.
  const first = text.indexOf('+');
  const second = text.indexOf('+', first + 1);
  if (first < 0 || second < 0) return failure('malformed_key', 'expected <name>+<id>+<key>');
  const name = text.slice(0, first);
  const id = text.slice(first + 1, second);
  const keyData = text.slice(second + 1);
  if (!isValidKeyName(name)) return failure('malformed_key', 'invalid key name');
  if (!/^[0-9a-f]{8}$/.test(id))
    return failure('malformed_key', 'key ID must be 8 lowercase hex digits');
  const bytes = decodeBase64(keyData);
  if (bytes?.length !== 1 + ED25519_PUBLIC_KEY_SIZE || bytes[0] !== ED25519_TYPE) {
    return failure('malformed_key', 'key data must be base64 of 0x01 and a 32-byte Ed25519 key');
  }
  const publicKey = Buffer.from(bytes.subarray(1));
  const computed = keyId(name, publicKey);
  if (formatKeyId(computed) !== id)
    return failure('malformed_key', 'key ID does not match the key');
  return ok({ name, keyId: computed, publicKey });
}

function checkKey(name: string, publicKeyRaw: Uint8Array): void {
  if (!isValidKeyName(name)) throw invalid('name', 'must be non-empty, without spaces or "+"');
  if (publicKeyRaw.length !== ED25519_PUBLIC_KEY_SIZE) {
    throw invalid('publicKey', 'must be a 32-byte Ed25519 public key');
  }
}
