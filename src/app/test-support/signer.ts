/** A checkpoint signer over a fresh Ed25519 key, for tests of the use cases (no key file). */
import { makeVerifierKey, signNote } from '../../core/checkpoint/index.js';
import { ed25519PublicKeyOf, generateSigningKey } from '../../core/crypto.js';
import type { Signer } from '../ports.js';

export function testSigner(): Signer {
  const pem = generateSigningKey().privateKeyPem;
  const publicKey = ed25519PublicKeyOf(pem);
  return {
    signNote: (body, name) => signNote(body, { name, privateKey: pem }),
    verifierKey: (name) => makeVerifierKey(name, publicKey),
  };
}
