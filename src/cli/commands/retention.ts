/**
 * `veritrail retention …`: retention policies, legal holds and purges over the HTTP API
 * (docs/retention.md). Every command, `purge --dry-run` included, goes through a running
 * server: its admin scope check and audit trail apply, and a purge runs where the store's
 * writers are.
 */
import type { Command } from 'commander';
import { table, type Output } from '../output.js';
import { connect, withConn, type Conn } from './client.js';

interface PolicyView {
  tenant: string;
  name: string;
  scope: string;
  min: string;
  max: string | null;
  updated_at: string;
}

interface HoldView {
  id: string;
  tenant: string;
  scope: string;
  reason: string;
  created_by: string;
  created_at: string;
  active: boolean;
  released_at: string | null;
  released_by: string | null;
  release_reason: string | null;
}

interface PurgeView {
  tenant: string;
  dry_run: boolean;
  at: string;
  purged: number;
  policies: { policy: string; scope: string; before: string; count: number; seq_ranges: string }[];
}

type TenantOpts = Conn & { tenant?: string };
const tenantQs = (o: { tenant?: string }, extra = ''): string => {
  const p = new URLSearchParams();
  if (o.tenant !== undefined) p.set('tenant', o.tenant);
  if (extra) p.set(extra, 'true');
  const s = p.toString();
  return s === '' ? '' : `?${s}`;
};
const scopeText = (s: string) => (s === '' ? '(whole tenant)' : s);

const describePolicy = (p: PolicyView) =>
  `${p.name}  scope ${scopeText(p.scope)}  min ${p.min}  max ${p.max ?? 'never'}`;
const describeHold = (h: HoldView) =>
  [
    `${h.id}  ${h.active ? 'active' : 'released'}  scope ${scopeText(h.scope)}`,
    `  reason   ${h.reason} (${h.created_by}, ${h.created_at})`,
    ...(h.active
      ? []
      : [`  released ${h.release_reason ?? ''} (${h.released_by ?? ''}, ${h.released_at ?? ''})`]),
  ].join('\n');

export function retentionCommand(program: Command, out: () => Output): void {
  const cmd = program
    .command('retention')
    .description('retention policies, legal holds and purges (admin scope on the tenant)');
  const tenantOpt = (c: Command) =>
    c.option('--tenant <tenant>', 'the log (default: the key’s own)');

  tenantOpt(withConn(cmd.command('policies')))
    .description('list the retention policies of a tenant')
    .action(async (o: TenantOpts) => {
      const r = await connect(o).request<{ policies: PolicyView[] }>(
        'GET',
        `/v1/retention-policies${tenantQs(o)}`,
      );
      out().result(r.policies, () =>
        r.policies.length === 0
          ? 'no retention policies'
          : table([
              ['NAME', 'SCOPE', 'MIN', 'MAX', 'UPDATED'],
              ...r.policies.map((p) => [
                p.name,
                scopeText(p.scope),
                p.min,
                p.max ?? 'never',
                p.updated_at,
              ]),
            ]),
      );
    });

  tenantOpt(withConn(cmd.command('set <name>')))
    .description('create or replace a policy (refused if a maximum undercuts a minimum)')
    .option('--scope <query>', 'events this policy covers (default: the whole tenant)')
    .option('--min <days>', 'keep at least this long, e.g. 365d')
    .option('--max <days>', 'purge after this long, e.g. 2555d')
    .action(
      async (name: string, o: TenantOpts & { scope?: string; min?: string; max?: string }) => {
        const body = {
          ...(o.scope === undefined ? {} : { scope: o.scope }),
          ...(o.min === undefined ? {} : { min: o.min }),
          ...(o.max === undefined ? {} : { max: o.max }),
        };
        const r = await connect(o).request<{ policy: PolicyView }>(
          'PUT',
          `/v1/retention-policies/${encodeURIComponent(name)}${tenantQs(o)}`,
          body,
        );
        out().result(r.policy, () => `set ${describePolicy(r.policy)}`);
      },
    );

  tenantOpt(withConn(cmd.command('delete <name>')))
    .description('delete a policy (refused if the policies left would conflict)')
    .action(async (name: string, o: TenantOpts) => {
      await connect(o).request(
        'DELETE',
        `/v1/retention-policies/${encodeURIComponent(name)}${tenantQs(o)}`,
      );
      out().result({ deleted: name }, () => `deleted policy ${name}`);
    });

  tenantOpt(withConn(cmd.command('holds')))
    .description('list the legal holds of a tenant, released ones included')
    .action(async (o: TenantOpts) => {
      const r = await connect(o).request<{ holds: HoldView[] }>(
        'GET',
        `/v1/legal-holds${tenantQs(o)}`,
      );
      out().result(r.holds, () =>
        r.holds.length === 0 ? 'no legal holds' : r.holds.map(describeHold).join('\n'),
      );
    });

  tenantOpt(withConn(cmd.command('hold')))
    .description('place a legal hold: nothing in its scope is purged until it is released')
    .requiredOption('--reason <text>', 'why (kept with the hold and in the audit trail)')
    .option('--scope <query>', 'events held (default: the whole tenant)')
    .action(async (o: TenantOpts & { reason: string; scope?: string }) => {
      const r = await connect(o).request<{ hold: HoldView }>(
        'POST',
        `/v1/legal-holds${tenantQs(o)}`,
        { reason: o.reason, ...(o.scope === undefined ? {} : { scope: o.scope }) },
      );
      out().result(r.hold, () => `placed ${describeHold(r.hold)}`);
    });

  withConn(cmd.command('release <id>'))
    .description('release a legal hold (once; the hold is kept)')
    .requiredOption('--reason <text>', 'why it is released')
    .action(async (id: string, o: Conn & { reason: string }) => {
      const r = await connect(o).request<{ hold: HoldView }>(
        'POST',
        `/v1/legal-holds/${encodeURIComponent(id)}/release`,
        { reason: o.reason },
      );
      out().result(r.hold, () => `released ${describeHold(r.hold)}`);
    });

  tenantOpt(withConn(cmd.command('purge')))
    .description('purge expired entries of a tenant now (the server also does so hourly)')
    .option('--dry-run', 'report what would be purged; change nothing')
    .action(async (o: TenantOpts & { dryRun?: boolean }) => {
      const r = await connect(o).request<PurgeView>(
        'POST',
        `/v1/retention/purge${tenantQs(o, o.dryRun ? 'dry_run' : '')}`,
      );
      out().result(r, () =>
        [
          `${r.dry_run ? 'would purge' : 'purged'} ${r.purged} entries of ${r.tenant}`,
          ...(r.policies.length === 0
            ? ['  (no policy with a max)']
            : r.policies.map(
                (p) =>
                  `  ${p.policy}  scope ${scopeText(p.scope)}  before ${p.before}  ${p.count} entries${p.seq_ranges ? `  seq ${p.seq_ranges}` : ''}`,
              )),
        ].join('\n'),
      );
    });
}
