/** Waits `ms`, or less when `signal` aborts (a job being stopped, or woken early). */
export const abortableSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * Lets timers and I/O run. A job that works through a backlog on an in-process store (SQLite
 * answers synchronously, so its promises are already settled) would otherwise hold the event
 * loop for the whole backlog: no request is served until it is done.
 */
export const yieldToEventLoop = (): Promise<void> =>
  new Promise<void>((resolve) => setImmediate(resolve));
