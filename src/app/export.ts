/** Export bundles (ARCHITECTURE §3): selected events with proofs against a fresh checkpoint. */
import { BUNDLE_FORMAT, type Bundle, type BundleEntry } from '../core/bundle/index.js';
import { VeritrailError } from '../core/errors.js';
import { parseQuery } from '../core/query/index.js';
import type { AuditTrail } from './audit-trail.js';
import type { Ledger } from './ledger.js';
import type { EventStore, SearchPosition } from './ports.js';
import { authorize, type Principal } from './principal.js';

export const MAX_EXPORT = 100_000;

export interface ExportRequest {
  readonly tenant: string;
  readonly q?: string;
  readonly limit?: number;
}

export class ExportBundles {
  constructor(
    private readonly store: EventStore,
    private readonly ledger: Ledger,
    private readonly audit: AuditTrail,
  ) {}

  async export(p: Principal, req: ExportRequest): Promise<Bundle> {
    authorize(p, req.tenant, 'read');
    const limit = req.limit ?? 10_000;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EXPORT) {
      throw new VeritrailError('validation_failed', `limit: must be from 1 to ${MAX_EXPORT}`, [
        { path: 'limit', message: `must be from 1 to ${MAX_EXPORT}` },
      ]);
    }
    const query = parseQuery(req.q ?? '');
    if ((await this.store.size(req.tenant)) === 0) {
      throw new VeritrailError('not_found', `tenant ${req.tenant} has no log yet`);
    }
    await this.audit.record(p, 'audit.export', req.tenant, { q: req.q ?? '', limit });
    const cp = (await this.ledger.sign(req.tenant))!;
    const entries: BundleEntry[] = [];
    let after: SearchPosition | undefined;
    while (entries.length < limit) {
      const page = await this.store.search({
        tenant: req.tenant,
        query,
        belowSeq: cp.size,
        limit: Math.min(1000, limit - entries.length),
        ...(after ? { after } : {}),
      });
      if (page.length === 0) break;
      for (const r of page) {
        after = r;
        if (r.event === null || r.salt === null) continue;
        const proof = await this.ledger.inclusion(req.tenant, r.seq, cp.size);
        entries.push({
          seq: r.seq,
          event: r.event,
          salt: r.salt.toString('hex'),
          leaf_input: r.leafInput,
          proof: proof.proof.map((h) => h.toString('hex')),
        });
      }
    }
    entries.sort((a, b) => a.seq - b.seq);
    return {
      format: BUNDLE_FORMAT,
      tenant: req.tenant,
      key: this.ledger.verifierKey(req.tenant),
      checkpoint: cp.note,
      query: { q: req.q ?? '' },
      entries,
    };
  }
}
