/**
 * What the HTTP destinations share: one POST per batch, a timeout, no redirects followed, a
 * 2xx answer accepts the batch. Errors name the receiver's origin only: a URL's path or query
 * may hold a token. A refusal carries its status and any `Retry-After` (429, 503), which the
 * delivery job honours.
 */
import type { Destination, OutboundEvent } from '../app/ports.js';
import { DeliveryFailure, parseRetryAfter } from '../core/outbound/delivery-failure.js';

export abstract class HttpPostDestination implements Destination {
  private readonly closing = new AbortController();
  private readonly origin: string;

  protected constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
  ) {
    this.origin = new URL(url).origin;
  }

  /** The request for one batch: its headers and body. */
  protected abstract request(events: readonly OutboundEvent[]): {
    headers: Record<string, string>;
    body: string;
  };

  async send(events: readonly OutboundEvent[]): Promise<void> {
    const { headers, body } = this.request(events);
    const signal = AbortSignal.any([this.closing.signal, AbortSignal.timeout(this.timeoutMs)]);
    let res: Response;
    try {
      res = await fetch(this.url, { method: 'POST', headers, body, signal, redirect: 'manual' });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new DeliveryFailure(
        `${this.origin}: ${cause?.code ?? cause?.message ?? (e as Error).message}`,
      );
    }
    await res.arrayBuffer().catch(() => undefined);
    if (res.status < 200 || res.status > 299)
      throw new DeliveryFailure(`${this.origin}: HTTP ${res.status}`, {
        status: res.status,
        retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), Date.now()),
      });
  }

  close(): Promise<void> {
    this.closing.abort();
    return Promise.resolve();
  }
}
