/**
 * An event as the client queues it: a copy with `id` (UUIDv7), `occurred_at` and the default
 * tenant filled in, checked against event schema v1 exactly as the server checks one event,
 * so a bad event fails where it is recorded with the paths the server would give.
 */
import { v7 as uuidv7 } from 'uuid';
import { LIMITS } from '../core/event/limits.js';
import { eventInputSchema, type EventInput } from '../core/event/schema.js';
import { issuesFromZod } from '../core/event/validate.js';
import { InvalidEventError } from './errors.js';

export interface PreparedEvent {
  readonly id: string;
  /** The JSON that is spooled and sent. */
  readonly json: string;
}

export function prepareEvent(event: EventInput, tenant: string | undefined): PreparedEvent {
  if (typeof event !== 'object' || event === null || Array.isArray(event))
    throw new InvalidEventError([{ path: '(root)', message: 'must be an object' }]);
  const e: Record<string, unknown> = { ...event };
  e.id ??= uuidv7();
  e.occurred_at ??= new Date().toISOString();
  if (tenant !== undefined) e.tenant ??= tenant;
  const parsed = eventInputSchema.safeParse(e);
  if (!parsed.success) throw new InvalidEventError(issuesFromZod(parsed.error));
  const json = JSON.stringify(parsed.data);
  if (json.length > LIMITS.eventBytes / 3 && Buffer.byteLength(json) > LIMITS.eventBytes) {
    throw new InvalidEventError([
      {
        path: '(event)',
        message: `event is ${Buffer.byteLength(json)} bytes of JSON; at most ${LIMITS.eventBytes}`,
      },
    ]);
  }
  return { id: parsed.data.id as string, json };
}
