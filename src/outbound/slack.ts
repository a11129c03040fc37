/**
 * Slack destination (docs/notifications.md "Slack"): one POST of `{ text, blocks }` per batch to
 * a Slack-compatible incoming webhook. Slack signs nothing: the URL is the credential, so errors
 * name its origin only (HttpPostDestination). 429 and 5xx answers are retried, honouring
 * `Retry-After`.
 */
import type { OutboundEvent } from '../app/ports.js';
import { slackMessage } from '../core/outbound/slack-message.js';
import { HttpPostDestination } from './http-post.js';

export interface SlackConfig {
  readonly url: string;
  readonly console_url?: string | undefined;
}

export class SlackDestination extends HttpPostDestination {
  constructor(
    private readonly cfg: SlackConfig,
    timeoutMs = 30_000,
  ) {
    super(cfg.url, timeoutMs);
  }

  protected request(events: readonly OutboundEvent[]) {
    return {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(slackMessage(events, { consoleUrl: this.cfg.console_url })),
    };
  }
}
