/** CLI exit codes, exhaustive over error codes (docs/cli.md lists them). */
import type { ErrorCode } from '../core/errors.js';

export const EXIT = {
  ok: 0,
  /** verify / verify-bundle found tampering, or a command failed for another reason */
  failed: 1,
  usage: 2,
  unavailable: 3,
  auth: 4,
  notFound: 5,
  internal: 70,
} as const;

export function exitCodeOf(code: ErrorCode): number {
  switch (code) {
    case 'verification_failed':
    case 'conflict':
    case 'rate_limited':
      return EXIT.failed;
    case 'validation_failed':
    case 'invalid_query':
    case 'payload_too_large':
    case 'unsupported_media_type':
      return EXIT.usage;
    case 'unavailable':
      return EXIT.unavailable;
    case 'unauthenticated':
    case 'forbidden':
      return EXIT.auth;
    case 'not_found':
      return EXIT.notFound;
    case 'internal':
      return EXIT.internal;
  }
}
