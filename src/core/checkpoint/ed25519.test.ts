/** The Ed25519 helpers of src/core/crypto.ts that signed notes rely on. */
import { describe, expect, it } from 'vitest';
import {
  ed25519PrivateKeyPemFromSeed,
  ed25519PublicKeyOf,
  ed25519Sign,
  ed25519Verify,
  generateSigningKey,
} from '../crypto.js';

/** RFC 8032 §7.1, TEST 1 (empty message). */
const RFC8032 = {
  secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
  public: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
  signature:
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
};

describe('Ed25519 (crypto.ts)', () => {
  it('reproduces RFC 8032 §7.1 test 1', () => {
    const pem = ed25519PrivateKeyPemFromSeed(Buffer.from(RFC8032.secret, 'hex'));
    const pub = ed25519PublicKeyOf(pem);
    expect(pub.toString('hex')).toBe(RFC8032.public);
    const sig = ed25519Sign(pem, new Uint8Array(0));
    expect(sig.toString('hex')).toBe(RFC8032.signature);
    expect(ed25519Verify(pub, new Uint8Array(0), sig)).toBe(true);
  });

  it('verifies its own signatures and nothing else, without throwing', () => {
    const { privateKeyPem, publicKeyRaw } = generateSigningKey();
    expect(privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(ed25519PublicKeyOf(privateKeyPem)).toEqual(publicKeyRaw);
    const sig = ed25519Sign(privateKeyPem, 'message');
    expect(ed25519Verify(publicKeyRaw, 'message', sig)).toBe(true);
    expect(ed25519Verify(publicKeyRaw, 'massage', sig)).toBe(false);
    expect(ed25519Verify(publicKeyRaw, 'message', sig.subarray(1))).toBe(false);
    expect(ed25519Verify(publicKeyRaw.subarray(1), 'message', sig)).toBe(false);
    expect(ed25519Verify(Buffer.alloc(32, 0xff), 'message', sig)).toBe(false);
    expect(() => ed25519PrivateKeyPemFromSeed(new Uint8Array(31))).toThrow(RangeError);
  });
});
