/** `veritrail reviews …`: review tasks, reviews and sign-offs over the HTTP API (docs/reviews.md). */
import type { Command } from 'commander';
import { table, type Output } from '../output.js';
import { connect, withConn, type Conn } from './client.js';

interface TaskView {
  id: string;
  name: string;
  scope: string;
  period: string;
  every: string;
  assignee: string;
  next_due: string;
}

interface ReviewView {
  id: string;
  name: string;
  from: string;
  to: string;
  status: string;
  sign_off: { decision: string; note: string; by: string; at: string } | null;
  packet?: { events?: number; alerts?: number; by_action?: Record<string, number> };
}

type TenantOpts = Conn & { tenant?: string };
const qs = (pairs: Record<string, string | undefined>): string => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(pairs)) if (v !== undefined) p.set(k, v);
  const s = p.toString();
  return s === '' ? '' : `?${s}`;
};

const describeReview = (r: ReviewView) =>
  [
    `${r.id}  ${r.name}  ${r.from} .. ${r.to}  ${r.status}`,
    ...(r.packet
      ? [
          `  events in scope ${r.packet.events ?? 0}, alerts raised ${r.packet.alerts ?? 0}`,
          ...Object.entries(r.packet.by_action ?? {}).map(([a, n]) => `    ${a}  ${n}`),
        ]
      : []),
    ...(r.sign_off
      ? [
          `  signed off: ${r.sign_off.decision} by ${r.sign_off.by} at ${r.sign_off.at}: ${r.sign_off.note}`,
        ]
      : []),
  ].join('\n');

export function reviewsCommand(program: Command, out: () => Output): void {
  const cmd = program.command('reviews').description('scheduled log reviews and their sign-offs');
  const tenantOpt = (c: Command) =>
    c.option('--tenant <tenant>', 'the log (default: the key’s own)');

  tenantOpt(withConn(cmd.command('tasks')))
    .description('list the review tasks of a tenant')
    .action(async (o: TenantOpts) => {
      const r = await connect(o).request<{ tasks: TaskView[] }>(
        'GET',
        `/v1/review-tasks${qs({ tenant: o.tenant })}`,
      );
      out().result(r.tasks, () =>
        r.tasks.length === 0
          ? 'no review tasks'
          : table([
              ['NAME', 'SCOPE', 'PERIOD', 'EVERY', 'ASSIGNEE', 'NEXT DUE'],
              ...r.tasks.map((t) => [
                t.name,
                t.scope || '(all)',
                t.period,
                t.every,
                t.assignee,
                t.next_due,
              ]),
            ]),
      );
    });

  tenantOpt(withConn(cmd.command('create-task <name>')))
    .description('create a review task (admin scope)')
    .requiredOption('--period <duration>', 'the span each review covers, e.g. 7d')
    .requiredOption('--assignee <role>', 'an API key scope (read, admin) or a role name')
    .option('--scope <query>', 'the events reviewed (default: all)')
    .option('--every <duration>', 'how often a review opens (default: the period)')
    .option('--starts <date>', 'YYYY-MM-DD the schedule starts from (default: today)')
    .action(
      async (
        name: string,
        o: TenantOpts & {
          period: string;
          assignee: string;
          scope?: string;
          every?: string;
          starts?: string;
        },
      ) => {
        const body = {
          name,
          period: o.period,
          assignee: o.assignee,
          ...(o.scope === undefined ? {} : { scope: o.scope }),
          ...(o.every === undefined ? {} : { every: o.every }),
          ...(o.starts === undefined ? {} : { starts: o.starts }),
        };
        const r = await connect(o).request<{ task: TaskView }>(
          'POST',
          `/v1/review-tasks${qs({ tenant: o.tenant })}`,
          body,
        );
        out().result(
          r.task,
          () => `created ${r.task.name} (${r.task.id}), next due ${r.task.next_due}`,
        );
      },
    );

  tenantOpt(withConn(cmd.command('list')))
    .description('list the reviews of a tenant, newest first')
    .option('--status <status>', 'open or signed_off')
    .action(async (o: TenantOpts & { status?: string }) => {
      const r = await connect(o).request<{ reviews: ReviewView[] }>(
        'GET',
        `/v1/reviews${qs({ tenant: o.tenant, status: o.status })}`,
      );
      out().result(r.reviews, () =>
        r.reviews.length === 0 ? 'no reviews' : r.reviews.map(describeReview).join('\n'),
      );
    });

  withConn(cmd.command('show <id>'))
    .description('a review with its packet')
    .action(async (id: string, o: Conn) => {
      const r = await connect(o).request<{ review: ReviewView }>(
        'GET',
        `/v1/reviews/${encodeURIComponent(id)}`,
      );
      out().result(r.review, () => describeReview(r.review));
    });

  withConn(cmd.command('sign-off <id>'))
    .description('sign off a review (once): recorded in the log as review.signed_off')
    .requiredOption('--decision <decision>', 'approved, exceptions_noted or rejected')
    .requiredOption('--note <text>', 'what was reviewed and found')
    .action(async (id: string, o: Conn & { decision: string; note: string }) => {
      const r = await connect(o).request<{ review: ReviewView }>(
        'POST',
        `/v1/reviews/${encodeURIComponent(id)}/sign-off`,
        { decision: o.decision, note: o.note },
      );
      out().result(r.review, () => describeReview(r.review));
    });
}
