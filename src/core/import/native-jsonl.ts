/**
 * Veritrail's own JSONL (one event input per line, docs/log-format.md §2). Lines are passed
 * through; the tenant option fills in a missing tenant. Each line is checked against the
 * schema here so a bad line is reported with its line number rather than failing a batch.
 */
import type { EventInput } from '../event/schema.js';
import {
  finalise,
  isObj,
  readLines,
  skip,
  sortSkips,
  type ImportOptions,
  type ImportResult,
} from './types.js';

export function importNativeJsonl(text: string, opts: ImportOptions): ImportResult {
  const out: ImportResult = { events: [], skipped: [] };
  const { records, skipped } = readLines(text);
  out.skipped.push(...skipped);
  for (const at of records) {
    if (!isObj(at.value)) {
      skip(at, 'line must be a JSON object', out);
      continue;
    }
    const event = (
      'tenant' in at.value || opts.tenant === undefined
        ? at.value
        : { ...at.value, tenant: opts.tenant }
    ) as EventInput;
    finalise(event, at, out);
  }
  return sortSkips(out);
}
