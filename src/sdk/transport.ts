/**
 * One POST /v1/events of a batch (docs/api.md#post-v1events), and what its answer means for
 * the queue. The server's answer is untrusted: bodies are parsed defensively.
 */
import type { Issue } from '../core/errors.js';
import { parseRetryAfter } from './backoff.js';
import { VeritrailSdkError } from './errors.js';

export type SendOutcome =
  | { readonly kind: 'ok'; readonly duplicates: number }
  /** 400: nothing stored. `indices` are the refused events of the batch, when the details name them. */
  | {
      readonly kind: 'refused';
      readonly status: number;
      readonly code: string;
      readonly message: string;
      readonly issues: readonly Issue[];
      readonly indices: ReadonlySet<number> | undefined;
    }
  /** 413: the request is too large for the server; smaller batches may pass. */
  | {
      readonly kind: 'too_large';
      readonly status: number;
      readonly code: string;
      readonly message: string;
    }
  | { readonly kind: 'retry'; readonly error: VeritrailSdkError; readonly retryAfterMs?: number };

export interface TransportConfig {
  readonly endpoint: string;
  readonly where: string;
  readonly token: string;
  readonly requestTimeoutMs: number;
  readonly fetch: typeof fetch;
}

export async function sendBatch(
  c: TransportConfig,
  events: readonly string[],
  stop: AbortSignal,
): Promise<SendOutcome> {
  const body = `{"events":[${events.join(',')}]}`;
  let res: Response;
  let text: string;
  try {
    res = await c.fetch(c.endpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.any([stop, AbortSignal.timeout(c.requestTimeoutMs)]),
    });
    text = await res.text();
  } catch (e) {
    const timedOut = e instanceof Error && e.name === 'TimeoutError';
    const msg = timedOut
      ? `no answer within ${c.requestTimeoutMs} ms`
      : `network error: ${describe(e)}`;
    return { kind: 'retry', error: new VeritrailSdkError('network', `POST ${c.where}: ${msg}`) };
  }
  if (res.status === 200 || res.status === 201) return { kind: 'ok', duplicates: duplicates(text) };
  const { code, message, issues } = errorBody(text, res.status);
  const error = new VeritrailSdkError(
    'http',
    `POST ${c.where}: ${res.status} ${code}: ${message}`,
    issues,
    { status: res.status },
  );
  if (res.status === 400 || res.status === 422) {
    return {
      kind: 'refused',
      status: res.status,
      code,
      message,
      issues,
      indices: indicesOf(issues),
    };
  }
  if (res.status === 413) return { kind: 'too_large', status: 413, code, message };
  // 408, 429 and 5xx are transient; 401, 403, 404 and the like need the operator (a token, a
  // scope, a URL): the events wait in the queue meanwhile rather than being thrown away.
  const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
  return retryAfterMs === undefined
    ? { kind: 'retry', error }
    : { kind: 'retry', error, retryAfterMs };
}

function duplicates(text: string): number {
  try {
    const v = JSON.parse(text) as { events?: unknown };
    if (!Array.isArray(v.events)) return 0;
    return v.events.filter((e) => (e as { duplicate?: unknown } | null)?.duplicate === true).length;
  } catch {
    return 0;
  }
}

function errorBody(
  text: string,
  status: number,
): { code: string; message: string; issues: Issue[] } {
  try {
    const v = (JSON.parse(text) as { error?: Record<string, unknown> }).error;
    if (typeof v === 'object' && v !== null) {
      const details = Array.isArray(v.details) ? (v.details as unknown[]) : [];
      return {
        code: typeof v.code === 'string' ? clip(v.code, 64) : `status_${status}`,
        message: typeof v.message === 'string' ? clip(v.message, 500) : '(no message)',
        issues: details.slice(0, 100).flatMap((d) => {
          const { path, message } = (d ?? {}) as Record<string, unknown>;
          return typeof path === 'string' && typeof message === 'string'
            ? [{ path: clip(path, 300), message: clip(message, 500) }]
            : [];
        }),
      };
    }
  } catch {
    // Not JSON (a proxy's page): described by its status.
  }
  return {
    code: `status_${status}`,
    message: clip(text.trim() || '(empty body)', 200),
    issues: [],
  };
}

/** Indices named by `events.<i>…` detail paths; undefined when some detail names none. */
function indicesOf(issues: readonly Issue[]): ReadonlySet<number> | undefined {
  const out = new Set<number>();
  for (const i of issues) {
    const m = /^events\.(\d{1,4})(?:\.|$)/.exec(i.path);
    if (!m) return undefined;
    out.add(Number(m[1]));
  }
  return out.size > 0 ? out : undefined;
}

function describe(e: unknown): string {
  const cause = (e as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return e instanceof Error ? e.message : String(e);
}

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n)}…` : s);
