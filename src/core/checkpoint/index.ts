/** C2SP tlog-checkpoint inside a C2SP signed-note, signed with Ed25519. */
export { formatCheckpoint, parseCheckpoint } from './checkpoint.js';
export type { Checkpoint, CheckpointInput } from './checkpoint.js';
export type { CheckpointFailure, CheckpointFailureCode } from './failure.js';
export { parseNote, signNote, verifyNote } from './signed-note.js';
export type { Note, NoteSignature, NoteSigner, VerifiedNote } from './signed-note.js';
export { MAX_NAME_LENGTH, MAX_NOTE_BYTES, MAX_SIGNATURES, isValidKeyName } from './text-rules.js';
export { verifyCheckpoint } from './verify-checkpoint.js';
export type { VerifiedCheckpoint } from './verify-checkpoint.js';
export {
  ED25519_TYPE,
  formatKeyId,
  keyId,
  makeVerifierKey,
  parseVerifierKey,
} from './verifier-key.js';
export type { VerifierKey } from './verifier-key.js';
