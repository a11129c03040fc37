/** `veritrail sources`: the sources of a tenant and their health (docs/source-health.md). */
import type { Command } from 'commander';
import { table, type Output } from '../output.js';
import { connect, withConn, type Conn } from './client.js';

interface SourceView {
  service: string;
  last_seen: string | null;
  last_received: string | null;
  count: number;
  last_observer_seq: number | null;
  expected_every: string | null;
  status: string;
}

type Opts = Conn & { tenant?: string; expectedEvery?: string; clear?: boolean };
const qs = (o: { tenant?: string }) =>
  o.tenant === undefined ? '' : `?${new URLSearchParams({ tenant: o.tenant }).toString()}`;

export function sourcesCommand(program: Command, out: () => Output): void {
  const cmd = withConn(program.command('sources'))
    .description('sources of a tenant (observer.service): last seen, cadence, status')
    .option('--tenant <tenant>', 'the log (default: the key’s own)')
    .action(async (o: Opts) => {
      const r = await connect(o).request<{ sources: SourceView[] }>('GET', `/v1/sources${qs(o)}`);
      out().result(r.sources, () =>
        r.sources.length === 0
          ? 'no sources'
          : table([
              ['SERVICE', 'STATUS', 'LAST RECEIVED', 'COUNT', 'LAST SEQ', 'EXPECTED EVERY'],
              ...r.sources.map((s) => [
                s.service,
                s.status,
                s.last_received ?? '-',
                String(s.count),
                s.last_observer_seq === null ? '-' : String(s.last_observer_seq),
                s.expected_every ?? '-',
              ]),
            ]),
      );
    });

  // `--url`, `--token` and `--tenant` are `sources`'s own options, wherever they are written:
  // commander gives them to the parent, so they are read merged (optsWithGlobals).
  cmd
    .command('expect <service>')
    .description('set how often a source must send (admin scope); silent past it raises an alert')
    .option('--every <duration>', 'e.g. 15m, 6h, 1d')
    .option('--clear', 'no expectation: the source is never reported silent')
    .action(async (service: string, _o: unknown, c: Command) => {
      const o = c.optsWithGlobals<Opts & { every?: string }>();
      const r = await connect(o).request<{ source: SourceView }>(
        'PUT',
        `/v1/sources/${encodeURIComponent(service)}${qs(o)}`,
        { expected_every: o.clear ? null : (o.every ?? '') },
      );
      out().result(
        r.source,
        () => `${r.source.service}: expected every ${r.source.expected_every ?? '(none)'}`,
      );
    });
}
