/** Main-thread side of the writer thread: request/response over postMessage. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { VeritrailError } from '../../core/errors.js';
import type { AppendRowResult } from './append-writer.js';
import {
  decodeResults,
  transferables,
  type EncodedBatch,
  type EncodedResults,
} from './row-codec.js';
import type { WritePath } from './sqlite-event-store.js';

type Reply = { id: number; results: EncodedResults } | { id: number; error: string };

/** The compiled worker; when running from TypeScript sources (tests), the build output's copy. */
function workerFile(): string {
  const here = fileURLToPath(new URL('./writer-worker.js', import.meta.url));
  if (existsSync(here)) return here;
  const built = here.replace(/([\\/])src([\\/]storage[\\/]sqlite[\\/])/, '$1dist$1src$2');
  if (existsSync(built)) return built;
  throw new VeritrailError('unavailable', `writer worker not found at ${here}; run npm run build`);
}

export class WorkerWritePath implements WritePath {
  private readonly worker: Worker;
  private readonly pending = new Map<
    number,
    { resolve: (r: AppendRowResult[]) => void; reject: (e: Error) => void }
  >();
  private nextId = 1;
  private failed: Error | undefined;
  private closing = false;

  constructor(file: string) {
    this.worker = new Worker(workerFile(), { workerData: { file } });
    this.worker.on('message', (msg: Reply) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if ('error' in msg)
        p.reject(new VeritrailError('unavailable', `append failed: ${msg.error}`));
      else p.resolve(decodeResults(msg.results));
    });
    this.worker.on('error', (e) => this.fail(e));
    // Any exit but our own close is a failure: later appends are refused, never left hanging.
    this.worker.on('exit', (code) => {
      if (!this.closing) this.fail(new Error(`writer thread exited with code ${code}`));
    });
  }

  private fail(e: Error): void {
    this.failed = e;
    for (const p of this.pending.values())
      p.reject(new VeritrailError('unavailable', `writer thread failed: ${e.message}`));
    this.pending.clear();
  }

  get failure(): string | undefined {
    return this.failed && `writer thread failed: ${this.failed.message}`;
  }

  private send(msg: { batch?: EncodedBatch; close?: true }): Promise<AppendRowResult[]> {
    if (this.failed)
      return Promise.reject(
        new VeritrailError('unavailable', `writer thread failed: ${this.failed.message}`),
      );
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...msg }, msg.batch ? transferables(msg.batch) : []);
    });
  }

  append(batch: EncodedBatch): Promise<AppendRowResult[]> {
    return this.send({ batch });
  }

  async close(): Promise<void> {
    if (this.failed) return;
    this.closing = true;
    await this.send({ close: true });
    await this.worker.terminate();
  }
}
