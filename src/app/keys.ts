/**
 * API keys (ARCHITECTURE §8): `vt_<id>_<secret>`; only SHA-256 of the whole token is stored
 * (tokens carry 256 bits of entropy, so a slow password hash adds nothing). Keys are bound to
 * one tenant; creating and revoking them is recorded in `_system`.
 */
import { randomBytes, sha256 } from '../core/crypto.js';
import { VeritrailError } from '../core/errors.js';
import { TENANT_PATTERN } from '../core/event/index.js';
import type { ApiKeyRecord, Clock, KeyStore, Scope } from './ports.js';
import { SCOPES } from './ports.js';
import type { Principal } from './principal.js';

const TOKEN = /^vt_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

/** The public JSON form of a key (snake_case like the rest of the API; never the secret). */
export function keyView(k: ApiKeyRecord) {
  return {
    id: k.id,
    tenant: k.tenant,
    name: k.name,
    scopes: k.scopes,
    created_at: k.createdAt,
    revoked_at: k.revokedAt,
  };
}

export function hashToken(token: string): Buffer {
  return sha256(token);
}

export class ApiKeys {
  constructor(
    private readonly store: KeyStore,
    private readonly clock: Clock,
    private readonly adminTokenHash: () => Promise<Buffer | undefined>,
  ) {}

  async create(input: {
    tenant: string;
    name: string;
    scopes: readonly string[];
  }): Promise<{ key: ApiKeyRecord; token: string }> {
    if (!TENANT_PATTERN.test(input.tenant))
      throw invalid('tenant', 'must match ^[a-z0-9][a-z0-9_-]{0,62}$');
    if (input.name.length === 0 || input.name.length > 200)
      throw invalid('name', 'must be 1 to 200 characters');
    const scopes = [...new Set(input.scopes)];
    const unknown = scopes.filter((s) => !SCOPES.includes(s as Scope));
    if (scopes.length === 0 || unknown.length > 0) {
      throw invalid(
        'scopes',
        `must be one or more of ${SCOPES.join(', ')}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`,
      );
    }
    const id = randomBytes(9)
      .toString('base64url')
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '0')
      .slice(0, 12);
    const token = `vt_${id}_${randomBytes(32).toString('base64url')}`;
    const key: ApiKeyRecord = {
      id,
      tenant: input.tenant,
      name: input.name,
      scopes: scopes as Scope[],
      createdAt: this.clock.now().toISOString(),
      revokedAt: null,
    };
    await this.store.create(key, hashToken(token));
    return { key, token };
  }

  list(tenant?: string): Promise<ApiKeyRecord[]> {
    return this.store.list(tenant);
  }

  async revoke(id: string): Promise<void> {
    if (!(await this.store.revoke(id, this.clock.now().toISOString()))) {
      throw new VeritrailError('not_found', `no active API key with id ${id}`);
    }
  }

  /** Resolves a bearer token to a principal; undefined for unknown or revoked tokens. */
  async authenticate(token: string): Promise<Principal | undefined> {
    const hash = hashToken(token);
    const admin = await this.adminTokenHash();
    if (admin?.equals(hash)) return { kind: 'admin' };
    if (!TOKEN.test(token)) return undefined;
    const key = await this.store.findBySecretHash(hash);
    if (!key || key.revokedAt !== null) return undefined;
    return { kind: 'key', keyId: key.id, tenant: key.tenant, scopes: key.scopes };
  }
}

const invalid = (path: string, message: string) =>
  new VeritrailError('validation_failed', `${path}: ${message}`, [{ path, message }]);
