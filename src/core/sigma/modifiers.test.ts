/**
 * Value modifiers (Sigma modifiers appendix v2.1.0) and value comparison rules, each with
 * events that match and events that do not.
 */
import { describe, expect, it } from 'vitest';
import { base64 } from './encode.js';
import { loadError, rule } from './test-support/rule.js';

interface Case {
  readonly name: string;
  readonly detection: string;
  readonly yes: readonly Record<string, unknown>[];
  readonly no: readonly Record<string, unknown>[];
}

const b64 = (s: string) => base64([...new TextEncoder().encode(s)]);
const wide = (s: string) => [...s].map((c) => c + '\0').join('');

const CASES: readonly Case[] = [
  {
    name: 'plain value: whole-value equality, case-insensitive',
    detection: `sel:\n  eventName: CreateUser\ncondition: sel`,
    yes: [{ eventName: 'CreateUser' }, { eventName: 'createuser' }, { eventName: 'CREATEUSER' }],
    no: [{ eventName: 'CreateUserX' }, { eventName: 'xCreateUser' }, {}, { eventName: null }],
  },
  {
    name: 'list of values is OR',
    detection: `sel:\n  eventName:\n    - A\n    - B\ncondition: sel`,
    yes: [{ eventName: 'a' }, { eventName: 'B' }],
    no: [{ eventName: 'C' }],
  },
  {
    name: 'map items are AND',
    detection: `sel:\n  a: 1\n  b: x\ncondition: sel`,
    yes: [{ a: 1, b: 'X' }],
    no: [{ a: 1 }, { b: 'x' }, { a: 2, b: 'x' }],
  },
  {
    name: 'list of maps is OR',
    detection: `sel:\n  - a: x\n  - b: y\ncondition: sel`,
    yes: [{ a: 'x' }, { b: 'y' }],
    no: [{ a: 'y', b: 'x' }],
  },
  {
    name: 'wildcards * and ?',
    detection: `sel:\n  f: 'prog?.ex*'\ncondition: sel`,
    yes: [{ f: 'progA.exe' }, { f: 'PROG1.EX' }, { f: 'progZ.exfoo' }],
    no: [{ f: 'prog.exe' }, { f: 'progAB.exe' }, { f: 'xprogA.exe' }],
  },
  {
    name: 'escaped wildcards are literal',
    detection: `sel:\n  f: 'a\\*b\\?'\ncondition: sel`,
    yes: [{ f: 'a*b?' }],
    no: [{ f: 'axxb?' }, { f: 'a*bc' }],
  },
  {
    name: 'escaped backslash before a wildcard',
    detection: `sel:\n  f: 'C:\\\\*'\ncondition: sel`,
    yes: [{ f: 'C:\\Windows' }, { f: 'c:\\' }],
    no: [{ f: 'C:Windows' }],
  },
  {
    name: 'single backslash not before a wildcard is plain',
    detection: `sel:\n  f: 'C:\\Windows\\System32'\ncondition: sel`,
    yes: [{ f: 'c:\\windows\\system32' }],
    no: [{ f: 'C:\\Windows\\System3' }],
  },
  {
    name: 'contains',
    detection: `sel:\n  f|contains: 'Bucket'\ncondition: sel`,
    yes: [{ f: 'DeleteBucketPolicy' }, { f: 'bucket' }],
    no: [{ f: 'Bucke' }, { f: 5 }],
  },
  {
    name: 'startswith',
    detection: `sel:\n  f|startswith: 'Delete'\ncondition: sel`,
    yes: [{ f: 'DeleteBucket' }, { f: 'delete' }],
    no: [{ f: 'xDelete' }],
  },
  {
    name: 'endswith',
    detection: `sel:\n  f|endswith: '.amazonaws.com'\ncondition: sel`,
    yes: [{ f: 'iam.amazonaws.com' }, { f: 'S3.AMAZONAWS.COM' }],
    no: [{ f: 'iam.amazonaws.com.evil' }],
  },
  {
    name: 'contains|all',
    detection: `sel:\n  f|contains|all:\n    - grep\n    - password\ncondition: sel`,
    yes: [{ f: 'grep -r password /etc' }, { f: 'PASSWORD grep' }],
    no: [{ f: 'grep -r secret' }, { f: 'cat password' }],
  },
  {
    name: 'all across array elements',
    detection: `sel:\n  tags|all:\n    - a\n    - b\ncondition: sel`,
    yes: [{ tags: ['b', 'a', 'c'] }],
    no: [{ tags: ['a'] }, { tags: ['b'] }],
  },
  {
    name: 'cased',
    detection: `sel:\n  f|cased: 'Admin'\ncondition: sel`,
    yes: [{ f: 'Admin' }],
    no: [{ f: 'admin' }, { f: 'ADMIN' }],
  },
  {
    name: 'contains|cased',
    detection: `sel:\n  f|contains|cased: 'Adm'\ncondition: sel`,
    yes: [{ f: 'xAdmx' }],
    no: [{ f: 'xadmx' }],
  },
  {
    name: 're: unanchored search, case-sensitive',
    detection: `sel:\n  f|re: 'a[0-9]+b'\ncondition: sel`,
    yes: [{ f: 'xxa12byy' }],
    no: [{ f: 'A12B' }, { f: 'ab' }],
  },
  {
    name: 're|i',
    detection: `sel:\n  f|re|i: '^admin$'\ncondition: sel`,
    yes: [{ f: 'ADMIN' }, { f: 'admin' }],
    no: [{ f: 'xadmin' }],
  },
  {
    name: 're|m: ^ and $ at line ends',
    detection: `sel:\n  f|re|m: '^b$'\ncondition: sel`,
    yes: [{ f: 'a\nb\nc' }],
    no: [{ f: 'a\nbb' }],
  },
  {
    name: 're|s: dot matches newline',
    detection: `sel:\n  f|re|s: 'a.b'\ncondition: sel`,
    yes: [{ f: 'a\nb' }, { f: 'axb' }],
    no: [{ f: 'ab' }],
  },
  {
    name: 're without s: dot does not match newline',
    detection: `sel:\n  f|re: 'a.b'\ncondition: sel`,
    yes: [{ f: 'axb' }],
    no: [{ f: 'a\nb' }],
  },
  {
    name: 're keeps backslashes and wildcard characters as written',
    detection: `sel:\n  f|re: '(^|\\/)\\.[^.\\/]'\ncondition: sel`,
    yes: [{ f: '/tmp/.hidden' }, { f: '.x' }],
    no: [{ f: '/tmp/..' }, { f: 'plain' }],
  },
  {
    name: 'cidr IPv4',
    detection: `sel:\n  ip|cidr: 10.0.0.0/8\ncondition: sel`,
    yes: [{ ip: '10.1.2.3' }, { ip: '10.255.255.255' }],
    no: [{ ip: '11.0.0.1' }, { ip: 'not an ip' }, { ip: 10 }],
  },
  {
    name: 'cidr IPv6 and lists',
    detection: `sel:\n  ip|cidr:\n    - 2001:db8::/32\n    - 192.168.0.0/16\ncondition: sel`,
    yes: [{ ip: '2001:db8::1' }, { ip: '192.168.3.4' }],
    no: [{ ip: '2001:db9::1' }, { ip: '192.169.0.1' }],
  },
  {
    name: 'base64',
    detection: `sel:\n  f: ${JSON.stringify('x')}\n  g|base64: 'secret'\ncondition: sel`,
    yes: [{ f: 'x', g: b64('secret') }],
    no: [{ f: 'x', g: 'secret' }],
  },
  {
    name: 'base64offset|contains (three offsets)',
    detection: `sel:\n  f|base64offset|contains: 'http://'\ncondition: sel`,
    yes: [{ f: b64('http://x') }, { f: b64('ahttp://x') }, { f: b64('abhttp://x') }],
    no: [{ f: b64('htp://x') }, { f: 'http://' }],
  },
  {
    name: 'utf16le|base64offset|contains',
    detection: `sel:\n  f|utf16le|base64offset|contains: 'cmd'\ncondition: sel`,
    yes: [0, 1, 2].map((n) => ({
      f: base64(
        [...'abc'.slice(0, n)]
          .map((c) => c.charCodeAt(0))
          .concat(...[...'cmd /c'].map((c) => [c.charCodeAt(0), 0])),
      ),
    })),
    no: [{ f: b64('cmd') }],
  },
  {
    name: 'wide|base64 is utf16le',
    detection: `sel:\n  f|wide|base64: 'ab'\ncondition: sel`,
    yes: [{ f: base64([0x61, 0, 0x62, 0]) }],
    no: [{ f: b64('ab') }],
  },
  {
    name: 'utf16be|base64',
    detection: `sel:\n  f|utf16be|base64: 'ab'\ncondition: sel`,
    yes: [{ f: base64([0, 0x61, 0, 0x62]) }],
    no: [{ f: base64([0x61, 0, 0x62, 0]) }],
  },
  {
    name: 'utf16|base64 has a byte order mark',
    detection: `sel:\n  f|utf16|base64: 'ab'\ncondition: sel`,
    yes: [{ f: base64([0xff, 0xfe, 0x61, 0, 0x62, 0]) }],
    no: [{ f: base64([0x61, 0, 0x62, 0]) }],
  },
  {
    name: 'utf16le without base64 compares the byte string',
    detection: `sel:\n  f|utf16le|contains: 'ab'\ncondition: sel`,
    yes: [{ f: `x${wide('ab')}y` }],
    no: [{ f: 'ab' }],
  },
  {
    name: 'windash',
    detection: `sel:\n  f|windash|contains: ' -enc '\ncondition: sel`,
    yes: [
      { f: 'ps -enc x' },
      { f: 'ps /enc x' },
      { f: 'ps \u2013enc x' },
      { f: 'ps \u2014enc x' },
      { f: 'ps \u2015enc x' },
    ],
    no: [{ f: 'ps enc x' }, { f: 'ps +enc x' }],
  },
  {
    name: 'exists: true',
    detection: `sel:\n  f|exists: true\ncondition: sel`,
    yes: [{ f: 'x' }, { f: '' }, { f: null }, { f: 0 }],
    no: [{}, { g: 1 }],
  },
  {
    name: 'exists: false',
    detection: `sel:\n  f|exists: false\ncondition: sel`,
    yes: [{}, { g: 1 }],
    no: [{ f: 'x' }, { f: null }],
  },
  {
    name: 'null: missing or null',
    detection: `sel:\n  errorCode: null\ncondition: sel`,
    yes: [{}, { errorCode: null }],
    no: [{ errorCode: 'AccessDenied' }, { errorCode: '' }],
  },
  {
    name: 'empty string',
    detection: `sel:\n  f: ''\ncondition: sel`,
    yes: [{ f: '' }],
    no: [{}, { f: null }, { f: 'x' }],
  },
  {
    name: 'fieldref',
    detection: `sel:\n  a|fieldref: b\ncondition: sel`,
    yes: [
      { a: 'bob', b: 'Bob' },
      { a: 'x', b: ['y', 'x'] },
    ],
    no: [{ a: 'bob', b: 'alice' }, { a: 'bob' }],
  },
  {
    name: 'fieldref|endswith',
    detection: `sel:\n  a|fieldref|endswith: b\ncondition: sel`,
    yes: [{ a: 'arn:aws:iam::1:user/bob', b: 'bob' }],
    no: [{ a: 'arn:aws:iam::1:user/bobby', b: 'bob' }],
  },
  {
    name: 'gt / gte / lt / lte',
    detection: `sel:\n  a|gt: 5\n  b|gte: 5\n  c|lt: 5\n  d|lte: 5\ncondition: sel`,
    yes: [
      { a: 6, b: 5, c: 4, d: 5 },
      { a: '6', b: '5.0', c: -1, d: 0 },
    ],
    no: [
      { a: 5, b: 5, c: 4, d: 5 },
      { a: 6, b: 4, c: 4, d: 5 },
      { a: 6, b: 5, c: 5, d: 5 },
      { a: 6, b: 5, c: 4, d: 6 },
      { a: 'x', b: 5, c: 4, d: 5 },
    ],
  },
  {
    name: 'neq',
    detection: `sel:\n  f|neq: admin\ncondition: sel`,
    yes: [{ f: 'user' }, {}],
    no: [{ f: 'ADMIN' }],
  },
  {
    name: 'hour (time modifier, UTC)',
    detection: `sel:\n  t|hour|gte: 22\ncondition: sel`,
    yes: [{ t: '2024-01-01T23:10:00Z' }],
    no: [{ t: '2024-01-01T10:10:00Z' }, { t: 'not a date' }],
  },
  {
    name: 'week (ISO), day, month, year, minute',
    detection: `sel:\n  t|week: 1\n  t|day: 1\n  t|month: 1\n  t|year: 2024\n  t|minute|lt: 30\ncondition: sel`,
    yes: [{ t: '2024-01-01T10:10:00Z' }],
    no: [
      { t: '2024-01-01T10:40:00Z' },
      { t: '2023-01-01T10:10:00Z' },
      { t: '2024-01-02T10:10:00Z' },
    ],
  },
  {
    name: 'expand from placeholders',
    detection: `sel:\n  user|expand: '%Admins%'\ncondition: sel`,
    yes: [{ user: 'root' }, { user: 'ADM_joe' }],
    no: [{ user: 'joe' }, { user: '%Admins%' }],
  },
  {
    name: 'without expand a placeholder is literal',
    detection: `sel:\n  user: '%Admins%'\ncondition: sel`,
    yes: [{ user: '%admins%' }],
    no: [{ user: 'root' }],
  },
  {
    name: 'numbers compare with numbers and numeric text',
    detection: `sel:\n  code: 403\ncondition: sel`,
    yes: [{ code: 403 }, { code: '403' }, { code: '403.0' }],
    no: [{ code: 404 }, { code: '4030' }, { code: true }],
  },
  {
    name: 'string values compare with the text of numbers and booleans',
    detection: `sel:\n  a: '403'\n  b: 'true'\ncondition: sel`,
    yes: [{ a: 403, b: true }],
    no: [
      { a: 404, b: true },
      { a: 403, b: false },
    ],
  },
  {
    name: 'booleans',
    detection: `sel:\n  f: true\ncondition: sel`,
    yes: [{ f: true }, { f: 'True' }],
    no: [{ f: false }, { f: 1 }, {}],
  },
  {
    name: 'dotted path into nested objects',
    detection: `sel:\n  userIdentity.type: Root\ncondition: sel`,
    yes: [{ userIdentity: { type: 'Root' } }, { 'userIdentity.type': 'root' }],
    no: [{ userIdentity: { type: 'IAMUser' } }, { userIdentity: 'Root' }],
  },
  {
    name: 'path through arrays: any element',
    detection: `sel:\n  requestParameters.containerDefinitions.command|contains: 'curl'\ncondition: sel`,
    yes: [
      {
        requestParameters: {
          containerDefinitions: [{ command: ['sh'] }, { command: ['sh', '-c', 'curl x'] }],
        },
      },
    ],
    no: [{ requestParameters: { containerDefinitions: [{ command: ['sh'] }] } }],
  },
  {
    name: 'an object value compares as its JSON text',
    detection: `sel:\n  requestParameters|contains: '"s3:GetObject"'\ncondition: sel`,
    yes: [{ requestParameters: { policy: { Action: 's3:GetObject' } } }],
    no: [{ requestParameters: { policy: { Action: 's3:PutObject' } } }],
  },
  {
    name: 'a lone * matches any present value',
    detection: `sel:\n  f: '*'\ncondition: sel`,
    yes: [{ f: 'x' }, { f: '' }, { f: 3 }, { f: { a: 1 } }],
    no: [{}, { f: null }],
  },
  {
    name: 'keywords: OR over values anywhere in the record, implicit contains',
    detection: `keywords:\n  - '--to-ports 42'\n  - 'evil'\ncondition: keywords`,
    yes: [{ a: { b: ['iptables --to-ports 42'] } }, { x: 'EVIL' }],
    no: [{ a: '--to-ports 43' }, { evil: 1 }],
  },
  {
    name: "keywords with '|all'",
    detection: `keywords:\n  '|all':\n    - 'truncate'\n    - '-s'\ncondition: keywords`,
    yes: [{ a0: 'truncate', a1: '-s', a2: '0' }],
    no: [{ a0: 'truncate', a1: '-c' }],
  },
  {
    name: 'a single keyword string',
    detection: `keywords: 'break-glass'\ncondition: keywords`,
    yes: [{ annotations: { x: 'image-policy.k8s.io/break-glass' } }],
    no: [{ annotations: { x: 'glass' } }],
  },
];

describe('value modifiers and comparisons', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const r = rule(c.detection, { placeholders: { Admins: ['root', 'adm_*'] } });
      for (const e of c.yes) expect(r.match(e), `should match ${JSON.stringify(e)}`).toBe(true);
      for (const e of c.no) expect(r.match(e), `should not match ${JSON.stringify(e)}`).toBe(false);
    });
  }
});

describe('modifier errors are load errors', () => {
  const ERRORS: readonly [string, string, RegExp][] = [
    [
      `sel:\n  f|contians: x\ncondition: sel`,
      'invalid_modifier',
      /unknown value modifier 'contians'/,
    ],
    [`sel:\n  f|all: x\ncondition: sel`, 'invalid_modifier', /'all' needs a list/],
    [`sel:\n  f|i: x\ncondition: sel`, 'invalid_modifier', /sub-modifier of 're'/],
    [`sel:\n  f|re: '(a'\ncondition: sel`, 'invalid_regex', /not supported/],
    [`sel:\n  f|re: '(?=a)b'\ncondition: sel`, 'invalid_regex', /look-around/],
    [`sel:\n  f|cidr: 10.0.0.0/33\ncondition: sel`, 'invalid_value', /'cidr' needs/],
    [`sel:\n  f|cidr: nope\ncondition: sel`, 'invalid_value', /'cidr' needs/],
    [`sel:\n  f|gt: abc\ncondition: sel`, 'invalid_value', /'gt' needs a number/],
    [
      `sel:\n  f|exists: yes please\ncondition: sel`,
      'invalid_value',
      /'exists' needs true or false/,
    ],
    [`sel:\n  f|base64: 'a*'\ncondition: sel`, 'invalid_value', /cannot encode wildcards/],
    [
      `sel:\n  f|expand: '%Nope%'\ncondition: sel`,
      'unresolved_placeholder',
      /'%Nope%' has no values/,
    ],
    [`sel:\n  f|contains: true\ncondition: sel`, 'invalid_value', /needs string values/],
    [`sel:\n  f:\n    a: b\ncondition: sel`, 'invalid_value', /cannot be a map/],
    [`sel:\n  f: []\ncondition: sel`, 'invalid_value', /empty list/],
    [`sel:\n  f|contains|contains: x\ncondition: sel`, 'invalid_modifier', /repeated/],
  ];
  for (const [detection, code, message] of ERRORS) {
    it(`${code}: ${message.source}`, () => {
      const e = loadError(detection, { placeholders: {} });
      expect(e.code).toBe(code);
      expect(e.message).toMatch(message);
      expect(e.file).toBe('test.yml');
      // The item is on line 9 of the generated document (test-support/rule.ts).
      expect(e.line).toBe(9);
      expect(e.path.startsWith('detection.sel.f')).toBe(true);
    });
  }
});
