/**
 * A small typed builder for events: `auditEvent('user.login').actor({ id: 'alice' })
 * .outcome('failure').build()`. Types come from the event schema; `record` validates.
 */
import type { EventInput } from '../core/event/schema.js';

type Target = NonNullable<EventInput['targets']>[number];
type Scalar = 'id' | 'tenant' | 'category' | 'outcome' | 'severity' | 'reason' | 'occurred_at';
type Part = 'actor' | 'source' | 'observer' | 'correlation' | 'metadata';

export interface EventBuilder {
  actor(actor: EventInput['actor']): EventBuilder;
  /** Adds one target (call again for more). */
  target(target: Target): EventBuilder;
  outcome(outcome: NonNullable<EventInput['outcome']>): EventBuilder;
  category(category: NonNullable<EventInput['category']>): EventBuilder;
  severity(severity: NonNullable<EventInput['severity']>): EventBuilder;
  reason(reason: string): EventBuilder;
  source(source: NonNullable<EventInput['source']>): EventBuilder;
  observer(observer: NonNullable<EventInput['observer']>): EventBuilder;
  correlation(correlation: NonNullable<EventInput['correlation']>): EventBuilder;
  /** Merged into the metadata set so far. */
  metadata(metadata: NonNullable<EventInput['metadata']>): EventBuilder;
  tenant(tenant: string): EventBuilder;
  id(id: string): EventBuilder;
  /** A Date or an RFC 3339 string. */
  occurredAt(at: Date | string): EventBuilder;
  /** The event; throws when no actor was given (the schema requires one). */
  build(): EventInput;
}

export function auditEvent(action: string): EventBuilder {
  const fields: Partial<EventInput> & { action: string } = { action };
  const set = <K extends Scalar | Part>(key: K, value: EventInput[K]): EventBuilder => {
    (fields as Record<string, unknown>)[key] = value;
    return builder;
  };
  const builder: EventBuilder = {
    actor: (v) => set('actor', { ...v }),
    target: (v) => {
      fields.targets = [...(fields.targets ?? []), { ...v }];
      return builder;
    },
    outcome: (v) => set('outcome', v),
    category: (v) => set('category', v),
    severity: (v) => set('severity', v),
    reason: (v) => set('reason', v),
    source: (v) => set('source', { ...v }),
    observer: (v) => set('observer', { ...v }),
    correlation: (v) => set('correlation', { ...v }),
    metadata: (v) => set('metadata', { ...fields.metadata, ...v }),
    tenant: (v) => set('tenant', v),
    id: (v) => set('id', v),
    occurredAt: (v) => set('occurred_at', typeof v === 'string' ? v : v.toISOString()),
    build: () => {
      const { actor } = fields;
      if (actor === undefined) throw new TypeError(`event ${action}: actor is required`);
      return { ...fields, actor };
    },
  };
  return builder;
}
