/** `serve --tls-cert/--tls-key` serves HTTPS (self-signed certificate made with openssl). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { opensslAvailable as openssl, selfSignedCert } from '../../src/test-support/self-signed.js';
import { serve } from './helpers.js';

describe.skipIf(!openssl)('HTTPS (skipped: no openssl on this machine)', () => {
  it('serves the API over TLS with the given certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'veritrail-tls-'));
    const { cert, key } = selfSignedCert(dir);
    const server = await serve(
      ['--data', join(dir, 'data'), '--tls-cert', cert, '--tls-key', key],
      { VERITRAIL_ADMIN_TOKEN: 'tls-admin-token-0123456789' },
    );
    try {
      expect(server.url).toMatch(/^https:\/\//);
      const body = await new Promise<string>((resolve, reject) => {
        get(`${server.url}/healthz`, { ca: readFileSync(cert) }, (res) => {
          let b = '';
          res.on('data', (d: Buffer) => (b += d.toString()));
          res.on('end', () => resolve(b));
        }).on('error', reject);
      });
      expect(JSON.parse(body)).toEqual({ status: 'ok', jobs: 'leader' });
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
