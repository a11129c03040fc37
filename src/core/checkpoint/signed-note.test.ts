import { describe, expect, it } from 'vitest';
import { ed25519PrivateKeyPemFromSeed, generateSigningKey } from '../crypto.js';
import { VeritrailError } from '../errors.js';
import { parseNote, signNote, verifyNote } from './signed-note.js';
import { MAX_NOTE_BYTES } from './text-rules.js';
import { makeVerifierKey, parseVerifierKey } from './verifier-key.js';

/**
 * The example note of the golang.org/x/mod/sumdb/note package documentation (BSD-3-Clause):
 * its signer key `PRIVATE+KEY+PeterNeumann+c74f20a3+AYEK…` carries the Ed25519 seed after the
 * 0x01 type byte, and Ed25519 (RFC 8032) is deterministic, so signing must give these bytes.
 */
const GO = {
  seed: Buffer.from('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'base64').subarray(1),
  vkey: 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
  text: "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n",
  sig: '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n',
};
const GO_NOTE = `${GO.text}\n${GO.sig}`;

const alice = { name: 'example.com/alice', ...generateSigningKey() };
const bob = { name: 'example.com/bob', ...generateSigningKey() };
const signer = (k: typeof alice) => ({ name: k.name, privateKey: k.privateKeyPem });
const vkey = (k: typeof alice) => makeVerifierKey(k.name, k.publicKeyRaw);
const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error?.code);

describe('C2SP signed-note', () => {
  it('reproduces and verifies the Go sumdb/note example byte for byte', () => {
    const privateKey = ed25519PrivateKeyPemFromSeed(GO.seed);
    expect(signNote(GO.text, { name: 'PeterNeumann', privateKey })).toBe(GO_NOTE);
    const verified = verifyNote(GO_NOTE, GO.vkey);
    expect(verified.ok && verified.value.body).toBe(GO.text);
    expect(verifyNote(Buffer.from(GO_NOTE, 'utf8'), GO.vkey).ok).toBe(true);
  });

  it('round-trips bodies with several signers; unknown signatures are ignored', () => {
    const body = 'line one\n\nline three after an empty line\n';
    const note = signNote(body, [signer(alice), signer(bob)]);
    for (const k of [alice, bob]) {
      const r = verifyNote(note, vkey(k));
      expect(r.ok && r.value.body === body && r.value.verifiedBy.name === k.name).toBe(true);
    }
    const parsed = parseNote(note);
    expect(parsed.ok && parsed.value.signatures.map((s) => s.name)).toEqual([alice.name, bob.name]);
    expect(code(verifyNote(signNote(body, signer(bob)), vkey(alice)))).toBe('no_signature');
  });

  it('fails on a tampered body or signature, or the wrong key', () => {
    const note = signNote('hello\n', signer(alice));
    expect(code(verifyNote(note.replace('hello', 'hellO'), vkey(alice)))).toBe('invalid_signature');
    const sigAt = note.lastIndexOf(' ') + 20; // inside the signature, past the key ID
    const flipped =
      note.slice(0, sigAt) + (note[sigAt] === 'A' ? 'B' : 'A') + note.slice(sigAt + 1);
    expect(code(verifyNote(flipped, vkey(alice)))).toBe('invalid_signature');
    // Same name, another key: another key ID, so alice's line is not "by" this key.
    const impostor = makeVerifierKey(alice.name, bob.publicKeyRaw);
    expect(code(verifyNote(note, impostor))).toBe('no_signature');
    // Same name and key ID but another public key (a colliding ID): must fail, not pass.
    const real = parseVerifierKey(vkey(alice));
    if (!real.ok) throw new Error('unreachable');
    const collided = { ...real.value, publicKey: bob.publicKeyRaw };
    expect(code(verifyNote(note, collided))).toBe('invalid_signature');
    expect(code(verifyNote(note, 'not a key'))).toBe('malformed_key');
  });

  it('rejects the whole note when one of two signatures by the known key is bad', () => {
    const note = signNote('x\n', signer(alice));
    const line = note.split('\n\n')[1] ?? '';
    const bogus = line.replace(/.{8}\n$/, 'AAAAAAA=\n');
    expect(code(verifyNote(`${note}${bogus}`, vkey(alice)))).toBe('invalid_signature');
  });

  const good = signNote('body\n', signer(alice));
  const [goodBody = '', goodSig = ''] = good.split('\n\n');
  it.each([
    ['no blank line', `${goodBody}\n${goodSig}`],
    ['CRLF line endings', good.replaceAll('\n', '\r\n')],
    ['no final newline', good.slice(0, -1)],
    ['no signatures', `${goodBody}\n\n`],
    ['a trailing blank line', `${good}\n`],
    ['a hyphen instead of an em dash', good.replace('—', '-')],
    ['no space after the name', good.replace(`${alice.name} `, alice.name)],
    ['bad base64', good.replace(/=\n$/, '!\n')],
    ['unpadded base64', good.replace(/=\n$/, '\n')],
    ['a signature shorter than 5 bytes', `${goodBody}\n\n— ${alice.name} AAAAAA==\n`],
    ['a name with a plus', good.replace(alice.name, 'a+b')],
    ['a tab', good.replace('body', 'bo\tdy')],
    ['a lone surrogate', good.replace('body', 'bo\ud800dy')],
  ])('refuses a note with %s', (_why, text) => {
    expect(code(parseNote(text))).toBe('malformed_note');
    expect(verifyNote(text, vkey(alice)).ok).toBe(false);
  });

  it('refuses invalid UTF-8 and keeps a byte-order mark as signed text', () => {
    const bytes = Buffer.from(good, 'utf8');
    expect(code(parseNote(Buffer.concat([Buffer.from([0xff]), bytes])))).toBe('malformed_note');
    const withBom = signNote('\ufeffbody\n', signer(alice));
    expect(verifyNote(Buffer.from(withBom, 'utf8'), vkey(alice)).ok).toBe(true);
  });

  it('enforces the size and signature-count limits on untrusted notes', () => {
    const many = `${goodBody}\n\n${`${goodSig.trimEnd()}\n`.repeat(101)}`;
    expect(code(parseNote(many))).toBe('too_many_signatures');
    const huge = `${'a'.repeat(MAX_NOTE_BYTES)}\n\n${goodSig}`;
    expect(code(parseNote(huge))).toBe('note_too_large');
    expect(code(parseNote(Buffer.from(huge)))).toBe('note_too_large');
    const wide = `${'é'.repeat(MAX_NOTE_BYTES / 2)}\n\n${goodSig}`; // fewer chars than bytes
    expect(code(parseNote(wide))).toBe('note_too_large');
  });

  it('refuses to sign what it would refuse to read', () => {
    const k = signer(alice);
    for (const body of ['', 'no newline', 'cr\r\n', 'nul\u0000\n']) {
      expect(() => signNote(body, k)).toThrow(VeritrailError);
    }
    expect(() => signNote('x\n', { ...k, name: 'two words' })).toThrow(VeritrailError);
    expect(() => signNote('x\n', [])).toThrow(VeritrailError);
  });
});
