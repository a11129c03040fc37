import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDetector, readRuleFiles } from './rule-files.js';

const dir = mkdtempSync(join(tmpdir(), 'veritrail-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RULE = `title: Deleted a bucket
id: 9d4c2a1e-0000-4000-8000-000000000001
level: high
logsource: { product: veritrail }
detection:
  selection: { action: bucket.delete }
  condition: selection
`;

describe('rule files', () => {
  it('loads the built-in pack by default, named builtin/…', () => {
    const r = loadDetector();
    expect(r.errors).toEqual([]);
    expect(r.detector.rules.length).toBeGreaterThan(5);
    expect(r.detector.rules.every((x) => x.file.startsWith('builtin/'))).toBe(true);
  });

  it('reads folders recursively (YAML only) and single files; bad rules are errors, not crashes', () => {
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'a.yml'), RULE);
    writeFileSync(join(dir, 'b.yaml'), 'title: broken\ndetection: [1\n');
    writeFileSync(join(dir, 'notes.txt'), 'not a rule');
    expect(readRuleFiles([dir]).map((f) => f.name)).toEqual([
      join(dir, 'b.yaml'),
      join(dir, 'sub', 'a.yml'),
    ]);
    const r = loadDetector([dir]);
    expect(r.detector.rules.map((x) => x.title)).toEqual(['Deleted a bucket']);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.file).toBe(join(dir, 'b.yaml'));
  });

  it('adds a user folder to the built-in pack, or replaces it', () => {
    const only = join(dir, 'only');
    mkdirSync(only);
    writeFileSync(join(only, 'x.yml'), RULE);
    const both = loadDetector([only], { builtin: true });
    const titles = both.detector.rules.map((x) => x.title);
    expect(titles).toContain('Deleted a bucket');
    expect(both.detector.rules.some((x) => x.file.startsWith('builtin/'))).toBe(true);
    expect(loadDetector([only], { builtin: false }).detector.rules.map((x) => x.title)).toEqual([
      'Deleted a bucket',
    ]);
    expect(loadDetector([], { builtin: false }).detector.rules).toEqual([]);
  });

  it('refuses a path that does not exist, naming it', () => {
    expect(() => readRuleFiles([join(dir, 'nope')])).toThrow(/no rule file or folder at .*nope/);
  });
});
