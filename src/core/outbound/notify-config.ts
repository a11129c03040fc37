/**
 * Configuration of the notification destinations, Slack and email (docs/notifications.md).
 * Untrusted input: the `destination` of POST/PATCH /v1/outbound-streams. The Slack URL and the
 * SMTP password are secrets: stored, never returned (see `publicDestination`).
 */
import { z } from 'zod';
import { SUBJECT_FIELDS } from './alert-view.js';

/** Loopback hosts, where plain http:// (or SMTP without TLS) exposes nothing on the network. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h);
}

/** https://, or http:// to a loopback host (a local relay, a test receiver). */
const secureUrl = z
  .string()
  .max(2048, 'must be at most 2048 characters')
  .refine((u) => {
    try {
      const url = new URL(u);
      return (
        url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))
      );
    } catch {
      return false;
    }
  }, 'must be an https:// URL (http:// only to localhost)');

/** Where alert links point: the console's base URL, e.g. https://veritrail.example. */
const consoleUrl = z
  .string()
  .max(1024, 'must be at most 1024 characters')
  .refine((u) => {
    try {
      const p = new URL(u).protocol;
      return p === 'http:' || p === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL');

export const slackDestinationSchema = z.strictObject({
  type: z.literal('slack'),
  /** The incoming-webhook URL: its path is the credential. */
  url: secureUrl,
  console_url: consoleUrl.optional(),
  /** Events per message; each alert takes a few blocks and Slack allows 50 per message. */
  batch_size: z.number().int().min(1).max(10).default(1),
});

/** A plain address (no display name, so nothing to inject into a header). */
const address = z.email('must be an email address').max(254);

const hostName = z
  .string()
  .min(1, 'must not be empty')
  .max(253)
  .regex(/^[A-Za-z0-9.:[\]-]+$/, 'must be a host name or an IP address');

const placeholders = new RegExp(`\\{(?!(?:${SUBJECT_FIELDS.join('|')})\\})[^}]*\\}`);

const subject = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine((s) => !/[\r\n]/.test(s), 'must be one line')
  .refine(
    (s) => !placeholders.test(s),
    `may use only the placeholders ${SUBJECT_FIELDS.map((f) => `{${f}}`).join(', ')}`,
  );

export const DEFAULT_SUBJECT = '[Veritrail] {severity}: {title}';

export const emailDestinationSchema = z
  .strictObject({
    type: z.literal('email'),
    host: hostName,
    /** Default by `security`: 465 for tls, 587 for starttls, 25 for none. */
    port: z.number().int().min(1).max(65535).optional(),
    /** tls: TLS from the first byte; starttls: upgrade required; none: plain SMTP. */
    security: z.enum(['tls', 'starttls', 'none']).default('starttls'),
    auth: z
      .strictObject({
        user: z.string().min(1, 'must not be empty').max(256),
        password: z.string().min(1, 'must not be empty').max(1024),
      })
      .optional(),
    from: address,
    to: z
      .array(address)
      .min(1, 'must name at least one recipient')
      .max(50, 'must have at most 50 recipients'),
    subject: subject.default(DEFAULT_SUBJECT),
    console_url: consoleUrl.optional(),
    /** Events per email: several alerts of one delivery become one message. */
    batch_size: z.number().int().min(1).max(50).default(1),
  })
  .superRefine((d, ctx) => {
    // A password must not cross the network in clear text.
    if (d.auth !== undefined && d.security === 'none' && !isLoopbackHost(d.host))
      ctx.addIssue({
        code: 'custom',
        path: ['auth'],
        message: 'needs security tls or starttls (plain SMTP only to localhost)',
      });
  });

export type SlackDestinationConfig = z.output<typeof slackDestinationSchema>;
export type EmailDestinationConfig = z.output<typeof emailDestinationSchema>;

export function smtpPort(d: Pick<EmailDestinationConfig, 'port' | 'security'>): number {
  return d.port ?? (d.security === 'tls' ? 465 : d.security === 'starttls' ? 587 : 25);
}
