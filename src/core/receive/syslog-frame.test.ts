import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SyslogFramer, type Frame } from './syslog-frame.js';

const b = (s: string) => Buffer.from(s);
const texts = (frames: Frame[]) =>
  frames.map((f) => (f.kind === 'message' ? f.bytes.toString() : `${f.kind}:${f.bytes}`));

/** Feeds `chunks` then ends the stream. */
function frame(chunks: readonly Uint8Array[], max = 100): Frame[] {
  const f = new SyslogFramer(max);
  return [...chunks.flatMap((c) => f.push(c)), ...f.end()];
}

describe('SyslogFramer', () => {
  it('reads octet-counted frames (RFC 6587 §3.4.1)', () => {
    expect(texts(frame([b('5 <13>a11 <13>1 - - x')]))).toEqual(['<13>a', '<13>1 - - x']);
  });

  it('reads LF-terminated lines, dropping a CR before the LF and blank lines (§3.4.2)', () => {
    expect(texts(frame([b('<13>a\r\n\n<13>b\n   \n<13>c')]))).toEqual(['<13>a', '<13>b', '<13>c']);
  });

  it('tells the framing apart per frame, so a sender may mix them', () => {
    expect(texts(frame([b('<1>line\n6 <2>abc<3>next\n')]))).toEqual([
      '<1>line',
      '<2>abc',
      '<3>next',
    ]);
  });

  it('takes a line that starts with digits but no `count SP <` as a line', () => {
    expect(texts(frame([b('12 apples\n2026-01-01 x\n')]))).toEqual(['12 apples', '2026-01-01 x']);
  });

  it('skips an oversize counted frame by discarding exactly its bytes', () => {
    const big = `<13>${'x'.repeat(196)}`;
    expect(texts(frame([b(`200 ${big}5 <13>a`)]))).toEqual(['oversize:200', '<13>a']);
    // Split anywhere, the discard spans the chunks.
    const whole = b(`200 ${big}5 <13>a`);
    expect(
      texts(frame([whole.subarray(0, 7), whole.subarray(7, 150), whole.subarray(150)])),
    ).toEqual(['oversize:200', '<13>a']);
  });

  it('skips an oversize line up to its LF', () => {
    const chunks = [b(`<13>${'y'.repeat(80)}`), b('y'.repeat(80)), b('yy\n<13>ok\n')];
    expect(texts(frame(chunks))).toEqual(['oversize:166', '<13>ok']);
  });

  it('reports a counted frame cut short by the end of the stream', () => {
    expect(texts(frame([b('50 <13>only part')]))).toEqual(['truncated:16']);
  });
});

/** Cuts `bytes` at the given points (any order, duplicates allowed). */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((x, y) => x - y);
  const out: Buffer[] = [];
  let from = 0;
  for (const c of [...at, bytes.length]) {
    out.push(bytes.subarray(from, c));
    from = c;
  }
  return out;
}

describe('SyslogFramer properties', () => {
  const body = fc.uint8Array({ minLength: 0, maxLength: 60 });

  it('returns the sent messages, however framed and however the stream is cut', () => {
    const msg = fc.record({
      counted: fc.boolean(),
      // A frame's body starts with `<` (a PRI); an LF-framed one has no LF and is not blank.
      bytes: body.map((x) => Buffer.concat([b('<'), Buffer.from(x)])),
    });
    fc.assert(
      fc.property(
        fc.array(msg, { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (ms, cuts) => {
          const frames = ms.map(({ counted, bytes }) =>
            counted ? bytes : Buffer.from(bytes.filter((x) => x !== 0x0a && x !== 0x0d)),
          );
          const stream = Buffer.concat(
            ms.map(({ counted }, i) =>
              counted
                ? Buffer.concat([b(`${frames[i]!.length} `), frames[i]!])
                : Buffer.concat([frames[i]!, b('\n')]),
            ),
          );
          const got = frame(split(stream, cuts));
          expect(got.map((f) => (f.kind === 'message' ? f.bytes.toString('hex') : f.kind))).toEqual(
            frames.map((f) => f.toString('hex')),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('frames any bytes the same however they are cut, never over the limit, never throwing', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 400 }),
      fc
        .array(
          fc.constantFrom(
            '9 ',
            '12 <',
            '<13>',
            '\n',
            '\r',
            'x',
            '999 <',
            '0 ',
            '1234567890 ',
            'x'.repeat(30),
          ),
          {
            maxLength: 60,
          },
        )
        .map((p) => b(p.join(''))),
    );
    fc.assert(
      fc.property(bytes, fc.array(fc.nat(), { maxLength: 12 }), (x, cuts) => {
        const buf = Buffer.from(x);
        const whole = frame([buf], 50);
        expect(frame(split(buf, cuts), 50)).toEqual(whole);
        for (const f of whole)
          if (f.kind === 'message') expect(f.bytes.length).toBeLessThanOrEqual(50);
      }),
      { numRuns: 1000 },
    );
  });
});
