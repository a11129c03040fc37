/** Real local receivers for destination tests: an HTTP server and an SMTP server on port 0. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface Received {
  readonly headers: http.IncomingHttpHeaders;
  readonly path: string;
  readonly body: string;
}

export interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
}

/** An HTTP receiver whose answer to each request `answer` decides (after the body is read). */
export async function httpReceiver(answer: (r: Received, n: number) => Answer) {
  const got: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = {
        headers: req.headers,
        path: req.url ?? '',
        body: Buffer.concat(chunks).toString(),
      };
      got.push(r);
      const a = answer(r, got.length);
      res.writeHead(a.status, a.headers ?? {}).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    got,
    url,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface Mail {
  readonly from: string;
  readonly to: string[];
  readonly user: string | undefined;
  readonly raw: string;
}

/**
 * An SMTP server (no TLS). `refuse(n)` may return an SMTP reply code to refuse the n-th
 * message at the end of DATA (e.g. 451, "try again later").
 */
export async function smtpReceiver(
  opts: { auth?: { user: string; pass: string }; refuse?: (n: number) => number | undefined } = {},
) {
  const mails: Mail[] = [];
  let n = 0;
  const options: SMTPServerOptions = {
    secure: false,
    disabledCommands: opts.auth === undefined ? ['STARTTLS', 'AUTH'] : ['STARTTLS'],
    authOptional: opts.auth === undefined,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === opts.auth?.user && auth.password === opts.auth?.pass)
        return cb(null, { user: auth.username });
      return cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        n++;
        const code = opts.refuse?.(n);
        if (code !== undefined)
          return cb(Object.assign(new Error('Try again later'), { responseCode: code }));
        const user = session.user as string | undefined;
        mails.push({
          from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          user,
          raw: Buffer.concat(chunks).toString(),
        });
        cb();
      });
    },
  };
  const server = new SMTPServer(options);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    mails,
    port,
    attempts: () => n,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Headers (unfolded) and decoded text of a simple message: enough to read what was sent. */
export function readMail(raw: string): { header: (name: string) => string; body: string } {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const header = (name: string) =>
    unfolded
      .split(/\r?\n/)
      .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
      ?.slice(name.length + 1)
      .trim() ?? '';
  // Quoted-printable soft breaks and escapes (RFC 2045 §6.7); other parts pass unchanged.
  const body = rest
    .join('\n\n')
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return { header, body };
}
