/** Syntax rules and limits shared by signed notes, verifier keys and checkpoints. */

/** Untrusted notes are refused past this many UTF-8 bytes. */
export const MAX_NOTE_BYTES = 1024 * 1024;
/** C2SP signed-note §Format: verifiers SHOULD cap signatures and MUST accept 16. */
export const MAX_SIGNATURES = 100;
/** Our own cap on key names (and so on origins), in UTF-16 code units. */
export const MAX_NAME_LENGTH = 512;

// C2SP signed-note §Format: no ASCII control characters other than newline, valid UTF-8 (in a
// JS string: no lone surrogates, which the `u` flag makes this class match).
const CONTROL = /[\u0000-\u0009\u000b-\u001f]/;
const LONE_SURROGATE = /[\ud800-\udfff]/u;
// Unicode spaces (Go's unicode.IsSpace: \s plus NEL, and every Z category) or '+'.
const NOT_IN_NAME = /[\s\u0085\p{Z}+]/u;

export function isValidNoteText(text: string): boolean {
  return !CONTROL.test(text) && !LONE_SURROGATE.test(text);
}

/** C2SP signed-note §Format: key names are non-empty, without Unicode spaces or '+'. */
export function isValidKeyName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= MAX_NAME_LENGTH &&
    isValidNoteText(name) &&
    !NOT_IN_NAME.test(name)
  );
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Standard base64 (RFC 4648 §4), padded and canonical, else undefined. */
export function decodeBase64(text: string): Buffer | undefined {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}
