/**
 * GET /v1/stream: a live stream of a log as Server-Sent Events (ARCHITECTURE §5). Each message's
 * `id` is the entry's seq, so a client that reconnects with `Last-Event-ID` (EventSource does
 * it by itself) or `?after=` gets exactly what it missed, from the store, before going live.
 * The first frame, and one whenever nothing has matched for a while, is an `event: position`
 * with the seq reached: it moves the client's Last-Event-ID on (so a reconnect does not
 * rescan) and tells clients that track positions themselves where to resume. A client that stops reading is given a bounded buffer
 * and a grace period, then an `event: resume` and the end of the response.
 */
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import { homeTenant } from '../../app/principal.js';
import type { StreamEvent, StreamItem } from '../../app/live-stream.js';
import type { Services } from '../../app/services.js';
import { VeritrailError } from '../../core/errors.js';
import { principalOf } from '../auth.js';
import { errorResponses, security, strictObject, tenantParam } from '../schemas.js';

export interface StreamRouteOptions {
  /** Bytes a client may leave unread before the server waits for it (default 1 MiB). */
  readonly bufferBytes?: number;
  /** How long a client may leave that buffer unread before it is told to resume (default 30 s). */
  readonly stallMs?: number;
}

/**
 * Each entry's frame is built once, however many streams send it: they share the log feed's
 * records, so the caches are keyed by record and let go of them with the feed. The data is the
 * stored canonical JSON with `seq` put first: no parse and stringify per entry.
 */
const frames = new WeakMap<object, string>();
function frame(e: StreamEvent): string {
  let f = frames.get(e.record);
  if (f === undefined) {
    const json = e.record.canonical ?? JSON.stringify(e.event);
    f = `id: ${e.seq}\ndata: {"seq":${e.seq},${json.slice(1)}\n\n`;
    frames.set(e.record, f);
  }
  return f;
}

/**
 * Streams without a filter send the same runs of entries: each run is joined and encoded once,
 * and every such stream writes the same bytes.
 */
const runs = new WeakMap<object, { last: object; n: number; bytes: Buffer }>();

/** One write per item: a read's worth of events goes out in one piece. */
function chunk(item: StreamItem): string | Buffer {
  if (item.kind === 'position') return position(item.seq);
  const first = item.events[0]!.record;
  const last = item.events[item.events.length - 1]!.record;
  const cached = runs.get(first);
  if (cached?.last === last && cached.n === item.events.length) return cached.bytes;
  const bytes = Buffer.from(item.events.map(frame).join(''));
  runs.set(first, { last, n: item.events.length, bytes });
  return bytes;
}

/** Where the stream stands: a named event (not `message`), which also moves Last-Event-ID on. */
function position(seq: number): string {
  return `id: ${seq}\nevent: position\ndata: {"seq":${seq}}\n\n`;
}

/** Resolves true once the socket drains, false after `ms` or when it closes. */
function drained(res: ServerResponse, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    const timer = setTimeout(() => done(false), ms);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

function lastEventId(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const v = Array.isArray(header) ? header[0] : header;
  if (v === undefined || !/^-?\d{1,16}$/.test(v.trim())) {
    throw new VeritrailError('validation_failed', 'Last-Event-ID: must be a seq', [
      { path: 'Last-Event-ID', message: 'must be the id of an event of this stream' },
    ]);
  }
  return Number(v.trim());
}

export function streamRoutes(
  app: FastifyInstance,
  s: Services,
  opts: StreamRouteOptions = {},
): void {
  const bufferBytes = opts.bufferBytes ?? 1024 * 1024;
  const stallMs = opts.stallMs ?? 30_000;
  const open = new Set<AbortController>();
  // Streams never end by themselves: closing the server ends them first.
  app.addHook('preClose', (done) => {
    for (const ac of open) ac.abort();
    done();
  });

  app.get<{ Querystring: { tenant?: string; q?: string; after?: number } }>(
    '/v1/stream',
    {
      schema: {
        summary: 'Follow a log live as Server-Sent Events (resumable with Last-Event-ID)',
        tags: ['events'],
        security,
        querystring: strictObject({
          tenant: tenantParam,
          q: { type: 'string', maxLength: 4096, description: 'query language filter' },
          after: {
            type: 'integer',
            minimum: -1,
            description: 'start after this seq (-1: from the first entry); default: from now',
          },
        }),
        response: errorResponses,
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const { tenant = homeTenant(p), q, after } = req.query;
      const resumeAt = lastEventId(req.headers['last-event-id']) ?? after;
      const sub = await s.streams.open(p, {
        tenant,
        ...(q === undefined ? {} : { q }),
        ...(resumeAt === undefined ? {} : { after: resumeAt }),
      });
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
      });
      res.write(`retry: 1000\n${position(sub.after)}`);
      const ac = new AbortController();
      open.add(ac);
      res.on('close', () => ac.abort());
      let sent = sub.after;
      try {
        for await (const item of sub.items(ac.signal)) {
          res.write(chunk(item));
          sent = item.seq;
          if (res.writableLength > bufferBytes && !(await drained(res, stallMs))) {
            res.write(`event: resume\ndata: ${JSON.stringify({ after: sent })}\n\n`);
            break;
          }
        }
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        res.write(`event: error\ndata: ${JSON.stringify({ message, after: sent })}\n\n`);
      } finally {
        open.delete(ac);
        ac.abort();
        if (!res.writableEnded) res.end();
        // A client that does not read would keep the socket (and a server shutdown) waiting.
        if (!res.writableFinished) setTimeout(() => res.destroy(), 1000).unref();
      }
    },
  );
}
