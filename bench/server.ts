/** A real `veritrail serve` process for the HTTP benchmarks (port 0, admin token set). */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const ADMIN = 'bench-admin-token-0123456789abcdef';

export interface BenchServer {
  readonly url: string;
  /** What the server printed on stdout up to its listening line (bound ports, …). */
  readonly banner: string;
  stop(): Promise<void>;
}

/** `env` adds to the environment (e.g. VERITRAIL_DATABASE_URL); BENCH_PROF writes CPU profiles. */
export function startServer(
  dir: string,
  env: Record<string, string> = {},
  args: readonly string[] = [],
): Promise<BenchServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        ...(process.env.BENCH_PROF
          ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`]
          : []),
        '--max-semi-space-size=64',
        join(ROOT, 'bin/veritrail.js'),
        'serve',
        '--port',
        '0',
        '--data',
        dir,
        ...args,
      ],
      {
        env: { ...process.env, VERITRAIL_ADMIN_TOKEN: ADMIN, ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m)
        resolve({
          url: m[1]!,
          banner: out,
          stop: () => new Promise((r) => (child.once('exit', () => r()), child.kill('SIGTERM'))),
        });
    });
    child.once('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
}

/**
 * HTTP ingest load: `clients` concurrent producers POST the pre-serialised `bodies` (cycled; the
 * server assigns fresh ids, so client CPU stays small) of `batch` events each, spread over
 * `urls`, until `total` events are acknowledged. Returns events per second.
 */
export async function postLoad(opts: {
  readonly urls: readonly string[];
  readonly bodies: readonly string[];
  readonly batch: number;
  readonly total: number;
  readonly clients: number;
}): Promise<number> {
  let sent = 0;
  let b = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: opts.clients }, async (_, client) => {
      const url = opts.urls[client % opts.urls.length]!;
      while (sent < opts.total) {
        sent += opts.batch;
        const res = await fetch(`${url}/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
          body: opts.bodies[b++ % opts.bodies.length]!,
        });
        if (res.status !== 201) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
      }
    }),
  );
  return sent / ((performance.now() - started) / 1000);
}
