/**
 * The report schedules' folder writer (docs/reports.md "Schedules"): a run's files go into a
 * temporary folder beside the target, each file synced, then the folder is renamed into place,
 * so a reader (or a restart) sees a complete run or none.
 */
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from '../core/crypto.js';

async function syncDir(dir: string): Promise<void> {
  const h = await open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/** Implements the app's ReportSink port (src/app/report-schedules.ts). */
export class ReportFolderSink {
  exists(dir: string): Promise<boolean> {
    return exists(dir);
  }

  async writeRun(
    dir: string,
    files: Readonly<Record<string, string | Uint8Array>>,
  ): Promise<'written' | 'exists'> {
    if (await exists(dir)) return 'exists';
    const parent = dirname(dir);
    await mkdir(parent, { recursive: true });
    const tmp = join(parent, `.${basename(dir)}.tmp-${randomBytes(6).toString('hex')}`);
    await mkdir(tmp);
    try {
      for (const [name, content] of Object.entries(files)) {
        // Names come from the report builder; never let one climb out of the folder.
        if (name !== basename(name) || name.startsWith('.'))
          throw new Error(`refusing file name ${JSON.stringify(name)}`);
        const h = await open(join(tmp, name), 'wx');
        try {
          await h.writeFile(content);
          await h.sync();
        } finally {
          await h.close();
        }
      }
      await syncDir(tmp);
      // rename() would replace an empty folder: the check above leaves only that race.
      if (await exists(dir)) {
        await rm(tmp, { recursive: true, force: true });
        return 'exists';
      }
      try {
        await rename(tmp, dir);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOTEMPTY' || code === 'EEXIST') {
          await rm(tmp, { recursive: true, force: true });
          return 'exists';
        }
        throw e;
      }
      await syncDir(parent);
      return 'written';
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      throw e;
    }
  }
}
