/** Test helpers: build rules from a detection written as YAML text. */
import { expect } from 'vitest';
import { loadRules } from '../load-rules.js';
import type { LoadOptions, SigmaLoadError, SigmaRule } from '../types.js';

const indent = (text: string, n: number) =>
  text
    .trim()
    .split('\n')
    .map((l) => ' '.repeat(n) + l)
    .join('\n');

/** A complete rule document around `detection` (YAML, without the `detection:` key). */
export function ruleText(
  detection: string,
  logsource = 'product: aws\n  service: cloudtrail',
): string {
  return `title: Test rule
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
status: test
logsource:
  ${logsource}
detection:
${indent(detection, 2)}
level: high
`;
}

/** The compiled rule; fails the test when it does not load. */
export function rule(detection: string, options?: LoadOptions): SigmaRule {
  const r = loadRules(ruleText(detection), 'test.yml', options);
  expect(r.errors).toEqual([]);
  const first = r.rules[0];
  if (first === undefined) throw new Error('no rule');
  return first;
}

/** The single load error of a detection. */
export function loadError(detection: string, options?: LoadOptions): SigmaLoadError {
  const r = loadRules(ruleText(detection), 'test.yml', options);
  expect(r.rules).toEqual([]);
  expect(r.errors).toHaveLength(1);
  return r.errors[0] as SigmaLoadError;
}
