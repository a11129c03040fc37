/**
 * Linux audit importer against test/fixtures/import/auditd (records written from the Linux
 * audit documentation: see test/fixtures/import/README.md).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normaliseEvent } from '../event/validate.js';
import { importAuditd } from './auditd.js';

const DIR = new URL('../../../test/fixtures/import/auditd/', import.meta.url);
const fixture = (f: string) => readFileSync(new URL(f, DIR), 'utf8');
const CTX = { defaultTenant: 'acme', receivedAt: '2026-01-01T00:00:00.000Z', newId: () => 'gen' };
const opts = { tenant: 'acme' };
const log = fixture('audit.log');
const lines = log.split('\n');

describe('auditd importer on the fixtures', () => {
  it('groups every record into its event, with no skips, all valid', () => {
    const plain = importAuditd(log, opts);
    const enriched = importAuditd(fixture('audit-enriched.log'), opts);
    expect(plain.skipped).toEqual([]);
    expect(enriched.skipped).toEqual([]);
    expect(plain.events).toHaveLength(13);
    expect(enriched.events).toHaveLength(4);
    for (const e of [...plain.events, ...enriched.events])
      expect(normaliseEvent(e, CTX).ok).toBe(true);
    expect(plain.events.map((e) => e.action)).toEqual([
      'auditd.syscall.execve',
      'auditd.syscall.openat',
      'auditd.user_auth',
      'auditd.user_cmd',
      'auditd.user_auth',
      'auditd.user_login',
      'auditd.user_acct',
      'auditd.cred_acq',
      'auditd.login',
      'auditd.user_login',
      'auditd.add_user',
      'auditd.config_change',
      'auditd.syscall.mkdir',
    ]);
  });

  it('maps an execve of sudo from interleaved SYSCALL, EXECVE, CWD, PATH, PROCTITLE records', () => {
    const e = importAuditd(log, opts).events[0]!;
    expect(e.id).toBe('host-1732615200.123:4567');
    expect(e.tenant).toBe('acme');
    expect(e.category).toBe('other');
    expect(e.outcome).toBe('success');
    expect(e.occurred_at).toBe('2024-11-26T10:00:00.123Z');
    expect(e.actor).toEqual({ id: '1000', type: 'user', session_id: '3', privileged: true });
    expect(e.targets).toEqual([
      { id: '/usr/bin/sudo', type: 'file' },
      { id: '/lib64/ld-linux-x86-64.so.2', type: 'file' },
    ]);
    expect(e.source).toBeUndefined();
    expect(e.observer).toEqual({ service: 'auditd' });
    expect(e.metadata).toMatchObject({
      key: 'priv_esc',
      syscall: '59',
      syscall_name: 'execve',
      command: 'sudo systemctl restart nginx',
      cwd: '/home/alice',
    });
    const raw = e.raw as Record<string, unknown>;
    expect(Object.keys(raw)).toEqual(['SYSCALL', 'EXECVE', 'CWD', 'PATH', 'PROCTITLE']);
    expect(raw.PATH).toHaveLength(2);
    expect(raw.PROCTITLE).toEqual({ proctitle: 'sudo systemctl restart nginx' });
  });

  it('maps a denied open of /etc/shadow and failed and successful ssh logins', () => {
    const r = importAuditd(log, opts).events;
    const shadow = r[1]!;
    expect(shadow.outcome).toBe('failure');
    expect(shadow.reason).toBe('exit=-13 (EACCES)');
    expect(shadow.category).toBe('data');
    expect(shadow.actor.id).toBe('1001');
    expect(shadow.targets).toEqual([
      { id: '/etc/shadow', type: 'file' },
      { id: '/usr/bin/cat', type: 'executable' },
    ]);
    const failed = r[5]!;
    expect(failed.action).toBe('auditd.user_login');
    expect(failed.outcome).toBe('failure');
    expect(failed.reason).toBe('login failed');
    expect(failed.category).toBe('authentication');
    expect(failed.actor).toEqual({ id: 'alice', type: 'user' });
    expect(failed.source).toEqual({ ip: '203.0.113.45' });
    expect(failed.occurred_at).toBe('2024-11-26T10:01:02.871Z');
    expect(failed.targets).toEqual([{ id: '/usr/sbin/sshd', type: 'executable' }]);
    const ok = r[9]!;
    expect(ok.outcome).toBe('success');
    expect(ok.actor).toEqual({ id: '1001', type: 'user', session_id: '5' });
    expect(ok.source).toEqual({ ip: '2001:db8::7' });
  });

  it('maps sudo commands, useradd and a hex-encoded path with a space', () => {
    const r = importAuditd(log, opts).events;
    expect(r[3]!.category).toBe('admin');
    expect(r[3]!.metadata).toMatchObject({ command: 'systemctl restart nginx' });
    const add = r[10]!;
    expect(add.category).toBe('account');
    expect(add.metadata).toMatchObject({ op: 'adding user', hostname: 'web-01' });
    expect(add.source).toBeUndefined();
    expect(add.targets?.[0]).toEqual({ id: 'carol', type: 'user' });
    expect(r[11]!.category).toBe('audit');
    const mkdir = r[12]!;
    expect(mkdir.reason).toBe('exit=-17 (EEXIST)');
    expect(mkdir.category).toBe('change');
    expect(mkdir.targets?.[0]).toEqual({ id: 'inode:1311002', type: 'file', name: '/tmp/my dir' });
    expect(mkdir.metadata).toMatchObject({ command: 'mkdir my dir' });
  });

  it('uses ENRICHED names and node=, and reads an SELinux denial', () => {
    const [curl, root, passwd, avc] = importAuditd(fixture('audit-enriched.log'), opts).events;
    expect(curl!.id).toBe('web-02-1732620000.456:9120');
    expect(curl!.observer).toEqual({ service: 'auditd', host: 'web-02' });
    expect(curl!.actor).toEqual({ id: 'dave', type: 'user', session_id: '7', privileged: false });
    expect(curl!.metadata).toMatchObject({ command: 'curl -o /tmp/x y.sh', key: 'net_tools' });
    expect(root!.actor).toEqual({ id: 'root', type: 'user' });
    expect(root!.outcome).toBe('failure');
    expect(root!.source).toEqual({ ip: '192.0.2.99' });
    expect(passwd!.actor.id).toBe('dave');
    expect(passwd!.targets?.[0]).toEqual({ id: 'erin', type: 'user' });
    expect(avc!.action).toBe('auditd.avc');
    expect(avc!.category).toBe('authorization');
    expect(avc!.outcome).toBe('failure');
    expect(avc!.reason).toBe('avc: denied { read }');
    expect(avc!.actor).toEqual({ id: 'unset', type: 'system' });
    expect(avc!.targets?.[0]).toEqual({ id: '/home/dave/.ssh/id_rsa', type: 'file' });
    expect(avc!.metadata).toMatchObject({ syscall_name: 'openat' });
  });
});

describe('auditd importer bad input and conflicts', () => {
  const at = (t: string) => `msg=audit(1732615200.123:${t}):`;

  it('skips lines that do not parse, with their line numbers, and keeps the rest', () => {
    const text = [
      lines[0],
      'this is not an audit record',
      `type=SYSCALL ${at('77')} comm="unterminated`,
      '',
      '----',
      Buffer.from([0x00, 0xff, 0x1b, 0x5b, 0x32, 0x4a, 0x80]).toString('latin1'),
      `type=SYSCALL msg=audit(999999999999.1:1): syscall=59 success=yes auid=0`,
      `type=EOE ${at('5000')} `,
      lines[1],
    ].join('\r\n');
    const r = importAuditd(text, opts);
    expect(r.events.map((e) => e.id)).toEqual(['host-1732615200.123:4567']);
    expect(r.skipped).toEqual([
      { line: 2, index: null, reason: expect.stringMatching(/^not an audit record/) as unknown },
      { line: 3, index: null, reason: 'unterminated quoted value of field comm' },
      { line: 6, index: null, reason: expect.stringMatching(/^not an audit record/) as unknown },
      { line: 7, index: null, reason: 'time of audit(999999999999.1:1) is after the year 9999' },
      { line: 8, index: null, reason: 'event audit(1732615200.123:5000) has only an EOE record' },
    ]);
    for (const s of r.skipped) expect(s.reason).toMatch(/^[\x20-\x7e]*$/);
  });

  it('drops repeated lines and refuses records that contradict their event', () => {
    const text = [
      lines[0], // SYSCALL 4567
      lines[1], // EXECVE 4567
      lines[0], // the same SYSCALL again (overlapping files)
      `type=SYSCALL ${at('4567')} arch=c000003e syscall=2 success=no exit=-2 auid=0`,
      lines[5], // PATH item=0
      lines[5]!.replace('/usr/bin/sudo', '/usr/bin/other'),
      lines[10], // EOE
      lines[3], // CWD after EOE
    ].join('\n');
    const r = importAuditd(text, opts);
    expect(r.events).toHaveLength(1);
    const e = r.events[0]!;
    expect(e.action).toBe('auditd.syscall.execve');
    expect(e.targets?.[0]).toEqual({ id: '/usr/bin/sudo', type: 'file' });
    expect(r.skipped).toEqual([
      { line: 3, index: null, reason: 'duplicate of line 1' },
      {
        line: 4,
        index: null,
        reason: 'conflicts with line 1: a second SYSCALL record for audit(1732615200.123:4567)',
      },
      {
        line: 6,
        index: null,
        reason: 'conflicts with line 5: a second PATH item=0 record for audit(1732615200.123:4567)',
      },
      {
        line: 8,
        index: null,
        reason: 'CWD record of audit(1732615200.123:4567) after its end (EOE on line 7)',
      },
    ]);
  });

  it('keeps events of different nodes with the same serial apart', () => {
    const r = importAuditd(
      [`node=a ${lines[0]}`, `node=b ${lines[0]}`, `node=a ${lines[1]}`].join('\n'),
      opts,
    );
    expect(r.skipped).toEqual([]);
    expect(r.events.map((e) => e.id)).toEqual(['a-1732615200.123:4567', 'b-1732615200.123:4567']);
    expect(Object.keys(r.events[0]!.raw!)).toEqual(['SYSCALL', 'EXECVE']);
  });

  it('skips an over-long line naming the limit, and cuts very long argument lists', () => {
    const long = `type=EXECVE ${at('4567')} argc=1 a0="${'x'.repeat(70_000)}"`;
    const r = importAuditd(`${lines[0]}\n${long}`, opts);
    expect(r.events).toHaveLength(1);
    expect(r.skipped).toEqual([
      {
        line: 2,
        index: null,
        reason: expect.stringMatching(
          /^line is 700\d\d characters, over the limit of 65536$/,
        ) as unknown,
      },
    ]);
    const args = Array.from({ length: 400 }, (_, i) => `a${i}="arg${i}"`).join(' ');
    const many = importAuditd(`${lines[0]}\ntype=EXECVE ${at('4567')} argc=400 ${args}`, opts);
    expect(many.skipped).toEqual([]);
    const execve = (many.events[0]!.raw as Record<string, Record<string, unknown>>).EXECVE!;
    expect(execve._dropped_fields).toBe(151);
    const command = many.events[0]!.metadata?.command as string;
    expect(command.startsWith('arg0 arg1 arg2 ')).toBe(true);
    expect(command).toHaveLength(2048);
  });

  it('bounds the records of one event', () => {
    const avc = (i: number) => `type=AVC ${at('8')} avc:  denied  { read } for  pid=${i}`;
    const r = importAuditd(Array.from({ length: 600 }, (_, i) => avc(i)).join('\n'), opts);
    const capped = r.skipped.filter((s) => s.reason.endsWith('has more than 512 records'));
    expect(capped).toHaveLength(88);
    expect(capped[0]).toEqual({
      line: 513,
      index: null,
      reason: 'audit(1732615200.123:8) has more than 512 records',
    });
  });

  it('reads an empty file as nothing', () => {
    expect(importAuditd('', opts)).toEqual({ events: [], skipped: [] });
    expect(importAuditd('\n\n----\n', opts)).toEqual({ events: [], skipped: [] });
  });
});
