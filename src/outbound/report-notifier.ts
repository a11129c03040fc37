/**
 * Notices of scheduled reports (docs/reports.md "Schedules"), sent to the destinations an
 * outbound stream would use: a webhook gets the notice itself as JSON, signed like outbound
 * batches (HMAC-SHA256 over `<timestamp>.<body>`, docs/outbound.md "Webhook"); Slack one line
 * of text; email a short plain-text message. Implements the app's ReportNotifier port
 * (src/app/report-schedules.ts). Values are report metadata the server wrote, but the folder
 * and tenant still go through the same escaping as event data.
 */
import type { Transporter } from 'nodemailer';
import { DeliveryFailure } from '../core/outbound/delivery-failure.js';
import { clean } from '../core/outbound/alert-view.js';
import { smtpPort } from '../core/outbound/notify-config.js';
import { slackEscape } from '../core/outbound/slack-message.js';
import { webhookHeaders } from '../core/outbound/webhook-payload.js';
import type { NotifyDestination, ScheduledReportNotice } from '../core/report/schedule.js';
import { smtpTransport } from './email.js';
import { HttpPostDestination } from './http-post.js';

export interface ReportNotifier {
  send(notice: ScheduledReportNotice): Promise<void>;
  close(): Promise<void>;
}

type Request = { headers: Record<string, string>; body: string };

/** One POST per notice, with HttpPostDestination's timeout, redirect and error rules. */
class NoticePost extends HttpPostDestination {
  private pending: Request | undefined;

  constructor(url: string, timeoutMs: number) {
    super(url, timeoutMs);
  }

  protected request(): Request {
    return this.pending!;
  }

  post(r: Request): Promise<void> {
    this.pending = r;
    return this.send([]);
  }
}

function poster(
  url: string,
  render: (n: ScheduledReportNotice) => Request,
  timeoutMs: number,
): ReportNotifier {
  const p = new NoticePost(url, timeoutMs);
  return { send: (n) => p.post(render(n)), close: () => p.close() };
}

const day = (iso: string) => iso.slice(0, 10);

/** One line saying what was written. */
export function noticeLine(n: ScheduledReportNotice): string {
  const verified =
    n.verification_ok === null
      ? 'not verified'
      : n.verification_ok
        ? 'log verified'
        : 'LOG VERIFICATION FAILED';
  return clean(
    `Scheduled ${n.framework} report ${n.report} for ${n.tenant} (${day(n.period.from)} to ${day(n.period.to)}, ${n.events} events, ${verified}) written to ${n.folder} by schedule ${n.schedule}`,
    1000,
  );
}

function noticeText(n: ScheduledReportNotice): string {
  return [
    noticeLine(n),
    '',
    `Period: ${n.period.from} to ${n.period.to} (end exclusive)`,
    `Manifest SHA-256: ${n.manifest_sha256}`,
    'Files:',
    ...n.files.map((f) => `  ${f.name}  ${f.bytes} bytes  sha256 ${f.sha256}`),
    '',
    `Check it with: veritrail verify-report ${n.folder} --key <the log's verifier key>`,
  ].join('\n');
}

/** The subject template's placeholders, filled for a report (no alert: no rule, no state). */
function subject(template: string, n: ScheduledReportNotice): string {
  const values: Record<string, string> = {
    title: `${n.framework} report for ${n.tenant}, ${day(n.period.from)} to ${day(n.period.to)}`,
    severity: n.verification_ok === false ? 'high' : 'info',
    action: n.type,
    tenant: n.tenant,
    rule: '',
    state: '',
    count: '',
    group_key: '',
  };
  return clean(
    template.replace(/\{([a-z_]+)\}/g, (all, k: string) => values[k] ?? all),
    250,
  );
}

class EmailNotifier implements ReportNotifier {
  private readonly transport: Transporter;
  private readonly where: string;

  constructor(
    private readonly cfg: Extract<NotifyDestination, { type: 'email' }>,
    timeoutMs: number,
  ) {
    const port = smtpPort(cfg);
    this.where = `smtp ${cfg.host}:${port}`;
    this.transport = smtpTransport(cfg, port, timeoutMs);
  }

  async send(n: ScheduledReportNotice): Promise<void> {
    try {
      await this.transport.sendMail({
        from: this.cfg.from,
        to: [...this.cfg.to],
        subject: subject(this.cfg.subject, n),
        text: noticeText(n),
      });
    } catch (e) {
      const x = e as { responseCode?: number; response?: string; message?: string };
      const said = (x.response ?? x.message ?? 'failed').replace(/\s+/g, ' ').slice(0, 300);
      throw new DeliveryFailure(`${this.where}: ${said}`, { status: x.responseCode });
    }
  }

  close(): Promise<void> {
    this.transport.close();
    return Promise.resolve();
  }
}

/** The notifier for one destination of a schedule. */
export function reportNotifier(d: NotifyDestination, timeoutMs = 30_000): ReportNotifier {
  switch (d.type) {
    case 'webhook':
      return poster(
        d.url,
        (n) => {
          const body = JSON.stringify(n);
          return { headers: webhookHeaders(d.secret, Math.floor(Date.now() / 1000), body), body };
        },
        timeoutMs,
      );
    case 'slack':
      return poster(
        d.url,
        (n) => ({
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: slackEscape(noticeLine(n)) }),
        }),
        timeoutMs,
      );
    case 'email':
      return new EmailNotifier(d, timeoutMs);
  }
}
