/** Events the server refused as invalid: kept aside so they never block the queue. */
import type { Issue } from '../core/errors.js';

export interface DeadLetter {
  /** The refused event as it was recorded (parsed back from its JSON). */
  readonly event: unknown;
  /** HTTP status of the refusal (400 or 413). */
  readonly status: number;
  /** The server's error code, e.g. `validation_failed`. */
  readonly code: string;
  readonly message: string;
  /** The server's details about this event, with paths relative to it (`actor.id`). */
  readonly issues: readonly Issue[];
  /** When it was refused (RFC 3339). */
  readonly at: string;
}

/** One line of the dead-letter file: the event's JSON is embedded as recorded. */
export function deadLetterLine(json: string, l: Omit<DeadLetter, 'event'>): string {
  const head = JSON.stringify({
    at: l.at,
    status: l.status,
    error: { code: l.code, message: l.message, details: l.issues },
  });
  return `${head.slice(0, -1)},"event":${json}}`;
}

export function parseEvent(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
}
