/**
 * File destination: JSON lines appended to one file, fsynced after each batch, rotated when it
 * would exceed `max_bytes` (path → path.1 → … → path.5; the oldest is dropped). The path was
 * checked to lie under the outbound folder when the stream was configured.
 */
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Destination, OutboundEvent } from '../app/ports.js';

export const KEEP_ROTATED = 5;

export interface FileConfig {
  readonly path: string;
  readonly max_bytes: number;
}

export class FileDestination implements Destination {
  constructor(private readonly cfg: FileConfig) {}

  private async rotate(): Promise<void> {
    const p = this.cfg.path;
    await rm(`${p}.${KEEP_ROTATED}`, { force: true });
    for (let i = KEEP_ROTATED - 1; i >= 1; i--)
      await rename(`${p}.${i}`, `${p}.${i + 1}`).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
    await rename(p, `${p}.1`);
  }

  async send(events: readonly OutboundEvent[]): Promise<void> {
    const data = Buffer.from(events.map((e) => `${JSON.stringify(e)}\n`).join(''), 'utf8');
    await mkdir(dirname(this.cfg.path), { recursive: true, mode: 0o700 });
    const size = await stat(this.cfg.path).then(
      (s) => s.size,
      () => 0,
    );
    if (size > 0 && size + data.length > this.cfg.max_bytes) await this.rotate();
    const fh = await open(this.cfg.path, 'a', 0o600);
    try {
      await fh.write(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
