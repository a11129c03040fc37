/**
 * Error codes → HTTP statuses, exhaustively (a new code fails to compile until it is mapped).
 * The body is always {"error":{"code","message","details"?}} (docs/errors.md; the docs are
 * checked against this table by errors.test.ts).
 */
import type { FastifyError } from 'fastify';
import { VeritrailError, type ErrorCode, type Issue } from '../core/errors.js';

export function statusOf(code: ErrorCode): number {
  switch (code) {
    case 'validation_failed':
    case 'invalid_query':
      return 400;
    case 'unauthenticated':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'payload_too_large':
      return 413;
    case 'unsupported_media_type':
      return 415;
    case 'verification_failed':
      return 422;
    case 'rate_limited':
      return 429;
    case 'internal':
      return 500;
    case 'unavailable':
      return 503;
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: readonly Issue[] };
}

export function errorBody(e: VeritrailError): ErrorBody {
  return {
    error: {
      code: e.code,
      message: e.message,
      ...(e.details.length ? { details: e.details } : {}),
    },
  };
}

/** Translates framework errors (body parsing, schema validation, limits) into our codes. */
export function fromFramework(e: FastifyError): VeritrailError {
  if (e.validation) {
    const details = e.validation.map((v) => {
      const missing = (v.params as { missingProperty?: string }).missingProperty;
      const extra = (v.params as { additionalProperty?: string }).additionalProperty;
      const path = [
        e.validationContext === 'body' ? '' : '',
        v.instancePath.replace(/^\//, '').replaceAll('/', '.'),
        missing ?? extra ?? '',
      ]
        .filter((s) => s !== '')
        .join('.');
      return {
        path: path || (e.validationContext ?? 'request'),
        message: extra ? 'unknown parameter' : (v.message ?? 'is invalid'),
      };
    });
    return new VeritrailError(
      'validation_failed',
      `invalid ${e.validationContext ?? 'request'}: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`,
      details,
    );
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new VeritrailError('payload_too_large', 'request body is too large', [
        { path: '(body)', message: e.message },
      ]);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new VeritrailError(
        'unsupported_media_type',
        'send JSON with Content-Type: application/json',
        [{ path: '(headers).content-type', message: 'must be application/json' }],
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new VeritrailError('validation_failed', 'request body is empty', [
        { path: '(body)', message: 'must be a JSON object' },
      ]);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new VeritrailError('validation_failed', 'Content-Length does not match the body', [
        { path: '(headers).content-length', message: e.message },
      ]);
  }
  if (e instanceof SyntaxError || e.code === 'FST_ERR_CTP_INVALID_JSON' || e.statusCode === 400) {
    return new VeritrailError('validation_failed', `request body is not valid JSON: ${e.message}`, [
      { path: '(body)', message: 'is not valid JSON' },
    ]);
  }
  return new VeritrailError('internal', 'internal error');
}
