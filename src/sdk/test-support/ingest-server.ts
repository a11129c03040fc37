/**
 * A stand-in for POST /v1/events on a real socket: stores events by id (a resent id is a
 * duplicate, as on the server) and lets a test script failures, one request at a time.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface StoredEntry {
  readonly seq: number;
  readonly event: Record<string, unknown>;
}

/** Returns a reply to send instead of storing, or undefined to store the batch. */
export type Script = (events: Record<string, unknown>[], req: IncomingMessage) => Reply | undefined;

export interface IngestServer {
  readonly url: string;
  readonly stored: StoredEntry[];
  readonly requests: { authorization: string | undefined; events: Record<string, unknown>[] }[];
  script: Script;
  /** Stores a batch as a 201 would (for a script that then loses the answer). */
  storeBatch(events: Record<string, unknown>[]): void;
  close(): Promise<void>;
}

export async function startIngestServer(script: Script = () => undefined): Promise<IngestServer> {
  const byId = new Map<string, number>();
  const state: IngestServer = {
    url: '',
    stored: [],
    requests: [],
    script,
    storeBatch: (events) => void store(events),
    close: () => new Promise((r) => server.close(() => r())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        events: Record<string, unknown>[];
      };
      state.requests.push({ authorization: req.headers.authorization, events: body.events });
      const reply = state.script(body.events, req) ?? store(body.events);
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    });
  });
  const store = (events: Record<string, unknown>[]): Reply => ({
    status: 201,
    body: {
      events: events.map((e) => {
        const id = String(e.id);
        const seen = byId.get(id);
        if (seen !== undefined) return { id, seq: seen, duplicate: true };
        const seq = state.stored.length;
        byId.set(id, seq);
        state.stored.push({ seq, event: e });
        return { id, seq };
      }),
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  (state as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
