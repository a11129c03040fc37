/** Bearer-token authentication: every route except the public ones resolves a Principal. */
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../app/principal.js';
import { VeritrailError } from '../core/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** The route needs no token (health, OpenAPI, public verifier key). */
    public?: boolean;
  }
}

export type Authenticate = (token: string) => Promise<Principal | undefined>;

export async function requirePrincipal(
  req: FastifyRequest,
  authenticate: Authenticate,
): Promise<Principal> {
  const header = req.headers.authorization;
  const m = header === undefined ? null : /^Bearer ([\x21-\x7e]{1,512})$/.exec(header);
  if (!m) {
    throw new VeritrailError(
      'unauthenticated',
      'send Authorization: Bearer <token> (an API key or the admin token)',
    );
  }
  const p = await authenticate(m[1]!);
  if (!p) throw new VeritrailError('unauthenticated', 'the token is unknown or revoked');
  return p;
}

export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new VeritrailError('unauthenticated', 'not authenticated');
  return req.principal;
}
