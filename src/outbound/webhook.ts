/**
 * Webhook destination (docs/outbound.md "Webhook"): POST `{"events":[…]}` with an HMAC-SHA256
 * signature over `<timestamp>.<body>`; a 2xx answer means the batch was accepted. Errors name
 * the receiver's origin only: a URL's path or query may hold a token.
 */
import type { Destination, OutboundEvent } from '../app/ports.js';
import { webhookBody, webhookHeaders } from '../core/outbound/webhook-payload.js';

export interface WebhookConfig {
  readonly url: string;
  readonly secret: string;
}

export class WebhookDestination implements Destination {
  private readonly closing = new AbortController();
  private readonly origin: string;

  constructor(
    private readonly cfg: WebhookConfig,
    private readonly timeoutMs = 30_000,
  ) {
    this.origin = new URL(cfg.url).origin;
  }

  async send(events: readonly OutboundEvent[]): Promise<void> {
    const body = webhookBody(events);
    const timestamp = Math.floor(Date.now() / 1000);
    const signal = AbortSignal.any([this.closing.signal, AbortSignal.timeout(this.timeoutMs)]);
    let res: Response;
    try {
      res = await fetch(this.cfg.url, {
        method: 'POST',
        headers: webhookHeaders(this.cfg.secret, timestamp, body),
        body,
        signal,
        redirect: 'manual',
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(`${this.origin}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
    }
    await res.arrayBuffer().catch(() => undefined);
    if (res.status < 200 || res.status > 299) throw new Error(`${this.origin}: HTTP ${res.status}`);
  }

  close(): Promise<void> {
    this.closing.abort();
    return Promise.resolve();
  }
}
