/** Commands that talk to a running server: send, query, export. */
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { clientEnv } from '../../config/config.js';
import { VeritrailError } from '../../core/errors.js';
import type { StoredEvent } from '../../core/event/index.js';
import { createClient, type Client } from '../http-client.js';
import { table, type Output } from '../output.js';

export interface Conn {
  url?: string;
  token?: string;
}

export const connect = (o: Conn): Client => {
  const env = clientEnv();
  return createClient(o.url ?? env.url ?? 'http://127.0.0.1:8080', o.token ?? env.token);
};

export const withConn = (c: Command) =>
  c
    .option('--url <url>', 'server URL (env VERITRAIL_URL)')
    .option('--token <token>', 'API key or admin token (env VERITRAIL_TOKEN)');

export function clientCommands(program: Command, out: () => Output): void {
  withConn(program.command('send [file]'))
    .description('send events from a JSONL file (or stdin) to the server, in batches')
    .option('--batch <n>', 'events per request (at most 1000)', '500')
    .action(async (file: string | undefined, o: Conn & { batch: string }) => {
      const client = connect(o);
      const size = Number(o.batch);
      if (!Number.isInteger(size) || size < 1 || size > 1000)
        throw new VeritrailError('validation_failed', '--batch must be from 1 to 1000');
      const lines = createInterface({
        input: file && file !== '-' ? createReadStream(file) : process.stdin,
        crlfDelay: Infinity,
      });
      let batch: unknown[] = [];
      let firstLine = 1;
      let lineNo = 0;
      let sent = 0;
      const flush = async () => {
        if (batch.length === 0) return;
        try {
          const r = await client.request<{ events: unknown[] }>('POST', '/v1/events', {
            events: batch,
          });
          sent += r.events.length;
        } catch (e) {
          if (e instanceof VeritrailError) {
            // Point at file lines rather than batch positions.
            const details = e.details.map((d) => ({
              ...d,
              path: d.path.replace(
                /^events\.(\d+)/,
                (_, i: string) => `line ${firstLine + Number(i)}`,
              ),
            }));
            throw new VeritrailError(
              e.code,
              `${e.message} (lines ${firstLine}-${lineNo}; ${sent} events sent before)`,
              details,
            );
          }
          throw e;
        }
        batch = [];
        firstLine = lineNo + 1;
      };
      for await (const line of lines) {
        lineNo++;
        if (line.trim() === '') continue;
        try {
          batch.push(JSON.parse(line));
        } catch {
          throw new VeritrailError(
            'validation_failed',
            `line ${lineNo} is not valid JSON (${sent} events sent before)`,
            [{ path: `line ${lineNo}`, message: 'is not valid JSON' }],
          );
        }
        if (batch.length >= size) await flush();
      }
      await flush();
      out().result({ sent }, () => `sent ${sent} events to ${client.url}`);
    });

  withConn(program.command('query [q]'))
    .description(
      'search a log (newest first); q is the query language, e.g. "actor.id:alice outcome:failure"',
    )
    .option('--tenant <tenant>', "tenant (default: the key's own)")
    .option('--since <time>', 'occurred_at >= (RFC 3339 or YYYY-MM-DD)')
    .option('--until <time>', 'occurred_at <')
    .option('--limit <n>', 'at most this many events', '50')
    .option('--cursor <c>', 'continue from a previous next_cursor')
    .action(
      async (
        q: string | undefined,
        o: Conn & {
          tenant?: string;
          since?: string;
          until?: string;
          limit: string;
          cursor?: string;
        },
      ) => {
        const params = new URLSearchParams();
        for (const [k, v] of Object.entries({
          tenant: o.tenant,
          q,
          since: o.since,
          until: o.until,
          limit: o.limit,
          cursor: o.cursor,
        })) {
          if (v !== undefined) params.set(k, v);
        }
        const page = await connect(o).request<{
          events: (StoredEvent & { seq: number })[];
          next_cursor: string | null;
        }>('GET', `/v1/events?${params.toString()}`);
        out().result(page, () => {
          if (page.events.length === 0) return 'no events';
          const rows = page.events.map((e) => [
            String(e.seq),
            e.occurred_at,
            e.action,
            e.actor.id,
            e.outcome,
            e.source?.ip ?? '',
            (e.targets ?? []).map((t) => t.id).join(','),
          ]);
          return `${table([['SEQ', 'OCCURRED_AT', 'ACTION', 'ACTOR', 'OUTCOME', 'SOURCE_IP', 'TARGETS'], ...rows])}${page.next_cursor ? `\nmore: --cursor ${page.next_cursor}` : ''}`;
        });
      },
    );

  withConn(program.command('export'))
    .description(
      'export a bundle (events, salts, leaves, proofs, checkpoint, key) that verifies offline',
    )
    .option('--tenant <tenant>', "tenant (default: the key's own)")
    .option('-q, --query <q>', 'only events matching this query')
    .option('--limit <n>', 'at most this many events', '10000')
    .requiredOption('--out <file>', 'where to write the bundle (JSON)')
    .action(async (o: Conn & { tenant?: string; query?: string; limit: string; out: string }) => {
      const params = new URLSearchParams({ limit: o.limit });
      if (o.tenant) params.set('tenant', o.tenant);
      if (o.query) params.set('q', o.query);
      const bundle = await connect(o).request<{ entries: unknown[]; tenant: string }>(
        'GET',
        `/v1/export?${params.toString()}`,
      );
      await writeFile(o.out, `${JSON.stringify(bundle, null, 1)}\n`);
      out().result(
        { file: o.out, tenant: bundle.tenant, entries: bundle.entries.length },
        () => `wrote ${bundle.entries.length} entries of tenant ${bundle.tenant} to ${o.out}`,
      );
    });
}
