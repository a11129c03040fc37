/** Test helpers: stored events and detectors built from YAML text. */
import { expect } from 'vitest';
import type { StoredEvent } from '../../event/schema.js';
import { createDetector, type DetectorOptions } from '../create-detector.js';
import type { Detector } from '../types.js';

let counter = 0;

export interface EventSpec {
  readonly time: number | string;
  readonly actor?: string;
  readonly tenant?: string;
  readonly action?: string;
  readonly country?: string;
  readonly ip?: string;
  readonly id?: string;
  readonly extra?: Partial<StoredEvent>;
}

/** A stored event of schema v1 at `time` (ms or RFC 3339). */
export function ev(spec: EventSpec): StoredEvent {
  const at = typeof spec.time === 'number' ? new Date(spec.time).toISOString() : spec.time;
  const source =
    spec.country !== undefined || spec.ip !== undefined
      ? {
          ...(spec.ip !== undefined ? { ip: spec.ip } : {}),
          ...(spec.country !== undefined ? { geo: { country: spec.country } } : {}),
        }
      : undefined;
  return {
    id: spec.id ?? `e${++counter}`,
    tenant: spec.tenant ?? 'acme',
    action: spec.action ?? 'user.login',
    category: 'authentication',
    outcome: 'success',
    severity: 'info',
    actor: { id: spec.actor ?? 'alice' },
    ...(source !== undefined ? { source } : {}),
    occurred_at: at,
    received_at: at,
    ...spec.extra,
  };
}

/** A Veritrail rule document around a `veritrail:` mapping body (YAML, indented by 2). */
export function typedRule(veritrail: string, extra = ''): string {
  return `title: Test rule
id: 6a1f4d2e-8a43-4a57-9d7a-1b2c3d4e5f60
level: high
logsource:
  product: veritrail
${extra}veritrail:
${veritrail
  .trim()
  .split('\n')
  .map((l) => `  ${l}`)
  .join('\n')}
`;
}

/** A detector from one file; fails the test on a load error. */
export function detectorOf(text: string, options: Omit<DetectorOptions, 'files'> = {}): Detector {
  const r = createDetector({
    now: () => Date.UTC(2100, 0, 1),
    ...options,
    files: [{ name: 'test.yml', text }],
  });
  expect(r.errors).toEqual([]);
  return r.detector;
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
