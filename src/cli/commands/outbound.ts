/**
 * `veritrail outbound …`: outbound streams over the HTTP API (docs/outbound.md). Secrets come
 * from an environment variable named by a flag (`--secret-env`, `--token-env`), never argv,
 * where any user of the machine could read them in the process list.
 */
import type { Command } from 'commander';
import { VeritrailError } from '../../core/errors.js';
import { table, type Output } from '../output.js';
import { connect, withConn, type Conn } from './client.js';

interface StreamView {
  id: string;
  tenant: string;
  name: string;
  q: string;
  enabled: boolean;
  destination: Record<string, unknown> & { type: string };
  status?: {
    cursor: number;
    log_size: number;
    lag: number;
    delivered: number;
    failures: number;
    last_error: string | null;
    last_attempt_at: string | null;
    dead_letters: number;
  };
}

interface CreateOpts extends Conn {
  tenant: string;
  name: string;
  type: string;
  q?: string;
  after?: string;
  disabled?: boolean;
  endpoint?: string;
  secretEnv?: string;
  tokenEnv?: string;
  index?: string;
  host?: string;
  port?: string;
  tls?: boolean;
  format?: string;
  path?: string;
  maxBytes?: string;
  batchSize?: string;
}

const usage = (message: string) => new VeritrailError('validation_failed', message);

function intOpt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw usage(`${flag} must be an integer`);
  return n;
}

function fromEnv(name: string | undefined, flag: string): string {
  if (name === undefined) throw usage(`${flag} NAME is required (the variable holding the secret)`);
  const v = process.env[name];
  if (v === undefined || v === '') throw usage(`environment variable ${name} is not set`);
  return v;
}

function destinationOf(o: CreateOpts): Record<string, unknown> {
  const batch = intOpt(o.batchSize, '--batch-size');
  const common = batch === undefined ? {} : { batch_size: batch };
  switch (o.type) {
    case 'webhook':
      return {
        type: 'webhook',
        url: o.endpoint,
        secret: fromEnv(o.secretEnv, '--secret-env'),
        ...common,
      };
    case 'splunk_hec':
      return {
        type: 'splunk_hec',
        url: o.endpoint,
        token: fromEnv(o.tokenEnv, '--token-env'),
        ...(o.index === undefined ? {} : { index: o.index }),
        ...common,
      };
    case 'syslog':
      return {
        type: 'syslog',
        host: o.host,
        port: intOpt(o.port, '--port'),
        tls: Boolean(o.tls),
        ...(o.format === undefined ? {} : { format: o.format }),
        ...common,
      };
    case 'file': {
      const max = intOpt(o.maxBytes, '--max-bytes');
      return {
        type: 'file',
        path: o.path,
        ...(max === undefined ? {} : { max_bytes: max }),
        ...common,
      };
    }
    default:
      throw usage('--type must be webhook, splunk_hec, syslog or file');
  }
}

const where = (d: StreamView['destination']): string =>
  d.type === 'syslog'
    ? `syslog ${String(d.host)}:${String(d.port)}`
    : d.type === 'file'
      ? `file ${String(d.path)}`
      : d.type === 'email'
        ? `email ${String(d.host)} to ${Array.isArray(d.to) ? d.to.join(', ') : ''}`
        : d.type === 'slack'
          ? 'slack (webhook URL not shown)'
          : `${d.type} ${String(d.url)}`;

function describeStream(s: StreamView): string {
  const st = s.status;
  return [
    `${s.id}  ${s.name}  (${s.enabled ? 'enabled' : 'disabled'})`,
    `  tenant       ${s.tenant}`,
    `  query        ${s.q === '' ? '(every event)' : s.q}`,
    `  destination  ${where(s.destination)}`,
    ...(st
      ? [
          `  cursor       ${st.cursor} of ${st.log_size} (lag ${st.lag})`,
          `  delivered    ${st.delivered}`,
          `  failures     ${st.failures}${st.last_error ? ` (last: ${st.last_error})` : ''}`,
          `  last attempt ${st.last_attempt_at ?? '-'}`,
          `  dead letters ${st.dead_letters}`,
        ]
      : []),
  ].join('\n');
}

export function outboundCommand(program: Command, out: () => Output): void {
  const cmd = program
    .command('outbound')
    .description('outbound streams: deliver matching events to a webhook, Splunk, syslog or files');

  withConn(cmd.command('create'))
    .description('create an outbound stream (from now on, unless --after)')
    .requiredOption('--tenant <tenant>', 'the log to deliver from')
    .requiredOption('--name <name>', 'a label for people')
    .requiredOption('--type <type>', 'webhook, splunk_hec, syslog or file')
    .option('--q <query>', 'only events matching this query')
    .option('--after <seq>', 'deliver entries after this seq (-1: the whole log)')
    .option('--disabled', 'create it disabled')
    .option('--endpoint <url>', 'webhook / splunk_hec: where to POST (--url is the server)')
    .option('--secret-env <NAME>', 'webhook: environment variable holding the HMAC secret')
    .option('--token-env <NAME>', 'splunk_hec: environment variable holding the HEC token')
    .option('--index <index>', 'splunk_hec: index')
    .option('--host <host>', 'syslog: receiver host')
    .option('--port <port>', 'syslog: receiver TCP port')
    .option('--tls', 'syslog: TLS')
    .option('--format <format>', 'syslog: cef or json', 'cef')
    .option('--path <path>', 'file: absolute path under the server outbound folder')
    .option('--max-bytes <n>', 'file: rotate past this size')
    .option('--batch-size <n>', 'events per batch (1-1000)')
    .action(async (o: CreateOpts) => {
      const after = intOpt(o.after, '--after');
      const body = {
        tenant: o.tenant,
        name: o.name,
        ...(o.q === undefined ? {} : { q: o.q }),
        ...(after === undefined ? {} : { after }),
        ...(o.disabled ? { enabled: false } : {}),
        destination: destinationOf(o),
      };
      const r = await connect(o).request<{ stream: StreamView }>(
        'POST',
        '/v1/outbound-streams',
        body,
      );
      out().result(r.stream, () => `created ${describeStream(r.stream)}`);
    });

  withConn(cmd.command('list'))
    .description('list outbound streams and their lag')
    .option('--tenant <tenant>', 'only this tenant')
    .action(async (o: Conn & { tenant?: string }) => {
      const q = o.tenant === undefined ? '' : `?tenant=${encodeURIComponent(o.tenant)}`;
      const r = await connect(o).request<{ streams: StreamView[] }>(
        'GET',
        `/v1/outbound-streams${q}`,
      );
      out().result(r.streams, () =>
        r.streams.length === 0
          ? 'no outbound streams'
          : table([
              ['ID', 'TENANT', 'NAME', 'STATE', 'DESTINATION', 'LAG', 'DELIVERED', 'DEAD'],
              ...r.streams.map((s) => [
                s.id,
                s.tenant,
                s.name,
                s.enabled ? 'enabled' : 'disabled',
                where(s.destination),
                String(s.status?.lag ?? '-'),
                String(s.status?.delivered ?? '-'),
                String(s.status?.dead_letters ?? '-'),
              ]),
            ]),
      );
    });

  withConn(cmd.command('status <id>'))
    .description('a stream with its cursor, lag, errors and dead letters')
    .action(async (id: string, o: Conn) => {
      const r = await connect(o).request<{ stream: StreamView }>(
        'GET',
        `/v1/outbound-streams/${encodeURIComponent(id)}`,
      );
      out().result(r.stream, () => describeStream(r.stream));
    });

  for (const [name, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    withConn(cmd.command(`${name} <id>`))
      .description(`${name} a stream`)
      .action(async (id: string, o: Conn) => {
        const r = await connect(o).request<{ stream: StreamView }>(
          'PATCH',
          `/v1/outbound-streams/${encodeURIComponent(id)}`,
          { enabled },
        );
        out().result(r.stream, () => `${name}d ${r.stream.id}`);
      });
  }

  withConn(cmd.command('delete <id>'))
    .description('delete a stream (delivery stops)')
    .action(async (id: string, o: Conn) => {
      await connect(o).request('DELETE', `/v1/outbound-streams/${encodeURIComponent(id)}`);
      out().result({ deleted: id }, () => `deleted ${id}`);
    });

  withConn(cmd.command('dead-letters <id>'))
    .description('batches given up on, newest first')
    .action(async (id: string, o: Conn) => {
      const r = await connect(o).request<{
        dead_letters: { from_seq: number; to_seq: number; error: string; at: string }[];
      }>('GET', `/v1/outbound-streams/${encodeURIComponent(id)}/dead-letters`);
      out().result(r.dead_letters, () =>
        r.dead_letters.length === 0
          ? 'no dead letters'
          : table([
              ['FROM', 'TO', 'AT', 'ERROR'],
              ...r.dead_letters.map((d) => [String(d.from_seq), String(d.to_seq), d.at, d.error]),
            ]),
      );
    });
}
