/**
 * C2SP tlog-checkpoint note text (c2sp.org/tlog-checkpoint §Note text):
 *   <origin>\n<decimal tree size>\n<base64 RFC 6962 root hash>\n[<extension line>\n]...
 * Parsing is strict because checkpoints are untrusted: no leading zeros, a canonical 32-byte
 * root, non-empty lines only, nothing after the final newline.
 */
import { invalid, ok } from '../errors.js';
import type { Result } from '../errors.js';
import { HASH_SIZE, MAX_TREE_SIZE } from '../merkle/index.js';
import { failure } from './failure.js';
import type { CheckpointFailure } from './failure.js';
import { decodeBase64, isValidNoteText, MAX_NOTE_BYTES } from './text-rules.js';

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Buffer;
  /** Opaque extension lines (NOT RECOMMENDED by the spec); we parse them but emit none. */
  readonly extensions: readonly string[];
}

export interface CheckpointInput {
  readonly origin: string;
  readonly size: number;
  readonly root: Uint8Array;
}

const DECIMAL = /^(?:0|[1-9][0-9]{0,15})$/;

/** The checkpoint body to sign. Throws `validation_failed` on arguments it cannot represent. */
export function formatCheckpoint({ origin, size, root }: CheckpointInput): string {
  if (origin === '' || origin.includes('\n') || !isValidNoteText(origin)) {
    throw invalid('origin', 'must be one non-empty line without control characters');
  }
  if (!Number.isSafeInteger(size) || size < 0)
    throw invalid('size', 'must be an integer in [0, 2^53)');
  if (root.length !== HASH_SIZE) throw invalid('root', 'must be 32 bytes');
  return `${origin}\n${size}\n${Buffer.from(root).toString('base64')}\n`;
}

export function parseCheckpoint(text: string): Result<Checkpoint, CheckpointFailure> {
  const bad = (message: string) => failure('malformed_checkpoint', message);
  if (typeof text !== 'string' || text.length > MAX_NOTE_BYTES) return bad('not a checkpoint text');
  if (!isValidNoteText(text)) return bad('control characters (CR?) or invalid UTF-8');
  if (!text.endsWith('\n')) return bad('must end with a newline');
  const [origin = '', sizeLine = '', rootLine = '', ...extensions] = text.slice(0, -1).split('\n');
  if (origin === '') return bad('origin line is empty');
  if (!DECIMAL.test(sizeLine)) return bad('size must be a decimal integer without leading zeros');
  const size = Number(sizeLine);
  if (size > MAX_TREE_SIZE) return bad('size exceeds 2^53 - 1');
  const root = decodeBase64(rootLine);
  if (root?.length !== HASH_SIZE) return bad('root must be the base64 of 32 bytes');
  if (extensions.some((line) => line === '')) return bad('empty line after the root');
  return ok({ origin, size, root, extensions });
}
