#!/usr/bin/env -S node --max-semi-space-size=64
// The `veritrail` command. Runs the compiled CLI (npm ci builds it through the prepare script).
// --max-semi-space-size: ingest allocates many short-lived objects per event; a larger young
// generation cuts scavenge time (about +12% HTTP ingest in bench/). `npm start` passes it too.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('veritrail is not built: run `npm run build` (npm ci does it for you)\n');
  process.exit(70);
}
await import(entry.href);
