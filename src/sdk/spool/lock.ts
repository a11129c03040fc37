/**
 * Spool lock: `spool.lock` holds the owner's pid and host, created with O_EXCL so two processes
 * never share one spool directory (their records would interleave and cursors clash). A lock
 * whose pid is dead on this host is stale (the owner crashed) and is taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { VeritrailSdkError } from '../errors.js';

export const LOCK_FILE = 'spool.lock';

interface LockInfo {
  pid: number;
  host: string;
}

export function acquireLock(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, host: hostname() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      try {
        writeSync(fd, JSON.stringify(mine));
      } finally {
        closeSync(fd);
      }
      return () => {
        try {
          if (sameLock(readLock(path), mine)) unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(dir, e);
    }
    const owner = readLock(path);
    if (owner && !isStale(owner, mine.host)) {
      throw new VeritrailSdkError(
        'spool_locked',
        `spool directory ${dir} is in use by process ${owner.pid} on ${owner.host}; ` +
          `use one spool directory per process (delete ${LOCK_FILE} only if no process uses it)`,
      );
    }
    // Stale (dead pid on this host) or unreadable (torn by a crash while it was written).
    try {
      unlinkSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(dir, e);
    }
  }
  throw new VeritrailSdkError(
    'spool_locked',
    `spool directory ${dir}: another process took the lock at the same time`,
  );
}

function readLock(path: string): LockInfo | undefined {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (typeof v !== 'object' || v === null) return undefined;
    const { pid, host } = v as Record<string, unknown>;
    if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
    if (typeof host !== 'string') return undefined;
    return { pid, host };
  } catch {
    return undefined;
  }
}

function sameLock(a: LockInfo | undefined, b: LockInfo): boolean {
  return a !== undefined && a.pid === b.pid && a.host === b.host;
}

/** A lock from another host cannot be checked: it is never taken over. */
function isStale(owner: LockInfo, host: string): boolean {
  if (owner.host !== host) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export function ioError(dir: string, e: unknown): VeritrailSdkError {
  const msg = e instanceof Error ? e.message : String(e);
  return new VeritrailSdkError('spool_io', `spool directory ${dir}: ${msg}`, [], { cause: e });
}
