/**
 * The console's only way to the server: the public HTTP API (docs/api.md), with the token as
 * `Authorization: Bearer`. The token never goes into a URL, a log line or an error message.
 */
import { SseParser, type SseMessage } from './sse.js';

export interface Issue {
  readonly path: string;
  readonly message: string;
}

/** An API error body `{"error":{"code","message","details"?}}` (docs/errors.md), or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly Issue[] = [],
  ) {
    super(message);
  }
}

export type Query = Record<string, string | number | undefined>;

export function url(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs === '' ? path : `${path}?${qs}`;
}

async function failure(res: Response): Promise<ApiError> {
  const body: unknown = await res.json().catch(() => null);
  const e = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)
    ?.error;
  if (e && typeof e.code === 'string' && typeof e.message === 'string') {
    const details = Array.isArray(e.details) ? (e.details as Issue[]) : [];
    return new ApiError(res.status, e.code, e.message, details);
  }
  return new ApiError(
    res.status,
    'http_error',
    `the server answered ${res.status} ${res.statusText}`,
  );
}

export class Api {
  constructor(private readonly token: string) {}

  private async send(
    method: string,
    path: string,
    query: Query,
    body?: unknown,
  ): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(url(path, query), {
        method,
        headers,
        cache: 'no-store',
        credentials: 'omit',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (e) {
      throw new ApiError(0, 'network', `cannot reach the server: ${(e as Error).message}`);
    }
    if (!res.ok) throw await failure(res);
    return res;
  }

  async json<T>(method: string, path: string, query: Query = {}, body?: unknown): Promise<T> {
    return (await (await this.send(method, path, query, body)).json()) as T;
  }

  async text(path: string, query: Query = {}): Promise<string> {
    return (await this.send('GET', path, query)).text();
  }

  /**
   * Follows GET /v1/stream until `signal` aborts, reconnecting after the last seq it saw when
   * the server ends the response (a `resume`, a restart). An error before the stream starts
   * (a bad query, a revoked token) is thrown.
   */
  async stream(
    query: Query,
    signal: AbortSignal,
    onMessage: (m: SseMessage) => void,
  ): Promise<void> {
    let after: string | undefined;
    while (!signal.aborted) {
      const headers: Record<string, string> = {
        authorization: `Bearer ${this.token}`,
        accept: 'text/event-stream',
      };
      let res: Response;
      try {
        res = await fetch(url('/v1/stream', { ...query, after }), {
          headers,
          signal,
          cache: 'no-store',
          credentials: 'omit',
        });
      } catch (e) {
        if (signal.aborted) return;
        throw new ApiError(0, 'network', `cannot reach the server: ${(e as Error).message}`);
      }
      if (!res.ok) throw await failure(res);
      if (!res.body) throw new ApiError(0, 'network', 'the stream has no body');
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new SseParser();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          for (const m of parser.push(value)) {
            if (m.id !== null && /^-?\d+$/.test(m.id)) after = m.id;
            onMessage(m);
          }
        }
      } catch (e) {
        if (signal.aborted) return;
        throw new ApiError(0, 'network', `the stream broke: ${(e as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
