/**
 * Composition root (CONVENTIONS.md "Shape"): config → store → services → HTTP app → listen.
 * The only module that picks concrete adapters.
 */
import type { FastifyInstance } from 'fastify';
import { demoEvents } from './app/demo-data.js';
import { ADMIN_TOKEN_SETTING, createServices, type Services } from './app/services.js';
import type { Signer, Store } from './app/ports.js';
import type { Config } from './config/config.js';
import { randomBytes } from './core/crypto.js';
import { hashToken } from './app/keys.js';
import { buildApp } from './http/app.js';
import { destinationFactory } from './outbound/destinations.js';
import { ReportFolderSink } from './outbound/report-folder.js';
import { reportNotifier } from './outbound/report-notifier.js';
import { loadReportSchedules, ReportSchedulesJob } from './app/report-schedules.js';
import type { ReportSchedule } from './core/report/schedule.js';
import { loadDetector } from './rule-files.js';
import { openGeoLookup } from './geo/index.js';
import { startSyslogReceiver, type SyslogReceiver } from './receivers/syslog.js';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VeritrailError } from './core/errors.js';
import { KEY_FILE, loadOrCreateSigner } from './storage/signing-key-file.js';
import { openPostgresStore } from './storage/postgres/pg-store.js';
import { redactDatabaseUrl } from './storage/postgres/connect.js';

export { redactDatabaseUrl };
import { DB_FILE, openSqliteStore } from './storage/sqlite/sqlite-store.js';

export const VERSION = '0.1.0';

export interface OpenOptions {
  readonly dataDir: string;
  /** PostgreSQL instead of SQLite in dataDir. */
  readonly databaseUrl?: string | undefined;
  readonly writerThread?: boolean;
  /** PostgreSQL: apply pending migrations (default true); otherwise the schema must be current. */
  readonly migrate?: boolean;
  /** PostgreSQL: take part in job leadership and notifications (default true; not for CLI commands). */
  readonly coordinate?: boolean;
}

export const DEFAULT_ORIGIN_PREFIX = 'localhost/veritrail';
export const ORIGIN_PREFIX_SETTING = 'origin_prefix';

export async function openStore(opts: OpenOptions): Promise<Store> {
  if (opts.databaseUrl !== undefined)
    return openPostgresStore({
      url: opts.databaseUrl,
      migrate: opts.migrate ?? true,
      coordinate: opts.coordinate ?? true,
    });
  return openSqliteStore({ dataDir: opts.dataDir, writerThread: opts.writerThread ?? true });
}

export function dataExists(dataDir: string): boolean {
  return existsSync(join(dataDir, DB_FILE));
}

/** `veritrail migrate`: pending migrations, then the grants for a separate server role. */
export async function migrateDatabase(
  url: string,
  grant?: string,
): Promise<{ schema: string; from: number; to: number; granted?: string }> {
  const store = await openPostgresStore({ url, migrate: true, coordinate: false });
  try {
    if (grant !== undefined) await store.grant(grant);
    return {
      schema: store.target.schema,
      from: store.migrated?.from ?? 0,
      to: store.migrated?.to ?? 0,
      ...(grant === undefined ? {} : { granted: grant }),
    };
  } finally {
    await store.close();
  }
}

export const SIGNING_KEY_SETTING = 'signing_key';

/**
 * Every process on one database must sign with the same key, or `verify` would reject the
 * checkpoints of all but one. The first start records the public key; a process whose key
 * file holds another key refuses to start (copy the key file from the first node instead).
 */
async function pinSigningKey(
  store: Store,
  signer: Signer,
  dataDir: string,
  record: boolean,
): Promise<void> {
  const mine = signer.verifierKey('veritrail');
  const stored = record
    ? await store.settings.setIfAbsent(SIGNING_KEY_SETTING, mine)
    : ((await store.settings.get(SIGNING_KEY_SETTING)) ?? mine);
  if (stored !== mine) {
    throw new VeritrailError(
      'validation_failed',
      `the signing key in ${join(dataDir, KEY_FILE)} is not the key this database's checkpoints are signed with (${stored}); copy signing-key.pem from a node already serving this database`,
      [{ path: 'dataDir', message: 'holds a different signing key' }],
    );
  }
}

/**
 * The origin prefix is part of every signed checkpoint, so it is fixed in the store on first
 * start; a later different setting is refused rather than silently breaking `verify`. Local
 * commands only read it (`record` false): an auditor's read-only role can run `verify`.
 */
async function originPrefixOf(
  store: Store,
  configured: string | undefined,
  record: boolean,
): Promise<string> {
  const wanted = configured ?? DEFAULT_ORIGIN_PREFIX;
  const stored = record
    ? await store.settings.setIfAbsent(ORIGIN_PREFIX_SETTING, wanted)
    : ((await store.settings.get(ORIGIN_PREFIX_SETTING)) ?? wanted);
  if (configured !== undefined && configured !== stored) {
    throw new VeritrailError(
      'validation_failed',
      `these logs are signed under origin prefix "${stored}", not "${configured}"; unset VERITRAIL_ORIGIN_PREFIX or use a new data folder or database`,
      [{ path: 'originPrefix', message: `must be ${stored} for these logs` }],
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
  if (config.databaseUrl === undefined && !dataExists(config.dataDir)) {
    throw new VeritrailError(
      'not_found',
      `no Veritrail data in ${config.dataDir} (start the server once, or pass --data DIR)`,
    );
  }
  const signer = loadOrCreateSigner(config.dataDir, { create: false });
  const store = await openStore({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    writerThread,
    migrate: false,
    coordinate: false,
  });
  try {
    await pinSigningKey(store, signer, config.dataDir, false);
    return createServices({
      store,
      signer,
      version: VERSION,
      originPrefix: await originPrefixOf(store, config.originPrefix, false),
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
  /** The syslog listeners' bound ports, when any is configured. */
  readonly syslog?: { readonly host: string; readonly udpPort?: number; readonly tcpPort?: number };
  /** Set when this start generated the admin token: shown once, stored only as a hash. */
  readonly generatedAdminToken?: string;
  readonly demoEvents: number;
  /** The report schedules job (no schedules without --report-schedules). */
  readonly reportSchedules: ReportSchedulesJob;
  /** The web console's address, when the console is built (docs/console.md). */
  readonly consoleUrl?: string;
  close(): Promise<void>;
}

/**
 * The schedule file (--report-schedules): read and validated before anything starts, so a bad
 * file stops the start naming the file, the schedule and the field. A relative `out` is under
 * the data folder.
 */
function readReportSchedules(config: Config): ReportSchedule[] {
  const file = config.reportSchedules;
  if (file === undefined) return [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new VeritrailError(
      'validation_failed',
      `cannot read the report schedules file ${file}: ${(e as Error).message}`,
      [{ path: 'reportSchedules', message: 'must be a readable file' }],
    );
  }
  return loadReportSchedules(text, file, (out) => resolve(config.dataDir, out));
}

/**
 * The built web console (docs/console.md), when there is one: dist/console beside dist/src when
 * running the build, dist/console under the package when running from source (tests).
 */
function builtConsoleDir(): string | undefined {
  for (const rel of ['../console/', '../dist/console/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  return undefined;
}

export async function startServer(
  config: Config,
  opts: { demo?: boolean; onError?: (e: unknown) => void; onLog?: (line: string) => void } = {},
): Promise<RunningServer> {
  // Everything that can fail on bad configuration happens before the store is opened.
  const tls =
    config.tlsCert && config.tlsKey
      ? { cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) }
      : undefined;
  // Detection rules (--rules / VERITRAIL_RULES, else the built-in pack): a missing folder stops
  // the start; a bad rule is reported (log, GET /v1/rules) and the others load.
  const geo = config.geoipDb === undefined ? undefined : await openGeoLookup(config.geoipDb);
  const rules = loadDetector(config.rules, {
    builtin: config.builtinRules,
    ...(geo ? { geo } : {}),
  });
  for (const e of rules.errors)
    opts.onLog?.(`rule not loaded: ${e.file}:${e.line ?? 0}: ${e.message}`);
  const schedules = readReportSchedules(config);
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  let originPrefix: string;
  let signer: Signer;
  try {
    originPrefix = await originPrefixOf(store, config.originPrefix, true);
    if (config.databaseUrl !== undefined)
      mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    signer = loadOrCreateSigner(config.dataDir);
    await pinSigningKey(store, signer, config.dataDir, true);
  } catch (e) {
    await store.close();
    throw e;
  }
  const services = createServices({
    store,
    signer,
    version: VERSION,
    originPrefix,
    checkpointIntervalMs: config.checkpointIntervalMs,
    destinations: destinationFactory(VERSION),
    outboundDir: resolve(config.outboundDir ?? join(config.dataDir, 'outbound')),
    detector: rules.detector,
    ruleErrors: rules.errors,
    ...(config.adminToken === undefined ? {} : { adminToken: config.adminToken }),
    ...(opts.onError ? { onBackgroundError: opts.onError } : {}),
  });
  const reportSchedules = new ReportSchedulesJob(
    schedules,
    {
      reports: services.reports,
      sink: new ReportFolderSink(),
      notifiers: (d) => reportNotifier(d),
      coordination: store.coordination,
      clock: { now: () => new Date() },
    },
    opts.onError ? { onError: opts.onError } : {},
  );
  const consoleDir = builtConsoleDir();
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
    services.outboundDelivery?.start();
    services.detection?.start();
    services.retentionJob.start();
    services.sourceHealthJob.start();
    services.reviewJob.start();
    services.reportIndex.start();
    reportSchedules.start();
    app = await buildApp({
      services,
      reportSchedules,
      bodyLimit: config.bodyLimit,
      logger: config.logRequests,
      version: VERSION,
      rateLimitPerMinute: config.rateLimit,
      metricsPublic: config.metricsPublic,
      ...(consoleDir === undefined ? {} : { consoleDir }),
      ...(tls ? { tls } : {}),
    });
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    await reportSchedules.stop();
    await services.close();
    throw e;
  }
  let syslog: SyslogReceiver | undefined;
  if (config.syslogUdpPort !== undefined || config.syslogTcpPort !== undefined) {
    try {
      syslog = await startSyslogReceiver(services, {
        host: config.syslogHost,
        udpPort: config.syslogUdpPort,
        tcpPort: config.syslogTcpPort,
        tenant: config.syslogTenant,
        maxMessageBytes: config.syslogMaxMessageBytes,
        log: opts.onLog ?? (() => {}),
      });
    } catch (e) {
      await app.close();
      await reportSchedules.stop();
      await services.close();
      throw e;
    }
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
    ...(consoleDir === undefined
      ? {}
      : { consoleUrl: `${config.tlsCert ? 'https' : 'http'}://${host}:${port}/console/` }),
    ...(generatedAdminToken ? { generatedAdminToken } : {}),
    demoEvents: seeded,
    reportSchedules,
    ...(syslog === undefined
      ? {}
      : {
          syslog: {
            host: config.syslogHost,
            ...(syslog.udpPort === undefined ? {} : { udpPort: syslog.udpPort }),
            ...(syslog.tcpPort === undefined ? {} : { tcpPort: syslog.tcpPort }),
          },
        }),
    async close() {
      await app.close();
      await syslog?.close();
      await reportSchedules.stop();
      await services.close();
    },
  };
}
