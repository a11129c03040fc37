/** `serve --tls-cert/--tls-key` serves HTTPS (self-signed certificate made with openssl). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serve } from './helpers.js';

const openssl = (() => {
  try {
    execFileSync('openssl', ['version']);
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!openssl)('HTTPS (skipped: no openssl on this machine)', () => {
  it('serves the API over TLS with the given certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'veritrail-tls-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
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
