/**
 * The webhook destination's body and signature (docs/outbound.md "Webhook"). The signature is
 * HMAC-SHA256(secret, `<timestamp>.<body>`), hex, sent as `x-veritrail-signature: sha256=<hex>`
 * with the timestamp (unix seconds) in `x-veritrail-timestamp`, so a receiver can refuse
 * replays of old requests.
 */
import { hmacSha256Hex, safeEqual } from '../crypto.js';
import type { StoredEvent } from '../event/index.js';

export type OutboundEvent = StoredEvent & { readonly seq: number };

export const SIGNATURE_HEADER = 'x-veritrail-signature';
export const TIMESTAMP_HEADER = 'x-veritrail-timestamp';

export function webhookBody(events: readonly OutboundEvent[]): string {
  return JSON.stringify({ events });
}

export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${hmacSha256Hex(secret, `${timestamp}.${body}`)}`;
}

export function webhookHeaders(
  secret: string,
  timestamp: number,
  body: string,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: webhookSignature(secret, timestamp, body),
  };
}

/** What a receiver does: recompute and compare in constant time. */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string,
  body: string,
  signature: string,
): boolean {
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  return safeEqual(webhookSignature(secret, Number(timestamp), body), signature);
}
