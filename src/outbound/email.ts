/**
 * Email destination (docs/notifications.md "Email"): one message per batch over SMTP
 * (nodemailer). `security` picks TLS from the first byte, a required STARTTLS upgrade, or plain
 * SMTP. The password is never part of an error; a refusal carries the SMTP reply code (e.g. 451)
 * and is retried by the delivery job.
 */
import { createTransport, type Transporter } from 'nodemailer';
import type { Destination, OutboundEvent } from '../app/ports.js';
import { DeliveryFailure } from '../core/outbound/delivery-failure.js';
import { emailMessage } from '../core/outbound/email-message.js';
import { smtpPort, type EmailDestinationConfig } from '../core/outbound/notify-config.js';

export type EmailConfig = Omit<EmailDestinationConfig, 'type' | 'batch_size'>;

/** What nodemailer's errors carry (SMTP reply code and text, or a connection error code). */
interface SmtpError {
  readonly code?: string;
  readonly responseCode?: number;
  readonly response?: string;
  readonly message?: string;
}

export class EmailDestination implements Destination {
  private readonly transport: Transporter;
  private readonly closing = new AbortController();
  private readonly where: string;

  constructor(
    private readonly cfg: EmailConfig,
    timeoutMs = 30_000,
  ) {
    const port = smtpPort(cfg);
    this.where = `smtp ${cfg.host}:${port}`;
    this.transport = smtpTransport(cfg, port, timeoutMs);
  }

  async send(events: readonly OutboundEvent[]): Promise<void> {
    if (this.closing.signal.aborted) throw new DeliveryFailure(`${this.where}: closed`);
    const msg = emailMessage(events, {
      subject: this.cfg.subject,
      consoleUrl: this.cfg.console_url,
    });
    const sent = this.transport.sendMail({
      from: this.cfg.from,
      to: [...this.cfg.to],
      subject: msg.subject,
      text: msg.text,
      html: msg.html,
    });
    // nodemailer cannot abort a transaction: on close, stop waiting for it (it ends on its own
    // timeouts) so the delivery job can stop at once.
    let onClose = () => {};
    const closed = new Promise<never>((_, reject) => {
      onClose = () => reject(new DeliveryFailure(`${this.where}: closed`));
      this.closing.signal.addEventListener('abort', onClose, { once: true });
    });
    try {
      await Promise.race([sent, closed]);
    } catch (e) {
      if (e instanceof DeliveryFailure) throw e;
      throw this.failure(e as SmtpError);
    } finally {
      // Promise.race handles both rejections, whichever comes later.
      this.closing.signal.removeEventListener('abort', onClose);
    }
  }

  private failure(e: SmtpError): DeliveryFailure {
    const said = (e.response ?? e.message ?? 'failed').replace(/\s+/g, ' ').slice(0, 300);
    const code = e.responseCode ?? e.code;
    return new DeliveryFailure(`${this.where}: ${code === undefined ? '' : `${code} `}${said}`, {
      status: e.responseCode,
    });
  }

  close(): Promise<void> {
    this.closing.abort();
    this.transport.close();
    return Promise.resolve();
  }
}

/** An SMTP transport for a destination: TLS as configured, no file or URL access. */
export function smtpTransport(
  cfg: Pick<EmailConfig, 'host' | 'security' | 'auth'>,
  port: number,
  timeoutMs: number,
): Transporter {
  return createTransport({
    host: cfg.host,
    port,
    secure: cfg.security === 'tls',
    requireTLS: cfg.security === 'starttls',
    ignoreTLS: cfg.security === 'none',
    ...(cfg.auth === undefined ? {} : { auth: { user: cfg.auth.user, pass: cfg.auth.password } }),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    // Message content is built from event data: never let it name files or URLs to attach.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
}
