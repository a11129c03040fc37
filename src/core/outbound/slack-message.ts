/**
 * The Slack message of a batch (docs/notifications.md "Slack"): `{ text, blocks }` for an
 * incoming webhook (Slack Block Kit). `text` is the notification's fallback line; each alert
 * gets a header, its fields, its summary and a link; any other event one plain line. Values are
 * escaped for Slack's mrkdwn (`&`, `<`, `>`), so an event cannot ping a channel or forge a link.
 */
import { alertLink, alertView, clean, eventLine, type AlertView } from './alert-view.js';
import type { OutboundEvent } from './webhook-payload.js';

export interface SlackOptions {
  readonly consoleUrl?: string | undefined;
}

export type SlackBlock = Record<string, unknown>;

export interface SlackMessage {
  readonly text: string;
  readonly blocks: SlackBlock[];
}

/** Slack mrkdwn control characters (api.slack.com "Formatting text": escaping). */
export const slackEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Escaped and clipped so that the escaped text stays within `max` UTF-16 units: Slack refuses a
 * message whose block text is over its limit (3000 for a section, 2000 for a field), and
 * escaping can multiply a length by five.
 */
export function mrkdwn(s: string, max: number): string {
  let out = '';
  for (const ch of s) {
    const e = slackEscape(ch);
    if (out.length + e.length > max - 1) return `${out}…`;
    out += e;
  }
  return out;
}

const STATE_LABEL: Record<string, string> = {
  raised: 'Alert raised',
  acknowledged: 'Alert acknowledged',
  resolved: 'Alert resolved',
  reopened: 'Alert reopened',
};

const label = (a: AlertView): string => STATE_LABEL[a.state] ?? `Alert ${a.state}`;

export function alertHeadline(a: AlertView): string {
  return `[${a.severity.toUpperCase()}] ${label(a)}: ${a.title}`;
}

const field = (name: string, value: string) => ({
  type: 'mrkdwn',
  text: `*${name}*\n${mrkdwn(value, 1900)}`,
});

function alertBlocks(a: AlertView, opts: SlackOptions): SlackBlock[] {
  const fields = [
    field('Severity', a.severity),
    ...(a.rule === '' ? [] : [field('Rule', a.rule)]),
    ...(a.groupKey === '' ? [] : [field('Group', a.groupKey)]),
    ...(a.count === undefined ? [] : [field('Count', String(a.count))]),
    field('Tenant', a.tenant),
  ];
  const link = alertLink(opts.consoleUrl, a);
  const context = [
    ...(link === undefined ? [] : [`<${slackEscape(link)}|Open in Veritrail>`]),
    `seq ${a.seq}`,
    slackEscape(a.occurredAt),
  ].join(' · ');
  return [
    { type: 'header', text: { type: 'plain_text', text: clean(alertHeadline(a), 150) } },
    { type: 'section', fields },
    ...(a.summary === ''
      ? []
      : [{ type: 'section', text: { type: 'mrkdwn', text: mrkdwn(a.summary, 2900) } }]),
    { type: 'context', elements: [{ type: 'mrkdwn', text: context }] },
  ];
}

export function slackMessage(
  events: readonly OutboundEvent[],
  opts: SlackOptions = {},
): SlackMessage {
  const lines: string[] = [];
  const blocks: SlackBlock[] = [];
  for (const e of events) {
    const a = alertView(e);
    if (blocks.length > 0) blocks.push({ type: 'divider' });
    if (a === undefined) {
      const line = eventLine(e);
      lines.push(line);
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: mrkdwn(line, 2900) } });
      continue;
    }
    lines.push(a.summary === '' ? alertHeadline(a) : `${alertHeadline(a)} (${a.summary})`);
    blocks.push(...alertBlocks(a, opts));
  }
  return { text: mrkdwn(lines.join('\n'), 3900), blocks };
}
