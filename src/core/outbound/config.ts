/**
 * Configuration of an outbound stream (docs/outbound.md): validated here, with per-field
 * issues, before anything is stored. Untrusted input: the body of POST/PATCH
 * /v1/outbound-streams.
 */
import { z } from 'zod';
import { err, ok, type Issue, type Result } from '../errors.js';
import { issuesFromZod } from '../event/validate.js';
import { TENANT_PATTERN } from '../event/schema.js';
import { emailDestinationSchema, slackDestinationSchema } from './notify-config.js';

const httpUrl = z
  .string()
  .max(2048)
  .refine((u) => {
    try {
      const p = new URL(u).protocol;
      return p === 'http:' || p === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL');

const batchSize = z.number().int().min(1).max(1000).default(100);

export const destinationSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      type: z.literal('webhook'),
      url: httpUrl,
      secret: z.string().min(16, 'must be at least 16 characters').max(512),
      batch_size: batchSize,
    }),
    z.strictObject({
      type: z.literal('syslog'),
      host: z.string().min(1).max(253),
      port: z.number().int().min(1).max(65535),
      tls: z.boolean().default(false),
      format: z.enum(['cef', 'json']).default('cef'),
      batch_size: batchSize,
    }),
    z.strictObject({
      type: z.literal('splunk_hec'),
      /** The collector's event endpoint, e.g. https://splunk:8088/services/collector/event. */
      url: httpUrl,
      token: z.string().min(1).max(512),
      index: z.string().min(1).max(200).optional(),
      batch_size: batchSize,
    }),
    z.strictObject({
      type: z.literal('file'),
      /** Absolute, under the server's outbound folder (VERITRAIL_OUTBOUND_DIR). */
      path: z.string().min(1).max(4096),
      max_bytes: z
        .number()
        .int()
        .min(1024)
        .max(2 ** 40)
        .default(100 * 1024 * 1024),
      batch_size: batchSize,
    }),
    slackDestinationSchema,
    emailDestinationSchema,
  ],
  { error: 'must be an object whose type is webhook, syslog, splunk_hec, file, slack or email' },
);

export type DestinationConfig = z.output<typeof destinationSchema>;

const name = z.string().min(1).max(200);
const q = z.string().max(4096);

export const streamCreateSchema = z.strictObject({
  tenant: z.string().regex(TENANT_PATTERN, 'must match ^[a-z0-9][a-z0-9_-]{0,62}$'),
  name,
  q: q.default(''),
  /** Deliver entries after this seq; default: the log's last entry (from now on). */
  after: z.number().int().min(-1).max(Number.MAX_SAFE_INTEGER).optional(),
  enabled: z.boolean().default(true),
  destination: destinationSchema,
});

export type StreamCreate = z.output<typeof streamCreateSchema>;

export const streamPatchSchema = z.strictObject({
  enabled: z.boolean().optional(),
  q: q.optional(),
  destination: destinationSchema.optional(),
});

export type StreamPatch = z.output<typeof streamPatchSchema>;

function parse<T>(schema: z.ZodType<T>, input: unknown): Result<T, readonly Issue[]> {
  const r = schema.safeParse(input);
  return r.success ? ok(r.data) : err(issuesFromZod(r.error));
}

export const parseStreamCreate = (input: unknown) => parse(streamCreateSchema, input);
export const parseStreamPatch = (input: unknown) => parse(streamPatchSchema, input);

/**
 * The destination as the API shows it: secrets replaced by `secret_set`/`token_set`, the Slack
 * URL (its path is the credential) by `url_set`, the SMTP password by `auth.password_set`.
 */
export function publicDestination(d: DestinationConfig): Record<string, unknown> {
  if (d.type === 'webhook') {
    const { secret, ...rest } = d;
    return { ...rest, secret_set: secret.length > 0 };
  }
  if (d.type === 'splunk_hec') {
    const { token, ...rest } = d;
    return { ...rest, token_set: token.length > 0 };
  }
  if (d.type === 'slack') {
    const { url, ...rest } = d;
    return { ...rest, url_set: url.length > 0 };
  }
  if (d.type === 'email' && d.auth !== undefined) {
    const { auth, ...rest } = d;
    return { ...rest, auth: { user: auth.user, password_set: auth.password.length > 0 } };
  }
  return { ...d };
}
