/**
 * C2SP signed-note (c2sp.org/signed-note): a text ending in a newline, a blank line, then one
 * or more lines `— <key name> <base64(key ID || signature)>`. The signed message is the text
 * including its final newline but not the separating blank line. Notes are untrusted input:
 * parsing enforces the spec's syntax plus our size and signature-count limits.
 */
import { ed25519PublicKeyOf, ed25519Sign, ed25519Verify } from '../crypto.js';
import type { KeyObject } from '../crypto.js';
import { invalid, ok } from '../errors.js';
import type { Result } from '../errors.js';
import { failure } from './failure.js';
import type { CheckpointFailure } from './failure.js';
import {
  decodeBase64,
  isValidKeyName,
  isValidNoteText,
  MAX_NOTE_BYTES,
  MAX_SIGNATURES,
} from './text-rules.js';
import { keyId, parseVerifierKey } from './verifier-key.js';
import type { VerifierKey } from './verifier-key.js';

/** U+2014 EM DASH and a space open every signature line. */
const SIG_PREFIX = '\u2014 ';

export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  /** The signature bytes after the 4-byte key ID. */
  readonly signature: Buffer;
}

export interface Note {
  /** The signed text, ending in a newline. */
  readonly body: string;
  readonly signatures: readonly NoteSignature[];
}

export interface VerifiedNote extends Note {
  /** The key whose signature verified. */
  readonly verifiedBy: VerifierKey;
}

export interface NoteSigner {
  readonly name: string;
  /** PKCS #8 PEM or KeyObject of an Ed25519 private key. */
  readonly privateKey: string | KeyObject;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Splits and checks a note's syntax; verifies nothing. */
export function parseNote(input: string | Uint8Array): Result<Note, CheckpointFailure> {
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size > MAX_NOTE_BYTES)
    return failure('note_too_large', `note exceeds ${MAX_NOTE_BYTES} bytes`);
  let text: string;
  try {
    text = typeof input === 'string' ? input : utf8.decode(input);
  } catch {
    return failure('malformed_note', 'note is not valid UTF-8');
  }
  if (Buffer.byteLength(text, 'utf8') > MAX_NOTE_BYTES) {
    return failure('note_too_large', `note exceeds ${MAX_NOTE_BYTES} bytes`);
  }
  if (!isValidNoteText(text)) {
    return failure('malformed_note', 'note has control characters (CR?) or invalid UTF-8');
  }
  // The text is separated from the signatures by the last empty line (C2SP signed-note §Format).
  const split = text.lastIndexOf('\n\n');
  if (split < 0) return failure('malformed_note', 'no blank line before the signatures');
  const body = text.slice(0, split + 1);
  const block = text.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) {
    return failure(
      'malformed_note',
      'signature lines must follow the blank line, ending in newline',
    );
  }
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) {
    return failure('too_many_signatures', `more than ${MAX_SIGNATURES} signatures`);
  }
  const signatures: NoteSignature[] = [];
  for (const line of lines) {
    const sig = parseSignatureLine(line);
    if (sig === undefined)
      return failure('malformed_note', `bad signature line: ${line.slice(0, 80)}`);
    signatures.push(sig);
  }
  return ok({ body, signatures });
}

function parseSignatureLine(line: string): NoteSignature | undefined {
  if (!line.startsWith(SIG_PREFIX)) return undefined;
  const rest = line.slice(SIG_PREFIX.length);
  const space = rest.indexOf(' ');
  if (space < 0) return undefined;
  const name = rest.slice(0, space);
  const bytes = decodeBase64(rest.slice(space + 1));
  if (!isValidKeyName(name) || bytes === undefined || bytes.length < 5) return undefined;
  return { name, keyId: bytes.readUInt32BE(0), signature: Buffer.from(bytes.subarray(4)) };
}

/**
 * Verifies the note against one trusted key. Signatures by other keys (another name or key ID)
 * are ignored; a signature by this key that fails rejects the whole note (C2SP signed-note
 * §Signatures: "clients SHOULD reject the whole note"); none at all is a failure too.
 */
export function verifyNote(
  text: string | Uint8Array,
  verifierKey: string | VerifierKey,
): Result<VerifiedNote, CheckpointFailure> {
  const key = typeof verifierKey === 'string' ? parseVerifierKey(verifierKey) : ok(verifierKey);
  if (!key.ok) return key;
  const note = parseNote(text);
  if (!note.ok) return note;
  const { name, keyId: id, publicKey } = key.value;
  const mine = note.value.signatures.filter((s) => s.name === name && s.keyId === id);
  if (mine.length === 0) return failure('no_signature', `no signature by ${name}`);
  const message = Buffer.from(note.value.body, 'utf8');
  if (!mine.every((s) => ed25519Verify(publicKey, message, s.signature))) {
    return failure('invalid_signature', `signature by ${name} does not verify`);
  }
  return ok({ ...note.value, verifiedBy: key.value });
}

/** Signs `body` (the note text, ending in a newline) with one or more Ed25519 keys. */
export function signNote(body: string, signers: NoteSigner | readonly NoteSigner[]): string {
  checkBody(body);
  const list = isSignerList(signers) ? signers : [signers];
  if (list.length === 0 || list.length > MAX_SIGNATURES) {
    throw invalid('signers', `must be 1 to ${MAX_SIGNATURES} signers`);
  }
  const message = Buffer.from(body, 'utf8');
  const lines = list.map(({ name, privateKey }) => {
    const id = Buffer.alloc(4);
    id.writeUInt32BE(keyId(name, ed25519PublicKeyOf(privateKey)));
    const sig = ed25519Sign(privateKey, message);
    return `${SIG_PREFIX}${name} ${Buffer.concat([id, sig]).toString('base64')}\n`;
  });
  const note = `${body}\n${lines.join('')}`;
  // What we emit must pass our own (and every verifier's) limits.
  if (Buffer.byteLength(note, 'utf8') > MAX_NOTE_BYTES) throw invalid('body', 'is too large');
  return note;
}

const isSignerList = (s: NoteSigner | readonly NoteSigner[]): s is readonly NoteSigner[] =>
  Array.isArray(s);

function checkBody(body: string): void {
  if (typeof body !== 'string' || body === '' || !body.endsWith('\n')) {
    throw invalid('body', 'must be non-empty text ending in a newline');
  }
  if (!isValidNoteText(body)) throw invalid('body', 'must not contain control characters');
}
