/**
 * The email of a batch (docs/notifications.md "Email"): a subject from the stream's template,
 * a plain-text body and a simple HTML body listing each alert (title, severity, rule, group,
 * count, summary, link) or, for other events, one line. Every value is HTML-escaped in the
 * HTML body: event content is untrusted.
 */
import { alertLink, alertView, eventLine, renderSubject, type AlertView } from './alert-view.js';
import { alertHeadline } from './slack-message.js';
import type { OutboundEvent } from './webhook-payload.js';

export interface EmailOptions {
  readonly subject: string;
  readonly consoleUrl?: string | undefined;
}

export interface EmailMessage {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export const htmlEscape = (s: string): string =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

function rows(a: AlertView): [string, string][] {
  return [
    ['Severity', a.severity],
    ...(a.rule === '' ? [] : [['Rule', a.rule] as [string, string]]),
    ...(a.groupKey === '' ? [] : [['Group', a.groupKey] as [string, string]]),
    ...(a.count === undefined ? [] : [['Count', String(a.count)] as [string, string]]),
    ['Tenant', a.tenant],
    ['Time', a.occurredAt],
    ['Seq', String(a.seq)],
  ];
}

function alertText(a: AlertView, link: string | undefined): string {
  return [
    alertHeadline(a),
    ...(a.summary === '' ? [] : [a.summary]),
    '',
    ...rows(a).map(([k, v]) => `${k}: ${v}`),
    ...(link === undefined ? [] : [`Link: ${link}`]),
  ].join('\n');
}

function alertHtml(a: AlertView, link: string | undefined): string {
  const cells = rows(a)
    .map(([k, v]) => `<tr><th align="left">${k}</th><td>${htmlEscape(v)}</td></tr>`)
    .join('');
  return [
    `<h2>${htmlEscape(alertHeadline(a))}</h2>`,
    ...(a.summary === '' ? [] : [`<p>${htmlEscape(a.summary)}</p>`]),
    `<table>${cells}</table>`,
    ...(link === undefined ? [] : [`<p><a href="${htmlEscape(link)}">Open in Veritrail</a></p>`]),
  ].join('\n');
}

export function emailMessage(events: readonly OutboundEvent[], opts: EmailOptions): EmailMessage {
  const text: string[] = [];
  const html: string[] = [];
  for (const e of events) {
    const a = alertView(e);
    if (a === undefined) {
      const line = eventLine(e);
      text.push(line);
      html.push(`<p>${htmlEscape(line)}</p>`);
      continue;
    }
    const link = alertLink(opts.consoleUrl, a);
    text.push(alertText(a, link));
    html.push(alertHtml(a, link));
  }
  return {
    subject: renderSubject(opts.subject, events),
    text: `${text.join('\n\n----\n\n')}\n`,
    html: `<!doctype html>\n<html><body>\n${html.join('\n<hr>\n')}\n</body></html>\n`,
  };
}
