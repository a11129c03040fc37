/**
 * Linux audit events are imported with their records grouped by type in `raw`
 * (docs/sources/auditd.md: `{"SYSCALL": {…}, "EXECVE": {…}, "PATH": [{…}, {…}]}`), while
 * Sigma rules for `product: linux, service: auditd` are written for one record at a time with
 * its `type` (`type: EXECVE`, `a0: …`). The records are matched one by one, each with its
 * type as the `type` field; a rule matches the event when it matches one of its records.
 */
import type { Target } from './types.js';

const TYPE = /^[A-Z][A-Z0-9_]*$/;
const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The records of an auditd `raw`; a record that already has a `type` is used as it is. */
export function auditdRecords(raw: Target): Target[] {
  if (typeof raw.type === 'string') return [raw];
  const out: Target[] = [];
  for (const [type, value] of Object.entries(raw)) {
    if (!TYPE.test(type)) continue;
    for (const rec of Array.isArray(value) ? (value as unknown[]) : [value])
      if (isObj(rec)) out.push({ ...rec, type });
  }
  return out;
}
