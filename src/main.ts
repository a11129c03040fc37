/**
 * Composition root (CONVENTIONS.md "Shape"): config → store → services → HTTP app → listen.
 * The only module that picks concrete adapters.
 */
import type { FastifyInstance } from 'fastify';
import { demoEvents } from './app/demo-data.js';
import { ADMIN_TOKEN_SETTING, createServices, type Services } from './app/services.js';
import type { Store } from './app/ports.js';
import type { Config } from './config/config.js';
import { randomBytes } from './core/crypto.js';
import { hashToken } from './app/keys.js';
import { buildApp } from './http/app.js';
import { loadOrCreateSigner } from './storage/signing-key-file.js';
import { openSqliteStore } from './storage/sqlite/sqlite-store.js';

export const VERSION = '0.1.0';

export interface OpenOptions {
  readonly dataDir: string;
  readonly writerThread?: boolean;
}

export function openStore(opts: OpenOptions): Store {
  return openSqliteStore({ dataDir: opts.dataDir, writerThread: opts.writerThread ?? true });
}

/** Services over the data folder, for the CLI's local commands and library users. */
export function openLocal(config: Pick<Config, 'dataDir' | 'originPrefix'> & Partial<Config>, writerThread = false): Services {
  const store = openStore({ dataDir: config.dataDir, writerThread });
  return createServices({
    store,
    signer: loadOrCreateSigner(config.dataDir),
    originPrefix: config.originPrefix,
    ...(config.adminToken === undefined ? {} : { adminToken: config.adminToken }),
  });
}

export interface RunningServer {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly services: Services;
  /** Set when this start generated the admin token: shown once, stored only as a hash. */
  readonly generatedAdminToken?: string;
  readonly demoEvents: number;
  close(): Promise<void>;
}

export async function startServer(config: Config, opts: { demo?: boolean; onError?: (e: unknown) => void } = {}): Promise<RunningServer> {
  const store = openStore({ dataDir: config.dataDir });
  const services = createServices({
    store,
    signer: loadOrCreateSigner(config.dataDir),
    originPrefix: config.originPrefix,
    checkpointIntervalMs: config.checkpointIntervalMs,
    ...(config.adminToken === undefined ? {} : { adminToken: config.adminToken }),
    ...(opts.onError ? { onBackgroundError: opts.onError } : {}),
  });
  let generatedAdminToken: string | undefined;
  if (config.adminToken === undefined && (await store.settings.get(ADMIN_TOKEN_SETTING)) === undefined) {
    const token = `vta_${randomBytes(32).toString('base64url')}`;
    const stored = await store.settings.setIfAbsent(ADMIN_TOKEN_SETTING, hashToken(token).toString('hex'));
    if (stored === hashToken(token).toString('hex')) generatedAdminToken = token;
  }
  let seeded = 0;
  if (opts.demo && (await store.events.head('demo')).size === 0) {
    const events = demoEvents(2000, Date.now());
    for (let i = 0; i < events.length; i += 1000) {
      seeded += (await services.ingest.ingest(events.slice(i, i + 1000), { kind: 'admin' })).length;
    }
    await services.checkpointJob.flush();
  }
  services.checkpointJob.start();
  const app = await buildApp({ services, bodyLimit: config.bodyLimit, logger: config.logRequests, version: VERSION });
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    await services.close();
    throw e;
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `http://${host}:${port}`,
    app,
    services,
    ...(generatedAdminToken ? { generatedAdminToken } : {}),
    demoEvents: seeded,
    async close() {
      await app.close();
      await services.close();
    },
  };
}
