import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleReport } from '../core/report/test-support/sample-report.js';
import { pageGroups, pdfText, renderPdf } from './report-pdf.js';

const PDFTOPPM = '/usr/bin/pdftoppm';
const hasPdftoppm = spawnSync('which', ['pdftoppm']).status === 0;

/** Decodes an 8-bit PNG (what pdftoppm writes): whether any sample is not white (0xff). */
function hasInk(png: Buffer): boolean {
  let off = 8;
  let width = 0;
  let channels = 3;
  const idat: Buffer[] = [];
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.toString('latin1', off + 4, off + 8);
    const data = png.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[data[9]!] ?? 3;
    }
    if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const bpr = width * channels;
  let prev = new Uint8Array(bpr);
  for (let pos = 0; pos < raw.length; pos += bpr + 1) {
    const filter = raw[pos]!;
    const cur = new Uint8Array(bpr);
    for (let i = 0; i < bpr; i++) {
      const x = raw[pos + 1 + i]!;
      const a = i >= channels ? cur[i - channels]! : 0;
      const b = prev[i]!;
      const c = i >= channels ? prev[i - channels]! : 0;
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      const pred = [0, a, b, (a + b) >> 1, paeth][filter] ?? 0;
      cur[i] = (x + pred) & 0xff;
      if (cur[i] !== 0xff) return true;
    }
    prev = cur;
  }
  return false;
}

describe('renderPdf', () => {
  const dir = mkdtempSync(join(tmpdir(), 'veritrail-pdf-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a PDF whose page count covers the title page and every group', async () => {
    const { report } = sampleReport();
    const pdf = await renderPdf(report);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const count = Number(/\/Type \/Pages\s*\/Count (\d+)/.exec(pdf.toString('latin1'))?.[1]);
    expect(count).toBeGreaterThanOrEqual(pageGroups(report).length + 1);
  });

  it.skipIf(!hasPdftoppm)(
    'renders with pdftoppm: one PNG per page, the first one not blank (needs pdftoppm from poppler-utils)',
    async () => {
      const { report } = sampleReport();
      const pdf = await renderPdf(report);
      const file = join(dir, 'report.pdf');
      writeFileSync(file, pdf);
      execFileSync(PDFTOPPM, ['-png', '-r', '50', file, join(dir, 'page')]);
      const pngs = readdirSync(dir)
        .filter((n) => n.startsWith('page') && n.endsWith('.png'))
        .sort();
      const count = Number(/\/Type \/Pages\s*\/Count (\d+)/.exec(pdf.toString('latin1'))?.[1]);
      expect(pngs.length).toBe(count);
      expect(pngs.length).toBeGreaterThanOrEqual(pageGroups(report).length + 1);
      const first = readFileSync(join(dir, pngs[0]!));
      expect(first.subarray(0, 8)).toEqual(
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      );
      // A blank page of the same size, rendered the same way, has no ink.
      const PDFDocument = (await import('pdfkit')).default;
      const blank = await new Promise<Buffer>((resolve) => {
        const d = new PDFDocument({ size: 'A4' });
        const parts: Buffer[] = [];
        d.on('data', (c: Buffer) => parts.push(c));
        d.on('end', () => resolve(Buffer.concat(parts)));
        d.end();
      });
      writeFileSync(join(dir, 'blank.pdf'), blank);
      execFileSync(PDFTOPPM, ['-png', '-r', '50', join(dir, 'blank.pdf'), join(dir, 'blank')]);
      const blankPng = readFileSync(
        join(
          dir,
          readdirSync(dir).find((n) => n.startsWith('blank') && n.endsWith('.png'))!,
        ),
      );
      expect(hasInk(blankPng)).toBe(false);
      expect(hasInk(first)).toBe(true);
    },
  );

  it('survives hostile strings: outside WinAnsi they become ?, long ones are clipped', async () => {
    expect(pdfText('a\u0000b\u202ec😀é')).toBe('a?b?c??é');
    expect(pdfText('x'.repeat(500), 10)).toBe('xxxxxxx...');
    const { report } = sampleReport({
      perSourceDay: 1,
      edit: (e, i) => ({
        ...e,
        action: `${e.action}\u202e😀${'<>'.repeat(i % 3)}`,
        reason: 'x'.repeat(5000),
      }),
    });
    const pdf = await renderPdf(report);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });
});
