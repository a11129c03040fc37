import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { runReportIndexStoreContract } from '../report-index-store.contract.js';
import { openSqliteStore } from './sqlite-store.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

runReportIndexStoreContract('sqlite', () => {
  const d = mkdtempSync(join(tmpdir(), 'veritrail-report-index-'));
  dirs.push(d);
  return openSqliteStore({ dataDir: d, writerThread: false });
});
