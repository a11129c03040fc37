/**
 * Webhook destination (docs/outbound.md "Webhook"): POST `{"events":[…]}` with an HMAC-SHA256
 * signature over `<timestamp>.<body>`; a 2xx answer means the batch was accepted.
 */
import type { OutboundEvent } from '../app/ports.js';
import { webhookBody, webhookHeaders } from '../core/outbound/webhook-payload.js';
import { HttpPostDestination } from './http-post.js';

export interface WebhookConfig {
  readonly url: string;
  readonly secret: string;
}

export class WebhookDestination extends HttpPostDestination {
  constructor(
    private readonly cfg: WebhookConfig,
    timeoutMs = 30_000,
  ) {
    super(cfg.url, timeoutMs);
  }

  protected request(events: readonly OutboundEvent[]) {
    const body = webhookBody(events);
    return { headers: webhookHeaders(this.cfg.secret, Math.floor(Date.now() / 1000), body), body };
  }
}
