/**
 * A small Detector for tests of detection, alerts and backtests: every `user.login_failed`
 * event is a finding of rule `brute` grouped by actor; every event of action `admin.*` one of
 * rule `admin` (no group). It records what it was fed.
 */
import type { Detector, Finding, RuleInfo } from '../../core/detect/types.js';
import type { StoredEvent } from '../../core/event/index.js';

export const BRUTE: RuleInfo = {
  id: 'brute',
  title: 'Failed logins',
  type: 'sigma',
  severity: 'high',
  tags: ['attack.credential_access'],
  file: 'test/brute.yml',
  line: 1,
  suppressMs: 60 * 60_000,
};

export const ADMIN_RULE: RuleInfo = {
  id: 'admin',
  title: 'Admin action',
  type: 'sigma',
  severity: 'low',
  tags: [],
  file: 'test/admin.yml',
  line: 1,
  suppressMs: 0,
};

export interface FakeDetector extends Detector {
  /** `tenant/id` of every event evaluated, in order. */
  readonly seen: string[];
}

export function fakeDetector(): FakeDetector {
  const seen: string[] = [];
  return {
    rules: [BRUTE, ADMIN_RULE],
    seen,
    evaluate(e: StoredEvent): Finding[] {
      seen.push(`${e.tenant}/${e.id}`);
      const t = Date.parse(e.occurred_at);
      const base = { tenant: e.tenant, eventIds: [e.id], firstTime: t, lastTime: t, count: 1 };
      if (e.action === 'user.login_failed')
        return [
          {
            ...base,
            rule: BRUTE,
            groupKey: `actor.id=${e.actor.id}`,
            summary: `failed login for ${e.actor.id}`,
            context: { actor: e.actor.id },
          },
        ];
      if (e.action.startsWith('admin.'))
        return [{ ...base, rule: ADMIN_RULE, groupKey: '', summary: e.action, context: {} }];
      return [];
    },
    stateSize: () => ({ entries: seen.length, approxBytes: 0 }),
  };
}
