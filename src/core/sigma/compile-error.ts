import type { SigmaErrorCode } from './types.js';

/**
 * Raised while compiling one document and caught by the loader, which turns it into a
 * `SigmaLoadError` value with the line of `path`. It never leaves this module.
 */
export class CompileError extends Error {
  constructor(
    readonly code: SigmaErrorCode,
    readonly path: readonly (string | number)[],
    message: string,
  ) {
    super(message);
  }
}
