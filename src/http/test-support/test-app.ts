/** Builds an in-process app over a temporary SQLite store for HTTP tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createServices, type Services } from '../../app/services.js';
import { loadOrCreateSigner } from '../../storage/signing-key-file.js';
import { openSqliteStore } from '../../storage/sqlite/sqlite-store.js';
import { buildApp } from '../app.js';

export const ADMIN = 'test-admin-token-0123456789';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly services: Services;
  readonly dir: string;
  close(): Promise<void>;
}

export async function testApp(
  opts: { bodyLimit?: number; rateLimitPerMinute?: number; metricsPublic?: boolean } = {},
): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'veritrail-http-'));
  const services = createServices({
    store: openSqliteStore({ dataDir: dir, writerThread: false }),
    signer: loadOrCreateSigner(dir),
    adminToken: ADMIN,
  });
  const app = await buildApp({
    services,
    rateLimitPerMinute: opts.rateLimitPerMinute ?? 0,
    ...(opts.bodyLimit ? { bodyLimit: opts.bodyLimit } : {}),
    ...(opts.metricsPublic ? { metricsPublic: true } : {}),
  });
  return {
    app,
    services,
    dir,
    async close() {
      await app.close();
      await services.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const auth = (token: string) => ({ authorization: `Bearer ${token}` });
