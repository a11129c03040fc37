/** A real `veritrail serve` process for the HTTP benchmarks (port 0, admin token set). */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const ADMIN = 'bench-admin-token-0123456789abcdef';

export interface BenchServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** `env` adds to the environment (e.g. VERITRAIL_DATABASE_URL); BENCH_PROF writes CPU profiles. */
export function startServer(dir: string, env: Record<string, string> = {}): Promise<BenchServer> {
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
          stop: () => new Promise((r) => (child.once('exit', () => r()), child.kill('SIGTERM'))),
        });
    });
    child.once('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
}
