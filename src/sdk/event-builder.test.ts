import { describe, expect, it } from 'vitest';
import { eventInputSchema } from '../core/event/schema.js';
import { auditEvent } from './event-builder.js';

describe('auditEvent', () => {
  it('builds a valid event', () => {
    const at = new Date('2026-11-26T10:00:00Z');
    const e = auditEvent('user.login')
      .actor({ id: 'alice', type: 'user' })
      .outcome('failure')
      .reason('bad password')
      .target({ id: 'app', type: 'application' })
      .target({ id: 'sso' })
      .source({ ip: '10.0.0.1' })
      .metadata({ attempt: 3 })
      .metadata({ method: 'password' })
      .occurredAt(at)
      .build();
    expect(e).toEqual({
      action: 'user.login',
      actor: { id: 'alice', type: 'user' },
      outcome: 'failure',
      reason: 'bad password',
      targets: [{ id: 'app', type: 'application' }, { id: 'sso' }],
      source: { ip: '10.0.0.1' },
      metadata: { attempt: 3, method: 'password' },
      occurred_at: '2026-11-26T10:00:00.000Z',
    });
    expect(eventInputSchema.safeParse(e).success).toBe(true);
  });

  it('requires an actor', () => {
    expect(() => auditEvent('user.login').build()).toThrow(/actor is required/);
  });

  it('returns a copy that later calls do not change', () => {
    const b = auditEvent('doc.read').actor({ id: 'bob' });
    const first = b.build();
    b.target({ id: 'doc-1' });
    expect(first.targets).toBeUndefined();
    expect(b.build().targets).toEqual([{ id: 'doc-1' }]);
  });
});
