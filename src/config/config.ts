/**
 * Configuration: defaults, then environment, then command-line flags. The only reader of
 * process.env (CONVENTIONS.md "Shape").
 */
import { z } from 'zod';
import { VeritrailError } from '../core/errors.js';
import { issuesFromZod, TENANT_PATTERN } from '../core/event/index.js';

export const configSchema = z.strictObject({
  dataDir: z.string().min(1).default('./.veritrail'),
  /** PostgreSQL instead of SQLite: postgres://user@host:5432/db[?schema=name]. */
  databaseUrl: z
    .string()
    .regex(/^postgres(?:ql)?:\/\//, 'must start with postgres:// (or leave it unset for SQLite)')
    .optional(),
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  host: z.string().min(1).default('127.0.0.1'),
  adminToken: z.string().min(16, 'must be at least 16 characters').max(512).optional(),
  originPrefix: z
    .string()
    .regex(
      /^[A-Za-z0-9.-]+(?::\d+)?(?:\/[A-Za-z0-9._-]+)*$/,
      'must look like host/path, e.g. audit.example.com/veritrail',
    )
    .optional(),
  checkpointIntervalMs: z.coerce.number().int().min(10).max(3_600_000).default(1000),
  bodyLimit: z.coerce
    .number()
    .int()
    .min(1024)
    .max(256 * 1024 * 1024)
    .default(16 * 1024 * 1024),
  logRequests: z.boolean().default(false),
  /** Requests per minute per credential; 0 turns rate limiting off. */
  rateLimit: z.coerce.number().int().min(0).max(10_000_000).default(6000),
  /** PEM files: with both, the server speaks HTTPS. */
  tlsCert: z.string().min(1).optional(),
  tlsKey: z.string().min(1).optional(),
  /** GET /metrics without a token. A flag (boolean) or the environment (true/false/1/0). */
  /** Folder under which file destinations of outbound streams write (default <dataDir>/outbound). */
  outboundDir: z.string().min(1).optional(),
  metricsPublic: z
    .preprocess(
      (v) => (typeof v === 'boolean' ? String(v) : v),
      z.stringbool({ truthy: ['true', '1'], falsy: ['false', '0'] }),
    )
    .default(false),
  /** Syslog receiver (docs/sources/syslog.md): UDP and TCP ports, 0 for any free one; unset: off. */
  syslogUdpPort: z.coerce.number().int().min(0).max(65535).optional(),
  syslogTcpPort: z.coerce.number().int().min(0).max(65535).optional(),
  syslogHost: z.string().min(1).default('127.0.0.1'),
  /** The log syslog messages are appended to (senders are not authenticated). */
  syslogTenant: z
    .string()
    .regex(TENANT_PATTERN, 'must match ^[a-z0-9][a-z0-9_-]{0,62}$')
    .default('default'),
  /** Detection rule folders or files (default: the built-in pack); comma-separated in the env. */
  rules: z
    .preprocess(
      (v) =>
        typeof v === 'string'
          ? v
              .split(',')
              .map((p) => p.trim())
              .filter((p) => p !== '')
          : v,
      z.array(z.string().min(1)).max(64),
    )
    .optional(),
  /** Load the built-in rule pack besides `rules` (true/false/1/0 in the env). */
  builtinRules: z
    .preprocess(
      (v) => (typeof v === 'boolean' ? String(v) : v),
      z.stringbool({ truthy: ['true', '1'], falsy: ['false', '0'] }),
    )
    .default(true),
  /** A MaxMind/DB-IP city database (.mmdb) for impossible travel (docs/detection.md). */
  geoipDb: z.string().min(1).optional(),
  /** A YAML file of report schedules (docs/reports.md "Schedules"); unset: none. */
  reportSchedules: z.string().min(1).optional(),
  syslogMaxMessageBytes: z.coerce
    .number()
    .int()
    .min(480)
    .max(1024 * 1024)
    .default(64 * 1024),
});

export type Config = z.output<typeof configSchema>;

const ENV: Record<string, keyof Config> = {
  VERITRAIL_DATA: 'dataDir',
  VERITRAIL_DATABASE_URL: 'databaseUrl',
  VERITRAIL_PORT: 'port',
  VERITRAIL_HOST: 'host',
  VERITRAIL_ADMIN_TOKEN: 'adminToken',
  VERITRAIL_ORIGIN_PREFIX: 'originPrefix',
  VERITRAIL_CHECKPOINT_INTERVAL_MS: 'checkpointIntervalMs',
  VERITRAIL_BODY_LIMIT: 'bodyLimit',
  VERITRAIL_RATE_LIMIT: 'rateLimit',
  VERITRAIL_TLS_CERT: 'tlsCert',
  VERITRAIL_TLS_KEY: 'tlsKey',
  VERITRAIL_METRICS_PUBLIC: 'metricsPublic',
  VERITRAIL_OUTBOUND_DIR: 'outboundDir',
  VERITRAIL_SYSLOG_UDP_PORT: 'syslogUdpPort',
  VERITRAIL_SYSLOG_TCP_PORT: 'syslogTcpPort',
  VERITRAIL_SYSLOG_HOST: 'syslogHost',
  VERITRAIL_SYSLOG_TENANT: 'syslogTenant',
  VERITRAIL_SYSLOG_MAX_MESSAGE_BYTES: 'syslogMaxMessageBytes',
  VERITRAIL_RULES: 'rules',
  VERITRAIL_BUILTIN_RULES: 'builtinRules',
  VERITRAIL_GEOIP_DB: 'geoipDb',
  VERITRAIL_REPORT_SCHEDULES: 'reportSchedules',
};

export function fromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Partial<Record<keyof Config, string>> {
  const out: Partial<Record<keyof Config, string>> = {};
  for (const [name, key] of Object.entries(ENV)) {
    const v = env[name];
    if (v !== undefined && v !== '') out[key] = v;
  }
  return out;
}

/** Flags win over the environment, which wins over defaults. */
export function loadConfig(
  flags: Partial<Record<keyof Config, unknown>>,
  env: NodeJS.ProcessEnv = process.env,
): Config {
  const defined = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  const r = configSchema
    .refine((c) => (c.tlsCert === undefined) === (c.tlsKey === undefined), {
      message: 'give both a TLS certificate and key, or neither',
      path: ['tlsKey'],
    })
    .safeParse({ ...fromEnv(env), ...defined });
  if (!r.success) {
    const details = issuesFromZod(r.error);
    throw new VeritrailError(
      'validation_failed',
      `invalid configuration: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`,
      details,
    );
  }
  return r.data;
}

/** Where the server is, for client commands (send, query). */
export function clientEnv(env: NodeJS.ProcessEnv = process.env): { url?: string; token?: string } {
  return {
    ...(env.VERITRAIL_URL ? { url: env.VERITRAIL_URL } : {}),
    ...(env.VERITRAIL_TOKEN
      ? { token: env.VERITRAIL_TOKEN }
      : env.VERITRAIL_ADMIN_TOKEN
        ? { token: env.VERITRAIL_ADMIN_TOKEN }
        : {}),
  };
}
