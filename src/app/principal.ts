/** Who is calling, and what they may do (ARCHITECTURE §8). Every use case checks through here. */
import { VeritrailError } from '../core/errors.js';
import type { Scope } from './ports.js';

export const SYSTEM_TENANT = '_system';

export type Principal =
  | { readonly kind: 'admin' }
  | {
      readonly kind: 'key';
      readonly keyId: string;
      readonly tenant: string;
      readonly scopes: readonly Scope[];
    };

/** The actor id recorded in `audit.*` events for this principal (never a secret). */
export function principalId(p: Principal): string {
  return p.kind === 'admin' ? 'admin-token' : `key:${p.keyId}`;
}

/** The tenant a principal acts on when a request names none. */
export function homeTenant(p: Principal): string {
  return p.kind === 'admin' ? 'default' : p.tenant;
}

/**
 * Throws `forbidden` unless the principal may use `scope` on `tenant`. A key never crosses its
 * tenant; `admin` scope implies the others. The `_system` log is written only by the server;
 * reading it is for the admin token (a tenant's admins read their entries through the API's
 * filtered view, see search.ts).
 */
export function authorize(p: Principal, tenant: string, scope: Scope): void {
  if (p.kind === 'admin') {
    if (tenant === SYSTEM_TENANT && scope === 'ingest') {
      throw new VeritrailError(
        'forbidden',
        `the ${SYSTEM_TENANT} log is written only by Veritrail itself`,
      );
    }
    return;
  }
  if (p.tenant !== tenant) {
    throw new VeritrailError(
      'forbidden',
      `this API key is bound to tenant "${p.tenant}", not "${tenant}"`,
    );
  }
  if (!p.scopes.includes(scope) && !p.scopes.includes('admin')) {
    throw new VeritrailError('forbidden', `this API key lacks the "${scope}" scope`);
  }
}

/**
 * Operator data that spans tenants (metrics name every log and its size): the admin token
 * only. A tenant's keys never see other tenants, not even their names.
 */
export function authorizeOperator(p: Principal): void {
  if (p.kind === 'admin') return;
  throw new VeritrailError(
    'forbidden',
    'metrics span every tenant: they need the admin token (or serve --metrics-public)',
  );
}
