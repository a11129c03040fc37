/**
 * The only module that touches node:crypto (CONVENTIONS.md "Shape"). Everything here is a pure
 * function of its inputs except `randomBytes`, which the ingest use case calls for salts, and
 * `generateSigningKey`, which draws a fresh key.
 */
import {
  createHash,
  createHmac,
  timingSafeEqual,
  hash as oneShot,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes as nodeRandomBytes,
  sign as nodeSign,
  verify as nodeVerify,
  type KeyObject,
} from 'node:crypto';

export type { KeyObject };

/** SHA-256 over the concatenation of `parts` (no copy of the parts is made). */
export function sha256(...parts: readonly (Uint8Array | string)[]): Buffer {
  // One-shot hashing skips the Hash object: ~35% faster for the small inputs of the tree.
  if (parts.length === 1) return oneShot('sha256', parts[0]!, 'buffer');
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

export function randomBytes(n: number): Buffer {
  return nodeRandomBytes(n);
}

// --- Ed25519 (RFC 8032), used for C2SP signed-note checkpoints -------------------------------

/** DER prefixes that wrap a raw Ed25519 key (RFC 8410 §4, §7: SubjectPublicKeyInfo, PKCS #8). */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export const ED25519_PUBLIC_KEY_SIZE = 32;
export const ED25519_SIGNATURE_SIZE = 64;

export interface SigningKey {
  /** PKCS #8 PEM; a secret: never log it. */
  readonly privateKeyPem: string;
  /** The 32-byte RFC 8032 public key. */
  readonly publicKeyRaw: Buffer;
}

export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKeyRaw: rawPublicKey(publicKey),
  };
}

/** PKCS #8 PEM for the RFC 8032 32-byte private seed (e.g. from a Go `note` signer key). */
export function ed25519PrivateKeyPemFromSeed(seed: Uint8Array): string {
  if (seed.length !== 32) throw new RangeError('an Ed25519 seed is 32 bytes');
  const der = Buffer.concat([ED25519_PKCS8_PREFIX, seed]);
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
    .export({ format: 'pem', type: 'pkcs8' })
    .toString();
}

/** The raw 32-byte public key of an Ed25519 private key (PEM or KeyObject). */
export function ed25519PublicKeyOf(privateKey: string | KeyObject): Buffer {
  return rawPublicKey(createPublicKey(privateKey));
}

export function ed25519Sign(privateKey: string | KeyObject, msg: Uint8Array | string): Buffer {
  const data = typeof msg === 'string' ? Buffer.from(msg, 'utf8') : msg;
  return nodeSign(null, data, privateKey);
}

/** False (never a throw) for a wrong-sized or malformed key or signature: inputs are untrusted. */
export function ed25519Verify(
  publicKeyRaw: Uint8Array,
  msg: Uint8Array | string,
  signature: Uint8Array,
): boolean {
  if (publicKeyRaw.length !== ED25519_PUBLIC_KEY_SIZE) return false;
  if (signature.length !== ED25519_SIGNATURE_SIZE) return false;
  const data = typeof msg === 'string' ? Buffer.from(msg, 'utf8') : msg;
  try {
    const key = createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, publicKeyRaw]),
      format: 'der',
      type: 'spki',
    });
    return nodeVerify(null, data, key, signature);
  } catch {
    return false;
  }
}

function rawPublicKey(key: KeyObject): Buffer {
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError('not an Ed25519 key');
  const der = key.export({ format: 'der', type: 'spki' });
  return Buffer.from(der.subarray(der.length - ED25519_PUBLIC_KEY_SIZE));
}

/** HMAC-SHA256 (RFC 2104), hex: outbound webhook signatures (docs/outbound.md). */
export function hmacSha256Hex(key: string | Uint8Array, msg: string | Uint8Array): string {
  return createHmac('sha256', key).update(msg).digest('hex');
}

/** Constant-time equality of two strings (receivers checking a signature). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
