/**
 * Splunk HTTP Event Collector destination: `Authorization: Splunk <token>`, newline-separated
 * event objects; a 2xx answer accepts the batch.
 */
import type { OutboundEvent } from '../app/ports.js';
import { hecBody } from '../core/outbound/splunk-hec.js';
import { HttpPostDestination } from './http-post.js';

export interface SplunkHecConfig {
  readonly url: string;
  readonly token: string;
  readonly index?: string | undefined;
}

export class SplunkHecDestination extends HttpPostDestination {
  constructor(
    private readonly cfg: SplunkHecConfig,
    timeoutMs = 30_000,
  ) {
    super(cfg.url, timeoutMs);
  }

  protected request(events: readonly OutboundEvent[]) {
    return {
      headers: { authorization: `Splunk ${this.cfg.token}`, 'content-type': 'application/json' },
      body: hecBody(events, { index: this.cfg.index }),
    };
  }
}
