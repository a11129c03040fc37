/** The audit record line parser: hand-written records and generated round trips. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeValue, parseFields, parseLine } from './auditd-fields.js';

describe('parseLine', () => {
  it('reads the header, quoted, unquoted and hex values', () => {
    const r = parseLine(
      'node=db-1 type=SYSCALL msg=audit(1700000000.123:4567): arch=c000003e syscall=59 success=yes comm="sudo" exe=2F746D702F6120622F7375646F key=(null)',
    );
    expect(r).toEqual({
      ok: true,
      value: {
        node: 'db-1',
        type: 'SYSCALL',
        time: '1700000000.123',
        seconds: 1700000000,
        fraction: '123',
        serial: '4567',
        fields: {
          arch: 'c000003e',
          syscall: '59',
          success: 'yes',
          comm: 'sudo',
          exe: '/tmp/a b/sudo',
          key: '(null)',
        },
        words: '',
      },
    });
  });

  it('decodes EXECVE arguments and proctitle, not SYSCALL registers', () => {
    const execve = parseLine('type=EXECVE msg=audit(1.001:2): argc=2 a0="ls" a1=2D6C2061');
    expect(execve.ok && execve.value.fields).toEqual({ argc: '2', a0: 'ls', a1: '-l a' });
    const sys = parseLine('type=SYSCALL msg=audit(1.001:2): a0=ABCD a1=7ffd');
    expect(sys.ok && sys.value.fields).toEqual({ a0: 'ABCD', a1: '7ffd' });
    const title = parseLine('type=PROCTITLE msg=audit(1.001:2): proctitle=6361740061');
    expect(title.ok && title.value.fields.proctitle).toBe('cat a');
  });

  it('flattens the user-space msg, joins bare words and reads ENRICHED fields', () => {
    const r = parseLine(
      'type=ADD_USER msg=audit(1.5:9): pid=1 uid=0 auid=1000 msg=\'op=adding user acct="bob" exe="/usr/sbin/useradd" addr=? res=success\'\x1dUID="root" AUID="alice"',
    );
    expect(r.ok && r.value.fields).toEqual({
      pid: '1',
      uid: '0',
      auid: '1000',
      op: 'adding user',
      acct: 'bob',
      exe: '/usr/sbin/useradd',
      addr: '?',
      res: 'success',
      UID: 'root',
      AUID: 'alice',
    });
    const avc = parseLine(
      'type=AVC msg=audit(1.5:9): avc:  denied  { read } for  pid=3 comm="httpd" tclass=file',
    );
    expect(avc.ok && avc.value.words).toBe('avc: denied { read } for');
  });

  it('refuses lines that are not audit records, and unterminated quotes', () => {
    for (const bad of [
      'hello world',
      'type=SYSCALL msg=audit(abc:1): x=1',
      'type=SYSCALL msg=audit(1700000000:1): x=1',
      'type=SYSCALL msg=audit(1.1:1) x=1',
      'type=SYS CALL msg=audit(1.1:1): x=1',
    ])
      expect(parseLine(bad)).toMatchObject({ ok: false, reason: /^not an audit record/ });
    expect(parseLine('type=SYSCALL msg=audit(1.1:1): comm="abc')).toEqual({
      ok: false,
      reason: 'unterminated quoted value of field comm',
    });
    expect(parseLine("type=USER_AUTH msg=audit(1.1:1): msg='acct=\"x res=ok'")).toEqual({
      ok: false,
      reason: "in msg='...': unterminated quoted value of field acct",
    });
  });
});

describe('parseFields properties', () => {
  const escaped = fc.constantFrom('comm', 'exe', 'name', 'cwd', 'acct', 'cmd', 'key', 'a0', 'a7');
  // EXECVE arguments are escaped in EXECVE records only.
  const userEscaped = fc.constantFrom('comm', 'exe', 'name', 'cwd', 'acct', 'cmd', 'key');
  const value = fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\0'));

  it('round-trips values written the way auditd writes them (quoted or hex)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(escaped, value, { maxKeys: 9 }),
        fc.constantFrom(' ', '\x1d'),
        (fields, sep) => {
          const body = Object.entries(fields)
            .map(([k, v]) => `${k}=${encodeValue(v)}`)
            .join(sep);
          const r = parseFields(body, 'EXECVE');
          expect(r).toEqual({ ok: true, fields, words: '' });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('round-trips nested user-space fields', () => {
    fc.assert(
      fc.property(fc.dictionary(userEscaped, value, { maxKeys: 6 }), (inner) => {
        const msg = Object.entries(inner)
          .map(([k, v]) => `${k}=${encodeValue(v)}`)
          .join(' ');
        const r = parseFields(`pid=12 uid=0 msg='${msg}'`, 'USER_CMD');
        expect(r).toEqual({ ok: true, fields: { pid: '12', uid: '0', ...inner }, words: '' });
      }),
      { numRuns: 300 },
    );
  });

  it('reads NUL-separated proctitle arguments as space-separated', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z/.-]{1,12}$/), { minLength: 1, maxLength: 6 }),
        (argv) => {
          const hex = Buffer.from(argv.join('\0')).toString('hex').toUpperCase();
          const r = parseFields(`proctitle=${hex}`, 'PROCTITLE');
          expect(r.ok && r.fields.proctitle).toBe(argv.join(' '));
        },
      ),
    );
  });

  it('never throws, and keeps no key outside the key pattern', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const r = parseFields(s, 'SYSCALL');
        if (r.ok)
          for (const k of Object.keys(r.fields))
            expect(k).toMatch(/^[A-Za-z_][A-Za-z0-9_.[\]-]{0,63}$|^msg\./);
        expect(() => parseLine(`type=X msg=audit(1.1:1): ${s}`)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
