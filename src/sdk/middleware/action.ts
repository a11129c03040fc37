/**
 * Default action and targets of an HTTP call, derived from the route *template* (never the raw
 * path, which holds ids and sometimes secrets) and the method (docs/middleware.md "Actions").
 * Templates come from the application's own route table but in any framework's syntax:
 * Express 5 (`/:id`, `*splat`, `{/:opt}`), Fastify (`/:id(^\d+)`, `/:a-:b`, `*`) and Hono
 * (`/:id{[0-9]+}`, `/:id?`, `*`). Every action returned matches the schema's action pattern.
 */
import { LIMITS } from '../../core/event/limits.js';
import type { KeyMatcher } from './redact.js';
import { REDACTED } from './redact.js';

export interface Segment {
  readonly param: boolean;
  /** The literal text of a static segment, or the name of a parameter (`*` when unnamed). */
  readonly text: string;
}

/** Splits a route template into static and parameter segments. */
export function parseTemplate(template: string): Segment[] {
  const plain = template
    .replace(/(:[A-Za-z0-9_$]+)\{[^}]*\}/g, '$1') // Hono `:id{[0-9]+}`
    .replace(/(:[A-Za-z0-9_$]+)\([^)]*\)/g, '$1') // Fastify `:id(^\d+)`
    .replace(/[{}]/g, ''); // Express 5 optional groups `{/:id}`
  const out: Segment[] = [];
  for (const part of plain.split('/')) {
    if (part === '') continue;
    const name = /:([A-Za-z0-9_$]+)/.exec(part)?.[1] ?? /\*([A-Za-z0-9_$]+)/.exec(part)?.[1];
    if (name !== undefined) out.push({ param: true, text: name });
    else if (part.includes('*') || part.includes(':')) out.push({ param: true, text: '*' });
    else out.push({ param: false, text: part });
  }
  return out;
}

const VERBS: Readonly<Record<string, string>> = {
  POST: 'create',
  PUT: 'update',
  PATCH: 'update',
  DELETE: 'delete',
};

/** GET/HEAD on an item (the template ends in a parameter) → read, on a collection → list. */
export function verbOf(method: string, item: boolean): string {
  const m = method.toUpperCase();
  if (m === 'GET' || m === 'HEAD') return item ? 'read' : 'list';
  return VERBS[m] ?? (word(method.toLowerCase(), 32) || 'request');
}

/** One action part: `[A-Za-z0-9_-]+`, camelCase to snake_case, at most `max` characters. */
export function word(s: string, max = 64): string {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, max);
}

/** A prefix is empty or dotted parts of `[A-Za-z0-9_-]`, at most 64 characters. */
export const PREFIX_PATTERN = /^(?:[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)?$/;

/**
 * `DELETE /orgs/:org/members/:id` → `api.orgs.members.delete`. A first static segment equal to
 * the prefix's last part is not repeated (`/api/users` → `api.users.list`); a template without
 * static segments is `root`; an unmatched route (template undefined) is `<prefix>.unmatched.<verb>`.
 */
export function defaultAction(
  method: string,
  template: string | undefined,
  prefix: string,
): string {
  const head = prefix === '' ? [] : prefix.split('.');
  if (template === undefined) return [...head, 'unmatched', verbOf(method, true)].join('.');
  const segs = parseTemplate(template);
  const verb = verbOf(method, segs.at(-1)?.param ?? false);
  let statics = segs.filter((s) => !s.param).map((s) => word(s.text));
  statics = statics.filter((s) => s !== '');
  if (statics[0] !== undefined && statics[0] === head.at(-1)?.toLowerCase()) statics.shift();
  if (statics.length === 0) statics = ['root'];
  // Keep the prefix, the verb and as many of the last static parts as fit the id length.
  const room = LIMITS.idLength - (head.join('.').length + verb.length + 2);
  const kept: string[] = [];
  let used = 0;
  for (const s of [...statics].reverse()) {
    if (used + s.length + 1 > room) break;
    kept.unshift(s);
    used += s.length + 1;
  }
  return [...head, ...(kept.length > 0 ? kept : ['root']), verb].join('.');
}

/** Printable ASCII without spaces (the schema's id rule), at most 256 characters. */
const ID = /^[\x21-\x7e]{1,256}$/;

/**
 * An untrusted string as a schema id: kept when valid, else percent-encoded (`john doe` →
 * `john%20doe`) and cut to the id length. Empty → undefined.
 */
export function toId(s: string): string | undefined {
  if (s === '') return undefined;
  if (ID.test(s)) return s;
  const encoded = s.replace(/[^\x21-\x7e]/gu, (ch) => {
    try {
      return encodeURIComponent(ch);
    } catch {
      return '%EF%BF%BD'; // a lone surrogate: U+FFFD
    }
  });
  return encoded.slice(0, LIMITS.idLength);
}

export interface DefaultTarget {
  id: string;
  type?: string;
}

/**
 * The last parameter's value as the target id, typed by the static segment before it
 * (`/orgs/:org/members/:id` → `{ id: <id>, type: 'members' }`). A parameter whose name is
 * redacted (`/reset/:token`) yields the id `[REDACTED]`, never its value.
 */
export function defaultTargets(
  template: string | undefined,
  params: Readonly<Record<string, unknown>>,
  redact: KeyMatcher,
): DefaultTarget[] | undefined {
  if (template === undefined) return undefined;
  const segs = parseTemplate(template);
  const i = segs.findLastIndex((s) => s.param);
  const seg = segs[i];
  if (seg === undefined || !Object.hasOwn(params, seg.text)) return undefined;
  const raw = params[seg.text];
  // Express 5 gives a splat (`*path`) as an array of segments.
  const value = Array.isArray(raw) && raw.every((x) => typeof x === 'string') ? raw.join('/') : raw;
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const id = redact(seg.text, ['params']) ? REDACTED : toId(String(value));
  if (id === undefined) return undefined;
  const before = segs[i - 1];
  const type = before !== undefined && !before.param ? toId(word(before.text)) : undefined;
  return [type === undefined ? { id } : { id, type }];
}
