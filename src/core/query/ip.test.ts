import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareBytes, inIpRange, parseCidr, parseIp, parseIpRange } from './ip.js';

const hex = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('hex'));

describe('parseIp', () => {
  it.each([
    ['0.0.0.0', '00000000000000000000ffff00000000'],
    ['10.0.0.1', '00000000000000000000ffff0a000001'],
    ['255.255.255.255', '00000000000000000000ffffffffffff'],
    ['::', '00000000000000000000000000000000'],
    ['::1', '00000000000000000000000000000001'],
    ['1::', '00010000000000000000000000000000'],
    ['2001:db8::1', '20010db8000000000000000000000001'],
    ['2001:DB8:0:0:0:0:0:1', '20010db8000000000000000000000001'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '20010db8000000000000000000000001'],
    ['1:2:3:4:5:6:7::', '00010002000300040005000600070000'],
    ['::2:3:4:5:6:7:8', '00000002000300040005000600070008'],
    ['::ffff:10.0.0.1', '00000000000000000000ffff0a000001'],
    ['::ffff:a00:1', '00000000000000000000ffff0a000001'],
    ['::10.0.0.1', '0000000000000000000000000a000001'],
    ['1:2:3:4:5:6:1.2.3.4', '00010002000300040005000601020304'],
    ['fe80::1:2.3.4.5', 'fe800000000000000000000102030405'],
  ])('%s', (s, bytes) => {
    expect(hex(parseIp(s))).toBe(bytes);
  });

  it.each([
    '',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '1.2.3.04',
    '256.0.0.1',
    '1.2.3.-4',
    '1.2.3.4 ',
    ' 1.2.3.4',
    '1..2.3',
    '0x1.2.3.4',
    '１.2.3.4', // fullwidth digit
    ':::',
    '1:::2',
    '1::2::3',
    ':1::2',
    '1::2:',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7:8::',
    '::1:2:3:4:5:6:7:8',
    '12345::',
    'g::1',
    '1.2.3.4::',
    '::1.2.3.4:5',
    '1:2:3:4:5:6:7:1.2.3.4',
    '::ffff:1.2.3.256',
    '::ffff:01.2.3.4',
    'fe80::1%eth0',
    '[::1]',
    '::1/128',
  ])('refuses %j', (s) => {
    expect(parseIp(s)).toBeNull();
  });

  it('round-trips every IPv4 and IPv6 address through its canonical text', () => {
    fc.assert(
      fc.property(fc.ipV4(), (s) => {
        const b = parseIp(s);
        expect(b).not.toBeNull();
        expect(hex(parseIp(`::ffff:${s}`))).toBe(hex(b));
        expect([...(b ?? []).slice(12)].join('.')).toBe(s);
      }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }),
        (groups) => {
          const full = groups.map((g) => g.toString(16)).join(':');
          const bytes = Buffer.from(groups.flatMap((g) => [g >> 8, g & 0xff])).toString('hex');
          expect(hex(parseIp(full))).toBe(bytes);
          expect(hex(parseIp(full.toUpperCase()))).toBe(bytes);
        },
      ),
    );
  });

  it('agrees with fast-check ipV6() (which emits ::, embedded IPv4 and leading zeros)', () => {
    fc.assert(
      fc.property(fc.ipV6(), (s) => {
        expect(parseIp(s)).not.toBeNull();
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseCidr', () => {
  it.each([
    ['10.0.0.0/8', '00000000000000000000ffff0a000000', '00000000000000000000ffff0affffff'],
    ['10.1.2.3/8', '00000000000000000000ffff0a000000', '00000000000000000000ffff0affffff'],
    ['10.0.0.1/32', '00000000000000000000ffff0a000001', '00000000000000000000ffff0a000001'],
    ['0.0.0.0/0', '00000000000000000000ffff00000000', '00000000000000000000ffffffffffff'],
    ['::/0', '00000000000000000000000000000000', 'ffffffffffffffffffffffffffffffff'],
    ['2001:db8::/32', '20010db8000000000000000000000000', '20010db8ffffffffffffffffffffffff'],
    ['::ffff:10.0.0.0/104', '00000000000000000000ffff0a000000', '00000000000000000000ffff0affffff'],
    ['fe80::/10', 'fe800000000000000000000000000000', 'febfffffffffffffffffffffffffffff'],
  ])('%s', (s, lo, hi) => {
    const r = parseCidr(s);
    expect([hex(r?.lo ?? null), hex(r?.hi ?? null)]).toEqual([lo, hi]);
  });

  it.each([
    '10.0.0.0',
    '10.0.0.0/33',
    '::/129',
    '10.0.0.0/08',
    '10.0.0.0/',
    '/8',
    '10.0.0.0/8/8',
    '10.0.0.0/-1',
    '::1/ 64',
  ])('refuses %j', (s) => {
    expect(parseCidr(s)).toBeNull();
  });

  it('IPv4 in a block equals its mapped form in the same block', () => {
    const block = parseIpRange('10.0.0.0/8');
    const mapped = parseIp('::ffff:10.9.8.7');
    const outside = parseIp('11.0.0.0');
    expect(block !== null && mapped !== null && inIpRange(mapped, block)).toBe(true);
    expect(block !== null && outside !== null && inIpRange(outside, block)).toBe(false);
  });

  it('a block contains exactly the addresses sharing its prefix bits', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.ipV4(), fc.integer({ min: 0, max: 32 }), (a, b, prefix) => {
        const block = parseCidr(`${a}/${prefix}`);
        const ip = parseIp(b);
        const bits = (s: string) =>
          s
            .split('.')
            .map((o) => Number(o).toString(2).padStart(8, '0'))
            .join('');
        const expected = bits(a).slice(0, prefix) === bits(b).slice(0, prefix);
        expect(block !== null && ip !== null && inIpRange(ip, block)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});

it('compareBytes is unsigned lexicographic', () => {
  expect(compareBytes(Uint8Array.of(1, 255), Uint8Array.of(2, 0))).toBeLessThan(0);
  expect(compareBytes(Uint8Array.of(255), Uint8Array.of(1))).toBeGreaterThan(0);
  expect(compareBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(0);
});
