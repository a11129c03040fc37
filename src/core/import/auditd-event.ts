/** One grouped Linux audit event → event schema v1 (docs/sources/auditd.md#mapping). */
import type { EventInput } from '../event/schema.js';
import type { AuditGroup, AuditRecord } from './auditd.js';
import { errnoName, syscallName } from './auditd-syscalls.js';
import { AUXILIARY, TYPE_CATEGORY, categoryOf } from './auditd-types.js';
import { asId, clip, isIp, segment, type ImportOptions, type Obj } from './types.js';

type Outcome = NonNullable<EventInput['outcome']>;
type Target = NonNullable<EventInput['targets']>[number];

/** `4294967295` (and `-1`) is "not set": a daemon, or a process from before login. */
const UNSET = new Set(['4294967295', '-1', 'unset']);

/** Event for one group, or the reason it cannot be one. */
export function mapAuditEvent(g: AuditGroup, opts: ImportOptions): EventInput | string {
  const recs = g.records;
  const id = `audit(${g.time}:${g.serial})`;
  if (recs.length === 0) return `event ${id} has only an EOE record`;
  if (g.seconds > 253402300799) return `time of ${id} is after the year 9999`;
  const syscall = recs.find((r) => r.rec.type === 'SYSCALL');
  const primary = recs.find((r) => !AUXILIARY.has(r.rec.type)) ?? syscall ?? recs[0]!;
  /** A field of the primary record, else of the SYSCALL, else of any record. */
  const field = (k: string): string | undefined => {
    for (const r of [primary, ...(syscall ? [syscall] : []), ...recs]) {
      const v = r.rec.fields[k];
      if (v !== undefined && v !== '?' && v !== '(null)' && v !== '') return v;
    }
    return undefined;
  };
  const type = primary.rec.type;
  const sysName = syscall ? syscallOf(syscall) : undefined;
  const action =
    type === 'SYSCALL'
      ? `auditd.syscall${sysName ? `.${segment(sysName)}` : ''}`
      : `auditd.${segment(type.toLowerCase())}`;
  const actor = actorOf(type, field);
  const outcome = outcomeOf(primary, syscall);
  const addr = field('addr');
  // `hostname` is the remote peer's name when the service knows it, the local host otherwise.
  const host = field('hostname');
  const ip =
    addr !== undefined && isIp(addr) ? addr : host !== undefined && isIp(host) ? host : undefined;
  const node = g.node === undefined ? undefined : asId(g.node);
  const event: EventInput = {
    id: asId(`${node ?? 'host'}-${g.time}:${g.serial}`.slice(-256)) ?? `host-${g.time}:${g.serial}`,
    ...(opts.tenant !== undefined ? { tenant: opts.tenant } : {}),
    action: action.slice(0, 256),
    category: categoryOf(type, sysName),
    outcome,
    actor,
    observer: { service: 'auditd', ...(node ? { host: node } : {}) },
    occurred_at: `${new Date(g.seconds * 1000).toISOString().slice(0, 19)}.${g.fraction}Z`,
    raw: rawOf(recs),
  };
  if (outcome === 'failure') {
    const reason = reasonOf(primary, syscall);
    if (reason) event.reason = clip(reason);
  }
  if (ip) event.source = { ip };
  const targets = targetsOf(recs, actor.id, field);
  if (targets.length > 0) event.targets = targets;
  const metadata = metadataOf(recs, field, sysName);
  if (addr && !isIp(addr)) metadata.source_address = clip(addr, 256);
  if (Object.keys(metadata).length > 0) event.metadata = metadata;
  return event;
}

function syscallOf(r: AuditRecord): string | undefined {
  const f = r.rec.fields;
  const named = f.SYSCALL;
  if (named !== undefined && /^[a-z0-9_]{1,64}$/.test(named)) return named;
  const nr = f.syscall;
  if (nr === undefined) return undefined;
  return syscallName(f.arch, nr) ?? nr;
}

function actorOf(type: string, field: (k: string) => string | undefined): EventInput['actor'] {
  const auid = field('auid');
  const name = field('AUID');
  const ses = field('ses');
  const session = ses !== undefined && !UNSET.has(ses) ? asId(ses) : undefined;
  const euid = field('euid');
  const base = {
    ...(session ? { session_id: session } : {}),
    ...(type === 'SYSCALL' && euid !== undefined ? { privileged: euid === '0' } : {}),
  };
  if (auid !== undefined && !UNSET.has(auid) && name !== 'unset') {
    const id = (name !== undefined ? asId(name) : undefined) ?? asId(auid);
    if (id) return { id, type: 'user', ...base };
  }
  // Before login completes there is no audit uid: the account trying to log in acts.
  const acct = field('acct');
  const category = Object.hasOwn(TYPE_CATEGORY, type) ? TYPE_CATEGORY[type] : undefined;
  if (acct && (category === 'authentication' || category === 'authorization')) {
    const id = asId(acct);
    if (id) return { id, type: 'user', ...base };
  }
  return { id: 'unset', type: 'system', ...base };
}

function outcomeOf(primary: AuditRecord, syscall: AuditRecord | undefined): Outcome {
  const res = primary.rec.fields.res;
  if (res !== undefined) {
    if (/^(success|yes|1)$/.test(res)) return 'success';
    if (/^(failed|failure|fail|no|0)$/.test(res)) return 'failure';
  }
  if (/(^|\s)denied(\s|$)/.test(primary.rec.words)) return 'failure';
  if (/(^|\s)granted(\s|$)/.test(primary.rec.words)) return 'success';
  const success = (syscall ?? primary).rec.fields.success;
  if (success === 'yes') return 'success';
  if (success === 'no') return 'failure';
  return 'unknown';
}

function reasonOf(primary: AuditRecord, syscall: AuditRecord | undefined): string | undefined {
  const f = primary.rec.fields;
  if (f.res !== undefined) return `${f.op ?? primary.rec.type.toLowerCase()} ${f.res}`;
  if (primary.rec.words !== '') return primary.rec.words.replace(/ for$/, '');
  const exit = syscall?.rec.fields.exit;
  if (exit === undefined) return undefined;
  const errno = errnoName(exit);
  return `exit=${exit}${errno ? ` (${errno})` : ''}`;
}

function targetsOf(
  recs: AuditRecord[],
  actorId: string,
  field: (k: string) => string | undefined,
): Target[] {
  const targets: Target[] = [];
  const add = (t: Target) => {
    if (!targets.some((x) => x.id === t.id)) targets.push(t);
  };
  const acct = field('acct');
  if (acct !== undefined && acct !== actorId) {
    const id = asId(acct);
    if (id) add({ id, type: 'user' });
  }
  const cwd = field('cwd');
  for (const r of recs) {
    const f = r.rec.fields;
    if (r.rec.type !== 'PATH' || f.nametype === 'PARENT' || f.name === undefined) continue;
    if (f.name === '(null)') continue;
    const full = f.name.startsWith('/') || cwd === undefined ? f.name : `${cwd}/${f.name}`;
    const id = asId(full) ?? (f.inode ? asId(`inode:${f.inode}`) : undefined);
    if (id) add({ id, type: 'file', ...(id !== full ? { name: clip(full) } : {}) });
  }
  const exe = field('exe');
  const exeId = exe === undefined ? undefined : asId(exe);
  if (exeId) add({ id: exeId, type: 'executable' });
  return targets.slice(0, 64);
}

function commandOf(recs: AuditRecord[]): string | undefined {
  const execve = recs.find((r) => r.rec.type === 'EXECVE')?.rec.fields;
  if (execve) {
    const argc = Math.min(Number(execve.argc ?? 0) || 0, 10000);
    const args: string[] = [];
    for (let i = 0; i < argc; i++) {
      const a = execve[`a${i}`];
      if (a !== undefined) args.push(a);
    }
    if (args.length > 0) return args.join(' ');
  }
  const title = recs.find((r) => r.rec.type === 'PROCTITLE')?.rec.fields.proctitle;
  return title ?? recs.find((r) => r.rec.fields.cmd !== undefined)?.rec.fields.cmd;
}

const META_FIELDS = [
  'op',
  'auid',
  'uid',
  'euid',
  'ses',
  'pid',
  'ppid',
  'comm',
  'exe',
  'tty',
  'terminal',
  'cwd',
  'hostname',
  'exit',
  'arch',
  'syscall',
] as const;

function metadataOf(
  recs: AuditRecord[],
  field: (k: string) => string | undefined,
  sysName: string | undefined,
): Obj {
  const m: Obj = {};
  for (const k of META_FIELDS) {
    const v = field(k);
    if (v !== undefined) m[k] = clip(v, 256);
  }
  if (sysName !== undefined) m.syscall_name = sysName;
  // Several rule keys are joined by 0x01 in one field.
  const key = field('key');
  if (key !== undefined) m.key = clip(key.split('\x01').join(','), 256);
  const command = commandOf(recs);
  if (command !== undefined) m.command = clip(command);
  return m;
}

/** Records by type: an object for a type that occurs once, an array for one that repeats. */
function rawOf(recs: AuditRecord[]): Obj {
  const byType = new Map<string, Obj[]>();
  for (const r of recs) {
    const entries = Object.entries(r.rec.fields);
    // An object holds at most LIMITS.objectKeys entries; long EXECVE argument lists are cut.
    const kept = entries.slice(0, 250);
    const o: Obj = Object.fromEntries(kept);
    if (r.rec.words !== '') o._words = clip(r.rec.words);
    if (kept.length < entries.length) o._dropped_fields = entries.length - kept.length;
    const list = byType.get(r.rec.type) ?? [];
    list.push(o);
    byType.set(r.rec.type, list);
  }
  return Object.fromEntries(
    [...byType].map(([t, list]) => [t, list.length === 1 ? list[0]! : list] as const),
  );
}
