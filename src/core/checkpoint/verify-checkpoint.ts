/**
 * A signed checkpoint, end to end: the C2SP signed note verifies under the log's key, its text
 * is a well-formed C2SP tlog-checkpoint, and its origin is the expected log (by default the key
 * name: c2sp.org/tlog-checkpoint §Signatures, "the key name SHOULD match the origin line", which
 * Veritrail makes a rule so one log's checkpoint cannot pass for another's).
 */
import { ok } from '../errors.js';
import type { Result } from '../errors.js';
import { parseCheckpoint } from './checkpoint.js';
import type { Checkpoint } from './checkpoint.js';
import { failure } from './failure.js';
import type { CheckpointFailure } from './failure.js';
import { verifyNote } from './signed-note.js';
import type { VerifiedNote } from './signed-note.js';
import type { VerifierKey } from './verifier-key.js';

export interface VerifiedCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly note: VerifiedNote;
}

export function verifyCheckpoint(
  text: string | Uint8Array,
  verifierKey: string | VerifierKey,
  options: { readonly origin?: string } = {},
): Result<VerifiedCheckpoint, CheckpointFailure> {
  const note = verifyNote(text, verifierKey);
  if (!note.ok) return note;
  const checkpoint = parseCheckpoint(note.value.body);
  if (!checkpoint.ok) return checkpoint;
  const origin = options.origin ?? note.value.verifiedBy.name;
  if (checkpoint.value.origin !== origin) {
    return failure('origin_mismatch', `checkpoint origin is not ${origin}`);
  }
  return ok({ checkpoint: checkpoint.value, note: note.value });
}
