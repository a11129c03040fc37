#!/usr/bin/env node
// The `veritrail` command. Runs the compiled CLI (npm ci builds it through the prepare script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('veritrail is not built: run `npm run build` (npm ci does it for you)\n');
  process.exit(70);
}
await import(entry.href);
