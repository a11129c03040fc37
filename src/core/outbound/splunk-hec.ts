/**
 * Splunk HTTP Event Collector format (docs/outbound.md "Splunk HEC"): one JSON object per
 * event, newline-separated in one POST body; `time` is epoch seconds with milliseconds.
 */
import type { OutboundEvent } from './webhook-payload.js';

export interface HecOptions {
  readonly index?: string | undefined;
}

export function hecObject(e: OutboundEvent, opts: HecOptions = {}): Record<string, unknown> {
  return {
    time: Date.parse(e.occurred_at) / 1000,
    ...(e.observer?.host === undefined ? {} : { host: e.observer.host }),
    source: 'veritrail',
    sourcetype: 'veritrail:audit',
    ...(opts.index === undefined ? {} : { index: opts.index }),
    event: e,
  };
}

export function hecBody(events: readonly OutboundEvent[], opts: HecOptions = {}): string {
  return events.map((e) => JSON.stringify(hecObject(e, opts))).join('\n');
}
