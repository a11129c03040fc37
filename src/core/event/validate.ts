/**
 * Validation and normalisation of producer input into the stored event (ARCHITECTURE §2).
 * Pure: the caller supplies the clock reading and the id generator.
 */
import type { z } from 'zod';
import { err, ok, type Issue, type Result } from '../errors.js';
import { eventInputSchema, type StoredEvent } from './schema.js';

export interface NormaliseContext {
  /** Tenant used when the event names none (the API key's tenant, or `default`). */
  readonly defaultTenant: string;
  /** Server clock, RFC 3339 UTC with milliseconds. */
  readonly receivedAt: string;
  /** Generates an id (UUIDv7) for events that arrive without one. */
  readonly newId: () => string;
}

export function issuesFromZod(error: z.ZodError, prefix = ''): Issue[] {
  return error.issues.map((i) => {
    const segs = i.code === 'unrecognized_keys' ? [...i.path, ...i.keys.slice(0, 1)] : i.path;
    const path = [prefix, ...segs.map(String)].filter((s) => s !== '').join('.');
    const message =
      i.code === 'unrecognized_keys'
        ? `unknown field${i.keys.length > 1 ? `s ${i.keys.join(', ')}` : ''}`
        : i.code === 'invalid_type' && i.message.endsWith('received undefined')
          ? 'is required'
          : i.code === 'invalid_key'
            ? (i.issues[0]?.message ?? i.message)
            : i.message;
    return { path: path === '' ? '(root)' : path, message };
  });
}

/**
 * Validates one untrusted event and fills in the defaults. `path` prefixes every issue
 * (e.g. `events.3`) so a batch error names the exact event and field.
 */
export function normaliseEvent(
  input: unknown,
  ctx: NormaliseContext,
  path = '',
): Result<StoredEvent> {
  const parsed = eventInputSchema.safeParse(input);
  if (!parsed.success) return err(issuesFromZod(parsed.error, path));
  // The parse result is a fresh object that nothing else holds: defaults are filled in place
  // (member order is irrelevant: the stored form is canonical JSON).
  const e = parsed.data as Partial<StoredEvent> & typeof parsed.data;
  if (e.source?.ip !== undefined) e.source.ip = e.source.ip.toLowerCase();
  e.id ??= ctx.newId();
  e.tenant ??= ctx.defaultTenant;
  e.category ??= 'other';
  e.outcome ??= 'unknown';
  e.severity ??= 'info';
  e.occurred_at ??= ctx.receivedAt;
  e.received_at = ctx.receivedAt;
  return ok(e as StoredEvent);
}
