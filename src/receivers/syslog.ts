/**
 * The syslog receiver (docs/sources/syslog.md): RFC 5426 UDP (one message per datagram) and
 * RFC 6587 TCP (octet counting or LF framing, told apart per frame) listeners that map each
 * message to an event and append it to one tenant's log. Senders are unauthenticated and
 * every byte is untrusted: messages over the size limit are skipped, connections are capped
 * and closed when idle, and nothing a sender does stops the listeners.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { SyslogFramer, type Frame } from '../core/receive/syslog-frame.js';
import { SyslogSink, type SinkOptions } from './syslog-sink.js';

export interface SyslogReceiverOptions extends SinkOptions {
  readonly host: string;
  /** UDP port to listen on (0: any free one); unset: no UDP listener. */
  readonly udpPort?: number | undefined;
  /** TCP port to listen on (0: any free one); unset: no TCP listener. */
  readonly tcpPort?: number | undefined;
  readonly maxMessageBytes: number;
  readonly maxConnections?: number;
  readonly idleTimeoutMs?: number;
}

export interface SyslogReceiver {
  /** The bound ports (useful with port 0). */
  readonly udpPort?: number;
  readonly tcpPort?: number;
  /** Stops listening, closes the connections and appends what is pending. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_CONNECTIONS = 1000;
export const DEFAULT_IDLE_TIMEOUT_MS = 10 * 60_000;

export async function startSyslogReceiver(
  services: ConstructorParameters<typeof SyslogSink>[0],
  opts: SyslogReceiverOptions,
): Promise<SyslogReceiver> {
  const sink = new SyslogSink(services, opts);
  let udp: dgram.Socket | undefined;
  let tcp: TcpListener | undefined;
  try {
    if (opts.udpPort !== undefined) udp = await listenUdp(sink, opts, opts.udpPort);
    if (opts.tcpPort !== undefined) tcp = await listenTcp(sink, opts, opts.tcpPort);
  } catch (e) {
    udp?.close();
    await tcp?.close();
    throw e;
  }
  const udpPort = udp?.address().port;
  return {
    ...(udpPort === undefined ? {} : { udpPort }),
    ...(tcp === undefined ? {} : { tcpPort: tcp.port }),
    async close() {
      if (udp) await new Promise<void>((resolve) => udp.close(() => resolve()));
      await tcp?.close();
      await sink.close();
    },
  };
}

function listenUdp(sink: SyslogSink, opts: SyslogReceiverOptions, port: number) {
  return new Promise<dgram.Socket>((resolve, reject) => {
    const socket = dgram.createSocket(net.isIPv6(opts.host) ? 'udp6' : 'udp4');
    socket.on('message', (msg, rinfo) => {
      if (msg.length > opts.maxMessageBytes) {
        return sink.skip(
          'oversize',
          `skipped a ${msg.length}-byte UDP message from ${rinfo.address}, over the limit of ${opts.maxMessageBytes} bytes`,
        );
      }
      sink.accept(msg, rinfo.address);
    });
    socket.once('error', reject);
    socket.bind(port, opts.host, () => {
      socket.off('error', reject);
      socket.on('error', (e) => sink.warnings.warn('udp', `UDP socket error: ${e.message}`));
      resolve(socket);
    });
  });
}

interface TcpListener {
  readonly port: number;
  close(): Promise<void>;
}

function listenTcp(
  sink: SyslogSink,
  opts: SyslogReceiverOptions,
  port: number,
): Promise<TcpListener> {
  const sockets = new Set<net.Socket>();
  let paused = false;
  sink.onPressure = (high) => {
    paused = high;
    for (const s of sockets) {
      if (high) s.pause();
      else s.resume();
    }
  };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    if (paused) socket.pause();
    const peer = socket.remoteAddress;
    const framer = new SyslogFramer(opts.maxMessageBytes);
    const handle = (frames: Frame[]) => {
      for (const f of frames) {
        if (f.kind === 'message') sink.accept(f.bytes, peer);
        else if (f.kind === 'oversize')
          sink.skip(
            'oversize',
            `skipped a ${f.bytes}-byte TCP message from ${peer}, over the limit of ${opts.maxMessageBytes} bytes`,
          );
        else
          sink.skip(
            'truncated',
            `skipped a truncated octet-counted message from ${peer} (${f.bytes} bytes of it arrived)`,
          );
      }
    };
    socket.setTimeout(opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => handle(framer.push(chunk)));
    socket.on('end', () => {
      handle(framer.end());
      socket.end();
    });
    socket.on('error', (e) =>
      sink.warnings.warn('connection', `connection from ${peer}: ${e.message}`),
    );
    socket.on('close', () => sockets.delete(socket));
  });
  server.maxConnections = opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  server.on('drop', (d) =>
    sink.warnings.warn(
      'drop',
      `refused a TCP connection from ${d?.remoteAddress ?? 'unknown'}: ${server.maxConnections} connections are open`,
    ),
  );
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, opts.host, () => {
      server.off('error', reject);
      server.on('error', (e) => sink.warnings.warn('tcp', `TCP listener error: ${e.message}`));
      const addr = server.address();
      resolve({
        port: typeof addr === 'object' && addr ? addr.port : port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const s of sockets) s.destroy();
          }),
      });
    });
  });
}
