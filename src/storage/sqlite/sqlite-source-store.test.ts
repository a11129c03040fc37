import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { runSourceStoreContract } from '../source-store.contract.js';
import { openSqliteStore } from './sqlite-store.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

runSourceStoreContract('sqlite', () => {
  const d = mkdtempSync(join(tmpdir(), 'veritrail-sources-'));
  dirs.push(d);
  return openSqliteStore({ dataDir: d, writerThread: false });
});
