import { describe, expect, it } from 'vitest';
import { ANY, ONE } from './ast.js';
import { asciiLower, compileGlob } from './glob.js';

describe('compileGlob', () => {
  it('matches whole strings, ? is one code point', () => {
    expect(compileGlob(['a', ANY])('abc')).toBe(true);
    expect(compileGlob(['a', ANY])('bac')).toBe(false);
    expect(compileGlob([ONE])('😀')).toBe(true);
    expect(compileGlob([ONE, ONE])('😀')).toBe(false);
    expect(compileGlob([ANY, 'b', ONE])('abc')).toBe(true);
    expect(compileGlob([])('')).toBe(true);
    expect(compileGlob(['[*]'])('[*]')).toBe(true);
  });

  it('stays linear-ish on adversarial patterns (untrusted queries)', () => {
    const pattern = [...Array.from({ length: 200 }, () => [ANY, 'a']).flat(), ANY, 'b'];
    const started = performance.now();
    expect(compileGlob(pattern)('a'.repeat(20_000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

it('asciiLower folds A–Z only, like SQLite lower()', () => {
  expect(asciiLower('ÄBC İ ẞ Z')).toBe('Äbc İ ẞ z');
});
