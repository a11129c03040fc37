/**
 * Splunk HTTP Event Collector destination: `Authorization: Splunk <token>`, newline-separated
 * event objects; a 2xx answer accepts the batch. Errors name the collector's origin only.
 */
import type { Destination, OutboundEvent } from '../app/ports.js';
import { hecBody } from '../core/outbound/splunk-hec.js';

export interface SplunkHecConfig {
  readonly url: string;
  readonly token: string;
  readonly index?: string | undefined;
}

export class SplunkHecDestination implements Destination {
  private readonly closing = new AbortController();
  private readonly origin: string;

  constructor(
    private readonly cfg: SplunkHecConfig,
    private readonly timeoutMs = 30_000,
  ) {
    this.origin = new URL(cfg.url).origin;
  }

  async send(events: readonly OutboundEvent[]): Promise<void> {
    const signal = AbortSignal.any([this.closing.signal, AbortSignal.timeout(this.timeoutMs)]);
    let res: Response;
    try {
      res = await fetch(this.cfg.url, {
        method: 'POST',
        headers: { authorization: `Splunk ${this.cfg.token}`, 'content-type': 'application/json' },
        body: hecBody(events, { index: this.cfg.index }),
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
