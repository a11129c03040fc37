// The key ID formula is recomputed here straight from node:crypto, independently of crypto.ts.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateSigningKey } from '../crypto.js';
import { VeritrailError } from '../errors.js';
import { formatKeyId, keyId, makeVerifierKey, parseVerifierKey } from './verifier-key.js';

/** From the golang.org/x/mod/sumdb/note package documentation (BSD-3-Clause). */
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';

const independentKeyId = (name: string, key: Uint8Array) =>
  createHash('sha256')
    .update(Buffer.from(`${name}\n`, 'utf8'))
    .update(Uint8Array.of(0x01))
    .update(key)
    .digest()
    .readUInt32BE(0);

const name = fc.stringMatching(/^[a-z0-9./_-]{1,40}$/);
const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe('Ed25519 note keys (C2SP signed-note)', () => {
  it('reads and rebuilds the Go sumdb/note example key', () => {
    const parsed = parseVerifierKey(GO_VKEY);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.name).toBe('PeterNeumann');
    expect(parsed.value.keyId).toBe(0xc74f20a3);
    expect(independentKeyId('PeterNeumann', parsed.value.publicKey)).toBe(0xc74f20a3);
    expect(makeVerifierKey('PeterNeumann', parsed.value.publicKey)).toBe(GO_VKEY);
  });

  it('key ID = SHA-256(name || 0x0A || 0x01 || key)[:4], big-endian', () => {
    fc.assert(
      fc.property(name, key32, (n, k) => {
        expect(keyId(n, k)).toBe(independentKeyId(n, k));
        const vkey = makeVerifierKey(n, k);
        expect(vkey.split('+')[1]).toBe(formatKeyId(independentKeyId(n, k)));
        const back = parseVerifierKey(vkey);
        expect(back.ok && back.value.publicKey.equals(k) && back.value.name === n).toBe(true);
      }),
    );
    expect(formatKeyId(0x0000beef)).toBe('0000beef');
  });

  it('round-trips a generated key', () => {
    const { publicKeyRaw } = generateSigningKey();
    expect(publicKeyRaw).toHaveLength(32);
    const parsed = parseVerifierKey(makeVerifierKey('example.com/log', publicKeyRaw));
    expect(parsed.ok && parsed.value.publicKey.equals(publicKeyRaw)).toBe(true);
  });

  it.each([
    ['no separators', 'PeterNeumann'],
    ['one separator', 'PeterNeumann+c74f20a3'],
    ['empty name', '+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['space in name', 'Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['wrong key ID', 'PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['upper-case key ID', 'PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['short key ID', 'PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['another name', 'PaulNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['other key type', 'PeterNeumann+c74f20a3+Ahpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['short key', 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10'],
    ['bad base64', 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T!'],
    ['too long', `${'a'.repeat(2000)}+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW`],
  ])('refuses a verifier key with %s', (_why, text) => {
    const parsed = parseVerifierKey(text);
    expect(parsed.ok ? 'ok' : parsed.error.code).toBe('malformed_key');
  });

  it('throws validation_failed when asked to build a key from bad parts', () => {
    expect(() => makeVerifierKey('a+b', new Uint8Array(32))).toThrow(VeritrailError);
    expect(() => makeVerifierKey('a\u00a0b', new Uint8Array(32))).toThrow(VeritrailError);
    expect(() => keyId('ok', new Uint8Array(31))).toThrow(VeritrailError);
  });
});
