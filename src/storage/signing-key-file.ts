/**
 * The checkpoint signing key: an Ed25519 PKCS #8 PEM file in the data folder, created 0600 on
 * first start (ARCHITECTURE §8). The key never leaves this module except as a Signer.
 */
import {
  chmodSync,
  existsSync,
  linkSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Signer } from '../app/ports.js';
import { makeVerifierKey, signNote } from '../core/checkpoint/index.js';
import { ed25519PublicKeyOf, generateSigningKey } from '../core/crypto.js';
import { VeritrailError } from '../core/errors.js';

export const KEY_FILE = 'signing-key.pem';

export function loadOrCreateSigner(dataDir: string, opts: { create?: boolean } = {}): Signer {
  const file = join(dataDir, KEY_FILE);
  let pem: string;
  if (existsSync(file)) {
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    pem = readFileSync(file, 'utf8');
  } else if (opts.create ?? true) {
    pem = generateSigningKey().privateKeyPem;
    // Written aside, then linked into place: link() fails if the name exists, so two processes
    // starting on one folder never see a half-written key, and the second uses the first's.
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(tmp, pem, { mode: 0o600, flag: 'wx' });
    try {
      linkSync(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      pem = readFileSync(file, 'utf8');
    } finally {
      unlinkSync(tmp);
    }
  } else {
    throw new VeritrailError(
      'not_found',
      `no signing key at ${file} (pass --data with the folder that holds signing-key.pem)`,
    );
  }
  return signerFromPem(pem);
}

export function signerFromPem(pem: string): Signer {
  let publicKey: Buffer;
  try {
    publicKey = ed25519PublicKeyOf(pem);
  } catch (e) {
    throw new VeritrailError(
      'unavailable',
      'the signing key file is not an Ed25519 PKCS #8 PEM key',
      [],
      { cause: e },
    );
  }
  return {
    signNote: (body, name) => signNote(body, { name, privateKey: pem }),
    verifierKey: (name) => makeVerifierKey(name, publicKey),
  };
}
