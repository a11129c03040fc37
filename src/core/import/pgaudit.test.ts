/**
 * pgaudit importer against real logs: ../shared/samples/pgaudit (pgaudit/pgaudit, PostgreSQL
 * licence): a csvlog written by PostgreSQL 9.5 with pgaudit, and pgaudit's regression output (a
 * psql transcript whose `NOTICE:  AUDIT:` / `WARNING:  AUDIT:` lines come from the server).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../test-support/shared-data.js';
import { pathToFileURL } from 'node:url';
import { normaliseEvent } from '../event/validate.js';
import { readCsv, writeCsvRecord } from './csv.js';
import { csvlogHost, parseAuditFields, pgTime, prefixHost } from './pgaudit-message.js';
import { parsePrefix } from './pgaudit-stderr.js';
import { CSVLOG_COLUMNS, importPgaudit } from './pgaudit.js';
import type { ImportResult } from './types.js';

const DATA = sharedData('samples/pgaudit');
const DIR = pathToFileURL(`${DATA.path}/`);
const sample = (f: string) => (DATA.present ? readFileSync(new URL(f, DIR), 'utf8') : '');
const CSVLOG = sample('postgresql-2015-08-12_161343.csv');
const REGRESSION = sample('pgaudit-regression.out');
const CTX = { defaultTenant: 'acme', receivedAt: '2026-01-01T00:00:00.000Z', newId: () => 'gen' };
const opts = { tenant: 'acme' };

function expectAllValid(r: ImportResult): void {
  for (const [i, e] of r.events.entries()) {
    const n = normaliseEvent(e, CTX);
    expect(n.ok, `event ${i}: ${JSON.stringify(n.ok ? '' : n.error)}`).toBe(true);
  }
}
const csvRows = () => [...readCsv(CSVLOG, { maxChars: 1 << 20, maxFields: 32 })];
/** The real csvlog rewritten as a stderr log with `log_line_prefix = '%m [%p] %q%u@%d '`. */
function asStderr(prefix: (f: string[]) => string): string {
  return csvRows()
    .map((r) => {
      const f = r.ok ? r.fields : [];
      const message = f[13]!.replace(/\n/g, '\n\t'); // elog.c append_with_tabs
      return `${prefix(f)}${f[11]}:  ${message}`;
    })
    .join('\n');
}

describe.skipIf(!DATA.present)(DATA.title('pgaudit importer on the real csvlog'), () => {
  const r = importPgaudit(CSVLOG, opts);

  it('imports every AUDIT record with no skips and counts the other records', () => {
    // Counted independently: records are the lines starting with a log time.
    const records = CSVLOG.split('\n').filter((l) => /^\d{4}-\d\d-\d\d [\d:.]+ UTC,/.test(l));
    const audit = records.filter((l) => /,(LOG|NOTICE|WARNING),[0-9A-Z]{5},"AUDIT: /.test(l));
    expect([records.length, audit.length]).toEqual([222, 182]);
    expect(r.skipped).toEqual([]);
    expect(r.events).toHaveLength(182);
    expect(r.ignored).toBe(40);
    expectAllValid(r);
    expect(new Set(r.events.map((e) => e.id)).size).toBe(182);
  });

  it('maps a multi-line GRANT (line 15) and an OBJECT read of a table (line 306)', () => {
    const grant = r.events.find((e) => e.id === 'pg:55cb70b8.5854:8')!;
    expect(grant.tenant).toBe('acme');
    expect(grant.action).toBe('pg.role.grant');
    expect(grant.category).toBe('access_control');
    expect(grant.outcome).toBe('success');
    expect(grant.occurred_at).toBe('2015-08-12T16:13:44.813Z');
    expect(grant.actor).toEqual({ id: 'vagrant', type: 'user', session_id: '55cb70b8.5854' });
    expect(grant).not.toHaveProperty('targets');
    expect(grant).not.toHaveProperty('source'); // connection_from is [local]
    expect(grant.observer).toEqual({ service: 'postgresql' });
    expect(grant.correlation).toEqual({ request_id: '55cb70b8.5854:6' });
    expect(grant.metadata).toMatchObject({
      audit_type: 'SESSION',
      class: 'ROLE',
      command: 'GRANT',
      statement: 'grant usage\n   on schema pgaudit\n   to pgaudit_etl;',
      parameter: '<not logged>',
      database: 'postgres',
      application_name: 'psql',
    });
    expect(grant.raw).toMatchObject({ session_line_num: '8', user_name: 'vagrant' });

    const read = r.events.find((e) => e.id === 'pg:55cb70b8.585a:4')!;
    expect(read.action).toBe('pg.read.select');
    expect(read.category).toBe('data');
    expect(read.occurred_at).toBe('2015-08-12T16:13:44.889Z');
    expect(read.actor).toEqual({ id: 'user2', type: 'user', session_id: '55cb70b8.585a' });
    expect(read.targets).toEqual([{ id: 'public.test2', type: 'table' }]);
    expect(read.metadata).toMatchObject({ audit_type: 'OBJECT', log_level: 'WARNING' });
  });

  it('maps every class to its category', () => {
    const byClass = new Map(r.events.map((e) => [e.action.split('.')[1], e.category]));
    expect(Object.fromEntries(byClass)).toEqual({
      role: 'access_control',
      ddl: 'change',
      misc: 'other',
      read: 'data',
      write: 'data',
      function: 'other',
    });
  });

  it('gives the same ids on re-import', () => {
    expect(importPgaudit(CSVLOG, opts).events.map((e) => e.id)).toEqual(r.events.map((e) => e.id));
  });

  it('takes source.ip from connection_from without its port', () => {
    const line = (conn: string) =>
      writeCsvRecord(
        CSVLOG_COLUMNS.slice(0, 23).map((c) =>
          c === 'connection_from'
            ? conn
            : c === 'message'
              ? 'AUDIT: SESSION,1,1,READ,SELECT,,,select 1,<none>'
              : c === 'log_time'
                ? '2024-05-01 10:00:00.5 UTC'
                : c === 'session_line_num'
                  ? conn.length.toString()
                  : c === 'user_name'
                    ? 'app'
                    : 'x',
        ),
      );
    const got = importPgaudit(
      ['10.1.2.3:51234', '::1:5432', '[local]', 'db.example:5432'].map(line).join('\n'),
      opts,
    );
    expect(got.skipped).toEqual([]);
    expect(got.events.map((e) => e.source)).toEqual([
      { ip: '10.1.2.3' },
      { ip: '::1' },
      undefined,
      undefined,
    ]);
    expect(got.events[0]!.occurred_at).toBe('2024-05-01T10:00:00.5Z');
  });
});

describe.skipIf(!DATA.present)(DATA.title('pgaudit importer on stderr logs'), () => {
  const fromCsv = importPgaudit(CSVLOG, opts).events;

  it('reads the real records as a stderr log with %m [%p] %q%u@%d, like the csvlog', () => {
    const text = asStderr((f) => `${f[0]} [${f[3]}] ${f[1] ? `${f[1]}@${f[2]} ` : ''}`);
    const r = importPgaudit(text, opts);
    expect(r.skipped).toEqual([]);
    expect(r.ignored).toBe(40);
    expectAllValid(r);
    const pick = (e: (typeof fromCsv)[number]) => [
      e.action,
      e.actor.id,
      e.occurred_at,
      e.targets,
      (e.metadata as Record<string, unknown>).statement,
      (e.metadata as Record<string, unknown>).database,
    ];
    expect(r.events.map(pick)).toEqual(fromCsv.map(pick));
    expect(r.events[0]!.metadata).toMatchObject({ process_id: '22612' });
    expect(new Set(r.events.map((e) => e.id)).size).toBe(182);
  });

  it('reads the default prefix %m [%p] with an unknown actor', () => {
    const r = importPgaudit(
      asStderr((f) => `${f[0]} [${f[3]}] `),
      opts,
    );
    expect(r.skipped).toEqual([]);
    expect(r.events).toHaveLength(182);
    expect(r.events[0]!.actor).toEqual({ id: 'unknown' });
    expect(r.events[0]!.occurred_at).toBe('2015-08-12T16:13:44.809Z');
    expect(r.events[0]!.raw).toEqual({
      text: '2015-08-12 16:13:44.809 UTC [22612] LOG:  AUDIT: SESSION,1,1,ROLE,CREATE ROLE,,,create role pgaudit_owner;,<not logged>',
    });
  });

  it('reads user, database, client and time from other prefixes', () => {
    const text = [
      '2024-05-01 10:00:00 UTC [42]: [3-1] user=alice,db=shop,app=psql,client=10.0.0.7 LOG:  AUDIT: SESSION,1,1,WRITE,INSERT,TABLE,public.orders,"insert into orders values (1, \'a\')",<none>',
      '2024-05-01 12:00:00.123 +02 [43] bob@shop 192.168.1.9(51000) NOTICE:  AUDIT: OBJECT,2,1,READ,SELECT,TABLE,public.orders,select * from orders,<none>',
      '2024-05-01 12:00:00 CEST [44] LOG:  AUDIT: SESSION,3,1,MISC_SET,SET,,,set x = 1,<none>',
    ].join('\n');
    const r = importPgaudit(text, opts);
    expect(r.skipped).toEqual([]);
    expectAllValid(r);
    const [a, b, c] = r.events;
    expect(a!.actor).toEqual({ id: 'alice', type: 'user' });
    expect(a!.source).toEqual({ ip: '10.0.0.7' });
    expect(a!.occurred_at).toBe('2024-05-01T10:00:00Z');
    expect(a!.action).toBe('pg.write.insert');
    expect(a!.targets).toEqual([{ id: 'public.orders', type: 'table' }]);
    expect(a!.metadata).toMatchObject({ database: 'shop', application_name: 'psql' });
    expect(b!.actor).toEqual({ id: 'bob', type: 'user' });
    expect(b!.source).toEqual({ ip: '192.168.1.9' });
    expect(b!.occurred_at).toBe('2024-05-01T12:00:00.123+02:00');
    // A zone abbreviation is ambiguous: no occurred_at, the text is kept.
    expect(c!).not.toHaveProperty('occurred_at');
    expect(c!.metadata).toMatchObject({ log_time: '2024-05-01 12:00:00 CEST' });
    expect(c!.category).toBe('configuration');
  });
});

describe.skipIf(!DATA.present)(DATA.title('pgaudit importer on jsonlog'), () => {
  /** The real csvlog rewritten as PostgreSQL 15+ jsonlog lines (elog.c write_jsonlog keys). */
  const jsonlog = csvRows()
    .map((r) => {
      const f = r.ok ? r.fields : [];
      const o: Record<string, unknown> = {
        timestamp: f[0],
        user: f[1] || undefined,
        dbname: f[2] || undefined,
        pid: Number(f[3]),
        session_id: f[5],
        line_num: Number(f[6]),
        error_severity: f[11],
        state_code: f[12],
        message: f[13],
        application_name: f[22] || undefined,
        backend_type: 'client backend',
      };
      return JSON.stringify(o);
    })
    .join('\n');

  it('imports the real records like the csvlog, with the same ids', () => {
    const fromCsv = importPgaudit(CSVLOG, opts).events;
    const r = importPgaudit(jsonlog, opts);
    expect(r.skipped).toEqual([]);
    expect(r.ignored).toBe(40);
    expectAllValid(r);
    const pick = (e: (typeof fromCsv)[number]) => [
      e.id,
      e.action,
      e.category,
      e.actor,
      e.occurred_at,
      e.targets,
      e.correlation,
      (e.metadata as Record<string, unknown>).statement,
    ];
    expect(r.events.map(pick)).toEqual(fromCsv.map(pick));
    expect(r.events[0]!.raw).toMatchObject({ backend_type: 'client backend', pid: 22612 });
  });

  it('takes source.ip from remote_host and reports bad lines', () => {
    const rec = {
      timestamp: '2024-05-01 10:00:00.123 UTC',
      user: 'alice',
      dbname: 'shop',
      pid: 7,
      remote_host: '10.0.0.7',
      remote_port: 51234,
      session_id: '66321f00.7',
      line_num: 3,
      error_severity: 'LOG',
      message: 'AUDIT: SESSION,1,1,WRITE,DELETE,TABLE,public.orders,delete from orders,<none>',
    };
    const r = importPgaudit(
      [
        JSON.stringify(rec),
        JSON.stringify({ ...rec, message: 'AUDIT: SESSION,1' }),
        '[1]',
        JSON.stringify(rec).slice(0, 40),
        JSON.stringify({ ...rec, message: 'connection received' }),
      ].join('\n'),
      opts,
    );
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({
      id: 'pg:66321f00.7:3',
      action: 'pg.write.delete',
      actor: { id: 'alice', type: 'user', session_id: '66321f00.7' },
      source: { ip: '10.0.0.7' },
      occurred_at: '2024-05-01T10:00:00.123Z',
      targets: [{ id: 'public.orders', type: 'table' }],
    });
    expect(r.ignored).toBe(1);
    expect(r.skipped).toEqual([
      { line: 2, index: null, reason: 'AUDIT message has 2 fields, expected 9 or 10' },
      { line: 3, index: null, reason: 'jsonlog record must be a JSON object' },
      { line: 4, index: null, reason: expect.stringMatching(/^not valid JSON/) as unknown },
    ]);
  });
});

describe.skipIf(!DATA.present)(
  DATA.title('pgaudit importer on the regression output (psql transcript)'),
  () => {
    const r = importPgaudit(REGRESSION, opts);

    it('parses every NOTICE/WARNING AUDIT line, multi-line statements included', () => {
      const starts = REGRESSION.split('\n').filter((l) => /^(NOTICE|WARNING): {2}AUDIT: /.test(l));
      expect(starts).toHaveLength(415);
      expect(r.skipped).toEqual([]);
      expect(r.events).toHaveLength(415);
      expectAllValid(r);
      expect(new Set(r.events.map((e) => e.id)).size).toBe(415);
      const create = r.events.find((e) =>
        (e.raw as { text: string }).text.startsWith(
          'NOTICE:  AUDIT: SESSION,1,1,DDL,CREATE TABLE,TABLE,public.test,',
        ),
      )!;
      expect(create.metadata).toMatchObject({
        statement: 'CREATE TABLE public.test\n(\n\tid INT\n)',
      });
      expect(create.targets).toEqual([{ id: 'public.test', type: 'table' }]);
      expect(create.actor).toEqual({ id: 'unknown' });
      expect(create).not.toHaveProperty('occurred_at');
      // Everything else in the transcript (SQL, comments, results) is counted, not imported.
      expect(r.ignored).toBe(
        REGRESSION.split('\n').filter((l) => l.trim() !== '').length -
          r.events.reduce(
            (n, e) =>
              n +
              (e.raw as { text: string }).text.split('\n').filter((l) => l.trim() !== '').length,
            0,
          ),
      );
    });

    it('numbers repeated identical records so that their ids differ but stay stable', () => {
      const line = 'NOTICE:  AUDIT: SESSION,1,1,MISC,BEGIN,,,BEGIN,<none>';
      const ids = importPgaudit(`${line}\nselect 1;\n${line}\n`, opts).events.map((e) => e.id);
      expect(ids).toHaveLength(2);
      expect(ids[1]).toBe(`${ids[0]}:2`);
      expect(importPgaudit(`${line}\n${line}`, opts).events.map((e) => e.id)).toEqual(ids);
    });
  },
);

describe('pgaudit AUDIT field parser', () => {
  const fields = fc.tuple(
    fc.constantFrom('SESSION', 'OBJECT'),
    fc.nat().map(String),
    fc.nat().map(String),
    fc.constantFrom('READ', 'WRITE', 'FUNCTION', 'ROLE', 'DDL', 'MISC', 'MISC_SET'),
    fc.constantFrom('SELECT', 'CREATE TABLE', 'GRANT', '???'),
    fc.constantFrom('', 'TABLE', 'VIEW'),
    fc.string(),
    fc.string({ unit: fc.constantFrom('a', ' ', ',', '"', '\n', '\r\n', "'", '$') }),
    fc.string({ unit: fc.constantFrom('1', ',', '"', '<', '>') }),
  );

  it('round-trips any fields written the way pgaudit writes them', () => {
    fc.assert(
      fc.property(fields, (f) => {
        const r = parseAuditFields(writeCsvRecord(f));
        expect(r).toEqual({
          ok: true,
          value: {
            auditType: f[0],
            statementId: f[1],
            substatementId: f[2],
            auditClass: f[3],
            command: f[4],
            objectType: f[5],
            objectName: f[6],
            statement: f[7],
            parameter: f[8],
          },
        });
      }),
      { numRuns: 300 },
    );
  });

  it('imports a generated stderr record with the statement intact', () => {
    fc.assert(
      fc.property(fields, (f) => {
        const msg = writeCsvRecord(f).replace(/\r?\n/g, '\n\t');
        const r = importPgaudit(`2024-01-01 00:00:00 UTC [1] u@d LOG:  AUDIT: ${msg}\n`, opts);
        expect(r.skipped).toEqual([]);
        expect(r.events).toHaveLength(1);
        const st = (r.events[0]!.raw as { text: string }).text;
        expect(st.startsWith('2024-01-01 00:00:00 UTC [1] u@d LOG:  AUDIT: ')).toBe(true);
        expect((r.events[0]!.metadata as { statement?: string }).statement).toBe(
          f[7].replace(/\r\n/g, '\n').slice(0, 2048),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('refuses malformed messages with a reason', () => {
    const reasons = [
      'SESSION,1,1,READ,SELECT,,,x',
      'SESSION,1,1,READ,SELECT,,,x,y,z,w',
      'OTHER,1,1,READ,SELECT,,,x,<none>',
      'SESSION,one,1,READ,SELECT,,,x,<none>',
      'SESSION,1,1,read,SELECT,,,x,<none>',
      'SESSION,1,1,READ,,,,x,<none>',
      'SESSION,1,1,READ,SELECT,,,"x"y,<none>',
    ].map((m) => {
      const r = parseAuditFields(m);
      return r.ok ? 'ok' : r.reason;
    });
    expect(reasons).toEqual([
      'AUDIT message has 8 fields, expected 9 or 10',
      'AUDIT message has 11 fields, expected 9 or 10',
      'AUDIT message: AUDIT_TYPE must be SESSION or OBJECT',
      'AUDIT message: STATEMENT_ID and SUBSTATEMENT_ID must be numbers',
      'AUDIT message: CLASS must be an upper-case word',
      'AUDIT message: COMMAND must be 1 to 256 characters',
      'AUDIT message: unexpected character after a closing quote',
    ]);
    expect(parseAuditFields('SESSION,1,1,READ,SELECT,,,x,<none>,3')).toMatchObject({
      ok: true,
      value: { rows: '3' },
    });
  });

  it('converts times and addresses', () => {
    expect(pgTime('2015-08-12 16:13:43.810 UTC')).toBe('2015-08-12T16:13:43.810Z');
    expect(pgTime('2015-08-12 16:13:43 GMT')).toBe('2015-08-12T16:13:43Z');
    expect(pgTime('2015-08-12 16:13:43-0530')).toBe('2015-08-12T16:13:43-05:30');
    expect(pgTime('2015-08-12 16:13:43 EST')).toBeUndefined();
    expect(pgTime('yesterday')).toBeUndefined();
    expect(csvlogHost('[local]')).toBeUndefined();
    expect(csvlogHost('2001:db8::1:5432')).toBe('2001:db8::1');
    expect(prefixHost('10.0.0.1(5432)')).toBe('10.0.0.1');
    expect(parsePrefix('')).toEqual({});
  });
});

describe('pgaudit importer on bad input', () => {
  it('reports malformed AUDIT lines with their line numbers and imports the rest', () => {
    const good =
      '2024-01-01 00:00:00 UTC [1] u@d LOG:  AUDIT: SESSION,1,1,READ,SELECT,,,select 1,<none>';
    const text = [
      good,
      '2024-01-01 00:00:00 UTC [1] u@d LOG:  AUDIT: SESSION,1,1,READ,SELECT',
      '2024-01-01 00:00:00 UTC [1] u@d LOG:  AUDIT: SESSION,2,1,READ,SELECT,,,"select',
      '2024-01-01 00:00:00 UTC [1] u@d LOG:  duration: 0.1 ms',
      '2024-99-01 00:00:00 UTC [1] u@d LOG:  AUDIT: SESSION,3,1,READ,SELECT,,,select 3,<none>',
      `2024-01-01 00:00:00 UTC [1] u@d LOG:  AUDIT: SESSION,4,1,READ,SELECT,,,${'x'.repeat(70_000)},<none>`,
      good.replace('SESSION,1', 'SESSION,5'),
    ].join('\n');
    const r = importPgaudit(text, opts);
    expect(r.events).toHaveLength(2);
    expect(r.ignored).toBe(1);
    expect(r.skipped).toEqual([
      { line: 2, index: null, reason: 'AUDIT message has 5 fields, expected 9 or 10' },
      { line: 3, index: null, reason: 'AUDIT message: unterminated quoted field' },
      {
        line: 5,
        index: null,
        reason: expect.stringMatching(
          /^invalid event: occurred_at: must be an RFC 3339/,
        ) as unknown,
      },
      {
        line: 6,
        index: null,
        reason: expect.stringContaining('over the raw limit of 65536 bytes') as unknown,
      },
    ]);
  });

  it('skips an over-long AUDIT line and reads on', () => {
    const huge = `LOG:  AUDIT: SESSION,1,1,READ,SELECT,,,"${'x'.repeat(1_100_000)}",<none>`;
    const r = importPgaudit(`${huge}\nLOG:  AUDIT: SESSION,2,1,READ,SELECT,,,ok,<none>`, opts);
    expect(r.events).toHaveLength(1);
    expect(r.skipped).toEqual([
      { line: 1, index: null, reason: 'AUDIT record is over 1048576 characters' },
    ]);
  });

  it.skipIf(!DATA.present)(
    DATA.title('reports csvlog records with wrong field counts or broken quoting, and truncation'),
    () => {
      const lines = CSVLOG.split('\n');
      const text = [
        lines[9], // an AUDIT record (CREATE ROLE)
        '2015-08-12 16:13:44.810 UTC,"vagrant","postgres",22612',
        lines[10]!.replace('"AUDIT: SESSION,2', '"AUDIT: BOGUS,2'),
        // Cut in the middle of a quoted multi-line field.
        lines[14],
        lines[15],
      ].join('\n');
      const r = importPgaudit(text, opts);
      expect(r.events.map((e) => e.id)).toEqual(['pg:55cb70b8.5854:3']);
      expect(r.skipped).toEqual([
        { line: 2, index: null, reason: 'csvlog record has 4 fields, expected 22 to 26' },
        { line: 3, index: null, reason: 'AUDIT message: AUDIT_TYPE must be SESSION or OBJECT' },
        { line: 4, index: null, reason: 'csvlog: unterminated quoted field' },
        // Reading goes on at the next line, which is the inside of the cut field.
        { line: 5, index: null, reason: 'csvlog record has 1 fields, expected 22 to 26' },
      ]);
    },
  );

  it.skipIf(!DATA.present)(DATA.title('skips an over-long csvlog record and reads on'), () => {
    const lines = CSVLOG.split('\n');
    const long = lines[9]!.replace('create role pgaudit_owner;', 'x'.repeat(1_200_000));
    const r = importPgaudit(`${long}\n${lines[10]}`, opts);
    expect(r.events.map((e) => e.id)).toEqual(['pg:55cb70b8.5854:4']);
    expect(r.skipped).toEqual([
      { line: 1, index: null, reason: 'csvlog: record is over 1114112 characters' },
    ]);
  });

  it('ignores binary garbage and other text, counting the lines', () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    const garbage = bytes.toString('latin1');
    const r = importPgaudit(garbage, opts);
    expect(r.events).toEqual([]);
    expect(r.skipped).toEqual([]);
    expect(r.ignored).toBe(garbage.split('\n').filter((l) => l.trim() !== '').length);
    expect(importPgaudit('', opts)).toEqual({ events: [], skipped: [], ignored: 0 });
  });

  it('never throws on any text and every event it returns validates', () => {
    const unit = fc.constantFrom(
      'a',
      ',',
      '"',
      '\n',
      '\t',
      ' ',
      'LOG:  ',
      'AUDIT: ',
      'SESSION,1,1,READ,SELECT,',
    );
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit }), fc.string({ unit: 'binary' })), (text) => {
        for (const t of [text, `2015-08-12 16:13:43 UTC,${text}`, `{"timestamp":${text}`]) {
          const r = importPgaudit(t, opts);
          expectAllValid(r);
          for (const s of r.skipped) expect(s.line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 300 },
    );
  });
});
