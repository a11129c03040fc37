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
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VeritrailError } from './core/errors.js';
import { loadOrCreateSigner } from './storage/signing-key-file.js';
import { DB_FILE, openSqliteStore } from './storage/sqlite/sqlite-store.js';

export const VERSION = '0.1.0';

export interface OpenOptions {
  readonly dataDir: string;
  readonly writerThread?: boolean;
}

export const DEFAULT_ORIGIN_PREFIX = 'localhost/veritrail';
export const ORIGIN_PREFIX_SETTING = 'origin_prefix';

export function openStore(opts: OpenOptions): Store {
  return openSqliteStore({ dataDir: opts.dataDir, writerThread: opts.writerThread ?? true });
}

export function dataExists(dataDir: string): boolean {
  return existsSync(join(dataDir, DB_FILE));
}

/**
 * The origin prefix is part of every signed checkpoint, so it is fixed in the data folder on
 * first start; a later different setting is refused rather than silently breaking `verify`.
 */
async function originPrefixOf(store: Store, configured: string | undefined): Promise<string> {
  const stored = await store.settings.setIfAbsent(
    ORIGIN_PREFIX_SETTING,
    configured ?? DEFAULT_ORIGIN_PREFIX,
  );
  if (configured !== undefined && configured !== stored) {
    throw new VeritrailError(
      'validation_failed',
      `this data folder's logs are signed under origin prefix "${stored}", not "${configured}"; unset VERITRAIL_ORIGIN_PREFIX or use a new data folder`,
      [{ path: 'originPrefix', message: `must be ${stored} for this data folder` }],
    );
  }
  return stored;
}

/**
 * Services over an existing data folder, for the CLI's local commands and library users. It
 * never creates a data folder or a signing key: a typo in --data, or a restored backup without
 * its key, is an error rather than a fresh empty log.
 */
export async function openLocal(
  config: Pick<Config, 'dataDir'> & Partial<Config>,
  writerThread = false,
): Promise<Services> {
  if (!dataExists(config.dataDir)) {
    throw new VeritrailError(
      'not_found',
      `no Veritrail data in ${config.dataDir} (start the server once, or pass --data DIR)`,
    );
  }
  const signer = loadOrCreateSigner(config.dataDir, { create: false });
  const store = openStore({ dataDir: config.dataDir, writerThread });
  try {
    return createServices({
      store,
      signer,
      originPrefix: await originPrefixOf(store, config.originPrefix),
      ...(config.adminToken === undefined ? {} : { adminToken: config.adminToken }),
    });
  } catch (e) {
    await store.close();
    throw e;
  }
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

export async function startServer(
  config: Config,
  opts: { demo?: boolean; onError?: (e: unknown) => void } = {},
): Promise<RunningServer> {
  // Everything that can fail on bad configuration happens before the store is opened.
  const tls =
    config.tlsCert && config.tlsKey
      ? { cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) }
      : undefined;
  const store = openStore({ dataDir: config.dataDir });
  let originPrefix: string;
  try {
    originPrefix = await originPrefixOf(store, config.originPrefix);
  } catch (e) {
    await store.close();
    throw e;
  }
  const services = createServices({
    store,
    signer: loadOrCreateSigner(config.dataDir),
    originPrefix,
    checkpointIntervalMs: config.checkpointIntervalMs,
    ...(config.adminToken === undefined ? {} : { adminToken: config.adminToken }),
    ...(opts.onError ? { onBackgroundError: opts.onError } : {}),
  });
  let app: FastifyInstance;
  let seeded = 0;
  try {
    if (opts.demo && (await store.events.size('demo')) === 0) {
      const events = demoEvents(2000, Date.now());
      for (let i = 0; i < events.length; i += 1000) {
        seeded += (await services.ingest.ingest(events.slice(i, i + 1000), { kind: 'admin' }))
          .length;
      }
      await services.checkpointJob.flush();
    }
    services.checkpointJob.start();
    app = await buildApp({
      services,
      bodyLimit: config.bodyLimit,
      logger: config.logRequests,
      version: VERSION,
      rateLimitPerMinute: config.rateLimit,
      ...(tls ? { tls } : {}),
    });
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    await services.close();
    throw e;
  }
  // Only once the server is up: a start that fails never swallows a token it could not show.
  let generatedAdminToken: string | undefined;
  if (
    config.adminToken === undefined &&
    (await store.settings.get(ADMIN_TOKEN_SETTING)) === undefined
  ) {
    const token = `vta_${randomBytes(32).toString('base64url')}`;
    const hash = hashToken(token).toString('hex');
    if ((await store.settings.setIfAbsent(ADMIN_TOKEN_SETTING, hash)) === hash)
      generatedAdminToken = token;
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `${config.tlsCert ? 'https' : 'http'}://${host}:${port}`,
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
