/** Recorders for the middleware tests: one that captures (and validates), one that throws,
 *  one that is always full. */
import { canonicalJson } from '../../../core/canonical-json.js';
import { eventInputSchema, type EventInput } from '../../../core/event/schema.js';
import type { AuditRecorder } from '../core.js';

export class CapturingRecorder implements AuditRecorder {
  readonly events: EventInput[] = [];
  /** Events the server would refuse, with the reason: must stay empty. */
  readonly invalid: { event: EventInput; reason: string }[] = [];

  tryRecord(event: EventInput): string {
    const r = eventInputSchema.safeParse(event);
    if (!r.success) this.invalid.push({ event, reason: r.error.message });
    try {
      canonicalJson(event);
    } catch (e) {
      this.invalid.push({ event, reason: (e as Error).message });
    }
    this.events.push(JSON.parse(JSON.stringify(event)) as EventInput);
    return `evt-${this.events.length}`;
  }
}

export class ThrowingRecorder implements AuditRecorder {
  calls = 0;
  tryRecord(): string {
    this.calls++;
    throw new Error('recorder exploded');
  }
}

export class FullRecorder implements AuditRecorder {
  calls = 0;
  tryRecord(): undefined {
    this.calls++;
    return undefined;
  }
}
