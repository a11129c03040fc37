/** A small client for the server's HTTP API (used by send, query, export). */
import { VeritrailError, type ErrorCode, type Issue } from '../core/errors.js';

export interface Client {
  readonly url: string;
  /** The bearer token sent, if any (streams authenticate their own connections with it). */
  readonly token: string | undefined;
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
  text(path: string): Promise<string>;
}

export function createClient(url: string, token: string | undefined): Client {
  const base = url.replace(/\/+$/, '');
  const call = async (method: string, path: string, body?: unknown): Promise<Response> => {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (e) {
      throw new VeritrailError('unavailable', `cannot reach ${base}: ${(e as Error).message}`);
    }
    if (!res.ok) {
      const payload = (await res.json().catch(() => undefined)) as
        { error?: { code: ErrorCode; message: string; details?: Issue[] } } | undefined;
      const err = payload?.error;
      throw new VeritrailError(
        err?.code ?? 'unavailable',
        err?.message ?? `HTTP ${res.status} from ${base}${path}`,
        err?.details ?? [],
      );
    }
    return res;
  };
  return {
    url: base,
    token,
    async request<T>(method: string, path: string, body?: unknown) {
      const res = await call(method, path, body);
      return (res.status === 204 ? undefined : await res.json()) as T;
    },
    async text(path) {
      return (await call('GET', path)).text();
    },
  };
}
