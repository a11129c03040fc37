/**
 * Expected failures of checkpoint and signed-note handling, as values (CONVENTIONS.md
 * "Errors"). Notes and verifier keys arrive from outside (servers, bundles, witnesses), so
 * nothing here throws on bad input.
 */
import { err } from '../errors.js';

export type CheckpointFailureCode =
  | 'note_too_large' // over MAX_NOTE_BYTES
  | 'too_many_signatures' // over MAX_SIGNATURES
  | 'malformed_note' // not a C2SP signed note
  | 'malformed_key' // not a valid Ed25519 verifier key
  | 'no_signature' // no signature by the verifier key
  | 'invalid_signature' // a signature by the verifier key that does not verify
  | 'malformed_checkpoint' // the body is not a C2SP tlog-checkpoint
  | 'origin_mismatch'; // the checkpoint is for another log

export interface CheckpointFailure {
  readonly code: CheckpointFailureCode;
  readonly message: string;
}

export const failure = (code: CheckpointFailureCode, message: string) =>
  err<CheckpointFailure>({ code, message });
