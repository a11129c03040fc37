/** `veritrail alerts …`: list, show, acknowledge, resolve and reopen alerts over the HTTP API. */
import type { Command } from 'commander';
import type { AlertView } from '../../app/alerts.js';
import { VeritrailError } from '../../core/errors.js';
import { table, type Output } from '../output.js';
import { connect, withConn, type Conn } from './client.js';

interface ListOpts extends Conn {
  tenant?: string;
  status?: string;
  severity?: string;
  rule?: string;
  since?: string;
  limit?: string;
  cursor?: string;
}

const definedOnly = (o: Conn): Conn =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function describeAlert(a: AlertView): string {
  return [
    `${a.id}  ${a.status}  ${a.severity}`,
    `  rule        ${a.rule_title} (${a.rule_id})`,
    `  tenant      ${a.tenant}`,
    `  group       ${a.group_key === '' ? '(none)' : a.group_key}`,
    `  seen        ${a.first_seen} .. ${a.last_seen} (${a.count})`,
    `  summary     ${a.summary}`,
    `  events      ${a.event_ids.slice(0, 5).join(', ')}${a.event_ids.length > 5 ? `, … (${a.event_ids.length})` : ''}`,
    ...a.history.map(
      (h) => `  ${h.at}  ${h.status.padEnd(12)} by ${h.by}${h.note ? `: ${h.note}` : ''}`,
    ),
  ].join('\n');
}

export function alertsCommand(program: Command, out: () => Output): void {
  const cmd = withConn(program.command('alerts'))
    .description('list alerts (newest first); subcommands show, ack, resolve, reopen')
    .option('--tenant <tenant>', "tenant (default: the key's own, or default)")
    .option('--status <status>', 'open, acknowledged or resolved')
    .option('--severity <severity>', 'info, low, medium, high or critical')
    .option('--rule <id>', 'only this rule')
    .option('--since <when>', 'last seen at or after: RFC 3339, YYYY-MM-DD or a duration (30d)')
    .option('--limit <n>', 'at most this many (1-500)', '50')
    .option('--cursor <cursor>', 'the next page, as printed by the previous one')
    .action(async (o: ListOpts) => {
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500)
        throw new VeritrailError('validation_failed', '--limit must be from 1 to 500');
      const q = new URLSearchParams({ limit: String(limit) });
      for (const k of ['tenant', 'status', 'severity', 'rule', 'since', 'cursor'] as const) {
        const v = o[k];
        if (v !== undefined) q.set(k, v);
      }
      const r = await connect(o).request<{ alerts: AlertView[]; next_cursor: string | null }>(
        'GET',
        `/v1/alerts?${q.toString()}`,
      );
      out().result(r, () => {
        if (r.alerts.length === 0) return 'no alerts';
        const rows = r.alerts.map((a) => [
          a.id,
          a.status,
          a.severity,
          a.last_seen.slice(0, 19).replace('T', ' '),
          String(a.count),
          clip(a.rule_title, 40),
          clip(a.group_key, 40),
        ]);
        const more = r.next_cursor ? `\nmore: --cursor ${r.next_cursor}` : '';
        return `${table([['ID', 'STATUS', 'SEVERITY', 'LAST SEEN', 'COUNT', 'RULE', 'GROUP'], ...rows])}${more}`;
      });
    });

  // `--url`/`--token` after a subcommand are taken by `alerts` itself (it has them too).
  const conn = (o: Conn): Conn => ({ ...cmd.opts<Conn>(), ...definedOnly(o) });

  withConn(cmd.command('show <id>'))
    .description('one alert with its events and status history')
    .action(async (id: string, o: Conn) => {
      const r = await connect(conn(o)).request<{ alert: AlertView }>(
        'GET',
        `/v1/alerts/${encodeURIComponent(id)}`,
      );
      out().result(r.alert, () => describeAlert(r.alert));
    });

  const change = (name: string, status: string, noteRequired: boolean, what: string) => {
    const c = withConn(cmd.command(`${name} <id>`)).description(what);
    (noteRequired
      ? c.requiredOption('--note <note>', 'why (recorded in the log)')
      : c.option('--note <note>', 'why (recorded in the log)')
    ).action(async (id: string, o: Conn & { note?: string }) => {
      const r = await connect(conn(o)).request<{ alert: AlertView }>(
        'PATCH',
        `/v1/alerts/${encodeURIComponent(id)}`,
        { status, ...(o.note === undefined ? {} : { note: o.note }) },
      );
      out().result(r.alert, () => `${r.alert.id} is now ${r.alert.status}`);
    });
  };
  change('ack', 'acknowledged', false, 'acknowledge an alert (someone is on it)');
  change('resolve', 'resolved', true, 'resolve an alert, saying why');
  change('reopen', 'open', false, 'reopen a resolved or acknowledged alert');
}
