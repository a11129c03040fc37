/** Test helpers shared by the contract suite and HTTP tests: valid events and commitments. */
import {
  commit,
  normaliseEvent,
  type EventInput,
  type StoredEvent,
} from '../../core/event/index.js';
import { randomBytes } from '../../core/crypto.js';
import type { AppendInput } from '../ports.js';

let counter = 0;

export function makeEvent(
  over: Partial<EventInput> = {},
  receivedAt = new Date().toISOString(),
): StoredEvent {
  counter++;
  const r = normaliseEvent(
    { action: 'user.login', actor: { id: `user-${counter % 7}` }, outcome: 'success', ...over },
    {
      defaultTenant: 'acme',
      receivedAt,
      newId: () => `evt-${process.pid}-${counter}-${Math.random().toString(36).slice(2)}`,
    },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

export function toAppend(event: StoredEvent): AppendInput {
  return { event, commitment: commit(event, randomBytes(32)) };
}
