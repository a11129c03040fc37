/**
 * Regression: a first start that failed (port taken, unreadable TLS file) used to store the
 * generated admin token's hash without ever showing the token, locking the owner out.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, serve } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'veritrail-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('serve start-up failures', () => {
  it('a failed first start keeps the admin token for the next start', async () => {
    const data = join(dir, 'data');
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const env = { VERITRAIL_ADMIN_TOKEN: '' };
    const taken = await run(['serve', '--port', String(port), '--data', data], { env });
    blocker.close();
    expect(taken.code).toBe(3);
    expect(taken.stderr).toContain('port is taken');
    expect(taken.stderr).not.toContain('admin token');

    const badTls = await run(
      [
        'serve',
        '--port',
        '0',
        '--data',
        data,
        '--tls-cert',
        join(dir, 'none.pem'),
        '--tls-key',
        join(dir, 'none.pem'),
      ],
      { env },
    );
    expect(badTls.code).toBe(1);
    expect(badTls.stderr).toContain('ENOENT');

    const server = await serve(['--data', data], env);
    try {
      await new Promise((r) => setTimeout(r, 200)); // stderr may trail the stdout line
      const token = /admin token[^\n]*\n\s+(vta_\S+)/.exec(server.stderr())?.[1];
      expect(token).toBeDefined();
      const res = await fetch(`${server.url}/v1/keys`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
