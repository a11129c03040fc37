/** Helper thread for `verify`: checks payload pages while the caller rebuilds the tree. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parentPort, Worker } from 'node:worker_threads';
import { checkPayloadPage, type PayloadPage, type PayloadResult } from './verify-payload.js';

export type PayloadChecker = ((page: PayloadPage) => Promise<PayloadResult>) & {
  close(): Promise<void>;
};

/** In this thread: for tests and for machines with one core. */
export function localPayloadChecker(): PayloadChecker {
  return Object.assign((page: PayloadPage) => Promise.resolve(checkPayloadPage(page)), {
    close: () => Promise.resolve(),
  });
}

/** On a worker thread; falls back to this thread when the compiled worker is not found (tests). */
export function threadPayloadChecker(): PayloadChecker {
  const here = fileURLToPath(import.meta.url).replace(/\.ts$/, '.js');
  const file = existsSync(here) ? here : here.replace(/([\\/])src([\\/]app[\\/])/, '$1dist$1src$2');
  if (!existsSync(file)) return localPayloadChecker();
  const worker = new Worker(file);
  worker.unref();
  const waiting: ((r: PayloadResult) => void)[] = [];
  worker.on('message', (r: PayloadResult) => waiting.shift()?.(r));
  return Object.assign(
    (page: PayloadPage) =>
      new Promise<PayloadResult>((resolve) => {
        waiting.push(resolve);
        worker.postMessage(page, [
          page.seqs.buffer,
          page.salts.buffer,
          page.purged.buffer,
        ] as ArrayBuffer[]);
      }),
    { close: () => worker.terminate().then(() => undefined) },
  );
}

const port = parentPort;
if (port) {
  port.on('message', (page: PayloadPage) => {
    const r = checkPayloadPage(page);
    port.postMessage(r, [r.leafHashes.buffer as ArrayBuffer]);
  });
}
