/**
 * Syslog destination (docs/outbound.md "Syslog"): RFC 5424 messages, octet-counted (RFC 6587
 * §3.4.1), over one TCP or TLS connection per stream, reopened after any error. A batch counts
 * as sent once the kernel took its bytes: plain syslog has no acknowledgements, so a receiver
 * that crashes (rather than closing its connections) can lose what was in flight.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Destination, OutboundEvent } from '../app/ports.js';
import { octetFrame, syslogMessage } from '../core/outbound/syslog.js';

export interface SyslogConfig {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly format: 'cef' | 'json';
}

export class SyslogDestination implements Destination {
  private socket: net.Socket | undefined;
  private closed = false;

  constructor(
    private readonly cfg: SyslogConfig,
    private readonly version: string,
    private readonly timeoutMs = 30_000,
    /** Extra trust for TLS (tests, private CAs); default: the system's authorities. */
    private readonly ca?: string | Buffer,
  ) {}

  private connect(): Promise<net.Socket> {
    const { host, port } = this.cfg;
    return new Promise((resolve, reject) => {
      const s = this.cfg.tls
        ? tls.connect({
            host,
            port,
            servername: net.isIP(host) ? undefined : host,
            ...(this.ca === undefined ? {} : { ca: this.ca }),
          })
        : net.connect({ host, port });
      s.setTimeout(this.timeoutMs, () => s.destroy(new Error('timed out')));
      const forget = () => {
        if (this.socket === s) this.socket = undefined;
      };
      s.on('error', forget);
      s.on('close', forget);
      s.on('end', () => {
        forget();
        s.destroy();
      });
      // The receiver never speaks; whatever it sends is ignored.
      s.on('data', () => {});
      s.once(this.cfg.tls ? 'secureConnect' : 'connect', () => {
        s.off('error', reject);
        s.setTimeout(0);
        resolve(s);
      });
      s.once('error', reject);
    });
  }

  async send(events: readonly OutboundEvent[]): Promise<void> {
    if (this.closed) throw new Error('destination closed');
    const where = `${this.cfg.host}:${this.cfg.port}`;
    let s = this.socket;
    if (!s) {
      try {
        s = await this.connect();
      } catch (e) {
        throw new Error(`${where}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      if (this.closed) {
        s.destroy();
        throw new Error('destination closed');
      }
      this.socket = s;
    }
    const data = Buffer.concat(
      events.map((e) =>
        octetFrame(syslogMessage(e, { format: this.cfg.format, version: this.version })),
      ),
    );
    const sock = s;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => sock.destroy(new Error('write timed out')), this.timeoutMs);
      sock.write(data, (err) => {
        clearTimeout(timer);
        if (err) {
          sock.destroy();
          reject(new Error(`${where}: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
        } else resolve();
      });
    });
  }

  close(): Promise<void> {
    this.closed = true;
    const s = this.socket;
    this.socket = undefined;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => {
      s.once('close', () => resolve());
      s.end();
      setTimeout(() => {
        s.destroy();
        resolve();
      }, 1000).unref();
    });
  }
}
