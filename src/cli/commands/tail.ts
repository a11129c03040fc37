/**
 * `veritrail tail [query]`: follows a log live (GET /v1/stream) and prints each matching event
 * as it is appended; `--json` prints JSON lines for pipes. After a disconnect it reconnects and
 * resumes after the last event it printed (EventSource sends Last-Event-ID), so nothing is
 * printed twice or skipped; when the server itself refuses for a while (a restart), it starts
 * over after the last position it saw. Runs until interrupted; a refusal (4xx) ends it.
 */
import type { Command } from 'commander';
import { EventSource } from 'eventsource';
import { VeritrailError, type ErrorCode, type Issue } from '../../core/errors.js';
import type { StoredEvent } from '../../core/event/index.js';
import type { Output } from '../output.js';
import { connect, withConn, type Conn } from './client.js';

type Shown = StoredEvent & { seq: number };
interface RefusalBody {
  code: ErrorCode;
  message: string;
  details?: Issue[];
}

const line = (e: Shown): string =>
  [
    String(e.seq).padStart(6),
    e.occurred_at,
    e.action,
    e.actor.id,
    e.outcome,
    e.source?.ip ?? '-',
    (e.targets ?? []).map((t) => t.id).join(',') || '-',
  ].join('  ');

export function tailCommand(program: Command, out: () => Output): void {
  withConn(program.command('tail [q]'))
    .description('follow a log live and print matching events as they are appended (Ctrl-C stops)')
    .option('--tenant <tenant>', "tenant (default: the key's own)")
    .option('--after <seq>', 'start after this seq (-1: from the first entry); default: from now')
    .action(async (q: string | undefined, o: Conn & { tenant?: string; after?: string }) => {
      const client = connect(o);
      const params = new URLSearchParams();
      if (o.tenant !== undefined) params.set('tenant', o.tenant);
      if (q !== undefined && q !== '') params.set('q', q);
      if (o.after !== undefined) params.set('after', o.after);
      const token = client.token;
      const o_ = out();
      // Where to resume: the last event printed, or the last position the server reported.
      let after = o.after === undefined ? undefined : Number(o.after);
      const connectOnce = () =>
        new Promise<'stopped' | 'lost'>((resolve, reject) => {
          const p = new URLSearchParams(params);
          if (after !== undefined) p.set('after', String(after));
          // The server's error body of a refused connection, for a clear message and exit code.
          let refusal: { status: number; error?: RefusalBody } | undefined;
          const es = new EventSource(`${client.url}/v1/stream?${p.toString()}`, {
            fetch: async (input, init) => {
              const res = await fetch(input, {
                ...init,
                headers: {
                  ...init.headers,
                  ...(token ? { authorization: `Bearer ${token}` } : {}),
                },
              });
              if (!res.ok) {
                const body = (await res
                  .clone()
                  .json()
                  .catch(() => undefined)) as { error?: RefusalBody } | undefined;
                refusal = { status: res.status, ...(body?.error ? { error: body.error } : {}) };
              }
              return res;
            },
          });
          const stop = () => {
            es.close();
            resolve('stopped');
          };
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
          const done = (r: 'lost' | Error) => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            es.close();
            if (r === 'lost') resolve(r);
            else reject(r);
          };
          es.addEventListener('open', () => o_.info(`following ${client.url} (Ctrl-C stops)`));
          es.addEventListener('position', (m) => {
            after = (JSON.parse(m.data as string) as { seq: number }).seq;
          });
          es.addEventListener('message', (m) => {
            const e = JSON.parse(m.data as string) as Shown;
            after = e.seq;
            o_.record(e, () => line(e));
          });
          es.addEventListener('error', (err) => {
            if (es.readyState !== es.CLOSED) {
              o_.info(`disconnected (${err.message ?? 'connection lost'}); reconnecting`);
              return;
            }
            // Refused for good (4xx: bad query, token, tenant): say why and stop.
            if (refusal && refusal.status >= 400 && refusal.status < 500) {
              done(
                refusal.error
                  ? new VeritrailError(
                      refusal.error.code,
                      refusal.error.message,
                      refusal.error.details ?? [],
                    )
                  : new VeritrailError(
                      'unavailable',
                      `the stream was refused: HTTP ${refusal.status}`,
                    ),
              );
              return;
            }
            o_.info(
              `the server is unavailable (${refusal ? `HTTP ${refusal.status}` : (err.message ?? 'no answer')}); retrying`,
            );
            done('lost');
          });
        });
      // EventSource retries lost connections itself; a server that answers with an error (a
      // restart in progress) ends it, and then this loop starts over after the last position.
      while ((await connectOnce()) === 'lost') await new Promise((r) => setTimeout(r, 1000));
    });
}
