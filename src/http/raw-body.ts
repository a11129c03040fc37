/**
 * Routes that take foreign bytes rather than our JSON (imports, receivers): the body as a
 * Buffer, gunzipped when sent compressed, with a limit on the decompressed size too (a small
 * gzip body can expand without bound).
 */
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { VeritrailError } from '../core/errors.js';

const gunzipAsync = promisify(gunzip);

/** Limit on a decompressed body (the wire size is limited by the server's bodyLimit). */
export const MAX_DECODED_BYTES = 64 * 1024 * 1024;

/** In an encapsulated plugin: every content type arrives as a Buffer. */
export function acceptRawBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
}

const isGzip = (b: Buffer) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/**
 * The body's bytes, gunzipped when `Content-Encoding: gzip` says so or the bytes start with
 * the gzip magic (a `.gz` file sent as it is). Other encodings are refused with 415.
 */
export async function decodeBody(
  body: unknown,
  contentEncoding: string | undefined,
  maxDecoded = MAX_DECODED_BYTES,
): Promise<Buffer> {
  const buf = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== '') {
    throw new VeritrailError(
      'unsupported_media_type',
      `Content-Encoding "${encoding.slice(0, 40)}" is not supported; send gzip or identity`,
      [{ path: '(headers).content-encoding', message: 'must be gzip or identity' }],
    );
  }
  if (encoding !== 'gzip' && !isGzip(buf)) return buf;
  try {
    // Off the event loop: a large body takes a while to inflate.
    return await gunzipAsync(buf, { maxOutputLength: maxDecoded });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new VeritrailError(
        'payload_too_large',
        `the decompressed body is over ${maxDecoded} bytes`,
        [{ path: '(body)', message: `decompresses to more than ${maxDecoded} bytes` }],
      );
    }
    throw new VeritrailError('validation_failed', 'the body is not valid gzip', [
      { path: '(body)', message: `does not gunzip: ${(e as Error).message}` },
    ]);
  }
}

/** UTF-8 text of a body: a BOM is dropped; invalid bytes become U+FFFD (then fail to parse). */
export function bodyText(buf: Buffer): string {
  const text = buf.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
