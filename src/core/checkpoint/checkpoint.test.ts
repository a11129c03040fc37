import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ed25519PrivateKeyPemFromSeed, ed25519PublicKeyOf, generateSigningKey } from '../crypto.js';
import { VeritrailError } from '../errors.js';
import { EMPTY_ROOT, MAX_TREE_SIZE } from '../merkle/index.js';
import { formatCheckpoint, parseCheckpoint } from './checkpoint.js';
import { signNote } from './signed-note.js';
import { verifyCheckpoint } from './verify-checkpoint.js';
import { makeVerifierKey } from './verifier-key.js';

/**
 * Golden vector built by hand, outside this code: seed 0x00..0x1f (public key 03a107bf…31b8),
 * key ID c660bcbb = SHA-256("example.com/veritrail-test\n" || 0x01 || key)[:4], body = the RFC
 * 6962 reference tree at size 8 (root 5dc9da79…4328), signed with node:crypto's Ed25519 directly.
 */
const GOLDEN = {
  seed: Buffer.from(Array.from({ length: 32 }, (_, i) => i)),
  origin: 'example.com/veritrail-test',
  publicKey: '03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8',
  vkey: 'example.com/veritrail-test+c660bcbb+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4',
  root: '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
  note:
    'example.com/veritrail-test\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n' +
    '— example.com/veritrail-test xmC8uwjpI/GoO9VgA+8IKcXt9hT3Nf5eGmWw1gbsnW/08yPD5p6loLGaaCxpguSDE+Y85upeXSYCU/hzMvOgaZURvAI=\n',
};

const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error?.code);
const key = { name: 'example.com/log', ...generateSigningKey() };
const vkey = makeVerifierKey(key.name, key.publicKeyRaw);
const sign = (body: string) => signNote(body, { name: key.name, privateKey: key.privateKeyPem });

describe('C2SP tlog-checkpoint', () => {
  it('matches the hand-built golden checkpoint', () => {
    const privateKey = ed25519PrivateKeyPemFromSeed(GOLDEN.seed);
    expect(ed25519PublicKeyOf(privateKey).toString('hex')).toBe(GOLDEN.publicKey);
    expect(makeVerifierKey(GOLDEN.origin, Buffer.from(GOLDEN.publicKey, 'hex'))).toBe(GOLDEN.vkey);
    const body = formatCheckpoint({
      origin: GOLDEN.origin,
      size: 8,
      root: Buffer.from(GOLDEN.root, 'hex'),
    });
    expect(signNote(body, { name: GOLDEN.origin, privateKey })).toBe(GOLDEN.note);
    const r = verifyCheckpoint(GOLDEN.note, GOLDEN.vkey);
    expect(r.ok && r.value.checkpoint).toEqual({
      origin: GOLDEN.origin,
      size: 8,
      root: Buffer.from(GOLDEN.root, 'hex'),
      extensions: [],
    });
  });

  it('round-trips any size up to 2^53 - 1 and any root', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_TREE_SIZE }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (size, root) => {
          const body = formatCheckpoint({ origin: key.name, size, root });
          const parsed = parseCheckpoint(body);
          expect(parsed.ok && parsed.value).toEqual({
            origin: key.name,
            size,
            root: Buffer.from(root),
            extensions: [],
          });
        },
      ),
    );
    const r = verifyCheckpoint(
      sign(formatCheckpoint({ origin: key.name, size: 2 ** 40 + 123, root: EMPTY_ROOT })),
      vkey,
    );
    expect(r.ok && r.value.checkpoint.size).toBe(2 ** 40 + 123);
  });

  it('fails when the size, root or signature is tampered with', () => {
    const note = sign(formatCheckpoint({ origin: key.name, size: 1234, root: EMPTY_ROOT }));
    expect(code(verifyCheckpoint(note, vkey))).toBe('ok');
    expect(code(verifyCheckpoint(note.replace('\n1234\n', '\n1235\n'), vkey))).toBe(
      'invalid_signature',
    );
    const otherRoot = Buffer.from(EMPTY_ROOT).fill(1, 0, 1).toString('base64');
    expect(
      code(verifyCheckpoint(note.replace(EMPTY_ROOT.toString('base64'), otherRoot), vkey)),
    ).toBe('invalid_signature');
    const at = note.lastIndexOf(' ') + 30;
    const badSig = note.slice(0, at) + (note[at] === 'Q' ? 'R' : 'Q') + note.slice(at + 1);
    expect(code(verifyCheckpoint(badSig, vkey))).toBe('invalid_signature');
    expect(code(verifyCheckpoint(note, GOLDEN.vkey))).toBe('no_signature');
  });

  it('checks the origin against the key name, or the origin asked for', () => {
    const note = sign(formatCheckpoint({ origin: 'example.com/other', size: 1, root: EMPTY_ROOT }));
    expect(code(verifyCheckpoint(note, vkey))).toBe('origin_mismatch');
    expect(code(verifyCheckpoint(note, vkey, { origin: 'example.com/other' }))).toBe('ok');
    expect(code(verifyCheckpoint(sign('not\na\ncheckpoint\n'), vkey))).toBe('malformed_checkpoint');
  });

  it('parses extension lines but emits none', () => {
    const body = `${key.name}\n0\n${EMPTY_ROOT.toString('base64')}\next one\next two\n`;
    const parsed = parseCheckpoint(body);
    expect(parsed.ok && parsed.value.extensions).toEqual(['ext one', 'ext two']);
    expect(
      formatCheckpoint({ origin: key.name, size: 0, root: EMPTY_ROOT }).split('\n'),
    ).toHaveLength(4);
  });

  const root = EMPTY_ROOT.toString('base64');
  it.each([
    ['an empty origin', `\n1\n${root}\n`],
    ['a leading zero', `o\n01\n${root}\n`],
    ['a sign', `o\n+1\n${root}\n`],
    ['a negative size', `o\n-1\n${root}\n`],
    ['an exponent', `o\n1e3\n${root}\n`],
    ['a size of 2^53', `o\n9007199254740992\n${root}\n`],
    ['a 20-digit size', `o\n18446744073709551615\n${root}\n`],
    ['a 31-byte root', `o\n1\n${EMPTY_ROOT.subarray(1).toString('base64')}\n`],
    ['a non-canonical root', `o\n1\n${root.slice(0, -2)}V=\n`],
    ['unpadded root', `o\n1\n${root.slice(0, -1)}\n`],
    ['no root', 'o\n1\n'],
    ['no final newline', `o\n1\n${root}`],
    ['an empty extension line', `o\n1\n${root}\n\n`],
    ['CRLF', `o\r\n1\r\n${root}\r\n`],
    ['trailing garbage', `o\n1\n${root}\ngarbage`],
  ])('refuses a checkpoint with %s', (_why, text) => {
    expect(code(parseCheckpoint(text))).toBe('malformed_checkpoint');
  });

  it('refuses to format what it cannot represent', () => {
    const fields = (fn: () => unknown) => {
      try {
        fn();
        return 'no error';
      } catch (e) {
        expect(e).toBeInstanceOf(VeritrailError);
        return (e as VeritrailError).details[0]?.path;
      }
    };
    expect(fields(() => formatCheckpoint({ origin: '', size: 1, root: EMPTY_ROOT }))).toBe(
      'origin',
    );
    expect(fields(() => formatCheckpoint({ origin: 'a\nb', size: 1, root: EMPTY_ROOT }))).toBe(
      'origin',
    );
    expect(fields(() => formatCheckpoint({ origin: 'o', size: -1, root: EMPTY_ROOT }))).toBe(
      'size',
    );
    expect(fields(() => formatCheckpoint({ origin: 'o', size: 2 ** 53, root: EMPTY_ROOT }))).toBe(
      'size',
    );
    expect(fields(() => formatCheckpoint({ origin: 'o', size: 1, root: new Uint8Array(31) }))).toBe(
      'root',
    );
  });
});
