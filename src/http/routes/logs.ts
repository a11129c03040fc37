/** The log API (ARCHITECTURE §3): checkpoint, key, proofs and entries of one tenant's log. */
import type { FastifyInstance } from 'fastify';
import { authorize } from '../../app/principal.js';
import type { Services } from '../../app/services.js';
import { MAX_ENTRIES } from '../../app/ledger.js';
import { principalOf } from '../auth.js';
import { errorResponses, security, strictObject, tenantParam } from '../schemas.js';

const params = {
  type: 'object',
  required: ['tenant'],
  properties: { tenant: tenantParam },
} as const;
const index = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;
const query = (names: readonly string[]) =>
  strictObject(Object.fromEntries(names.map((n) => [n, index])), names);
const hex = (b: Buffer) => b.toString('hex');

type P = { Params: { tenant: string } };

export function logRoutes(app: FastifyInstance, s: Services): void {
  const base = '/v1/logs/:tenant';
  const opts = (summary: string, extra: object = {}) => ({
    schema: { summary, tags: ['logs'], security, params, response: errorResponses, ...extra },
  });

  app.get<P>(
    `${base}/checkpoint`,
    opts('Latest signed checkpoint (C2SP tlog-checkpoint in a signed note)'),
    async (req, reply) => {
      authorize(principalOf(req), req.params.tenant, 'read');
      const cp = await s.ledger.checkpoint(req.params.tenant);
      return reply.type('text/plain; charset=utf-8').send(cp.note);
    },
  );

  const keyOpts = opts('Signed-note verifier key name+hex8+base64 (public)');
  app.get<P>(
    `${base}/key`,
    { schema: { ...keyOpts.schema, security: [] }, config: { public: true } },
    async (req, reply) =>
      reply.type('text/plain; charset=utf-8').send(`${s.ledger.verifierKey(req.params.tenant)}\n`),
  );

  app.get<P & { Querystring: { index: number; size: number } }>(
    `${base}/proof/inclusion`,
    opts('RFC 9162 §2.1.3 inclusion proof of leaf `index` in the tree of `size`', {
      querystring: query(['index', 'size']),
    }),
    async (req) => {
      authorize(principalOf(req), req.params.tenant, 'read');
      const r = await s.ledger.inclusion(req.params.tenant, req.query.index, req.query.size);
      return { index: r.index, size: r.size, leaf_hash: hex(r.leafHash), proof: r.proof.map(hex) };
    },
  );

  app.get<P & { Querystring: { from: number; to: number } }>(
    `${base}/proof/consistency`,
    opts('RFC 9162 §2.1.4 consistency proof between tree sizes `from` and `to`', {
      querystring: query(['from', 'to']),
    }),
    async (req) => {
      authorize(principalOf(req), req.params.tenant, 'read');
      const r = await s.ledger.consistency(req.params.tenant, req.query.from, req.query.to);
      return { from: r.from, to: r.to, proof: r.proof.map(hex) };
    },
  );

  app.get<P & { Querystring: { start: number; end: number } }>(
    `${base}/entries`,
    opts(`Leaf inputs [start, end), at most ${MAX_ENTRIES} per call`, {
      querystring: query(['start', 'end']),
    }),
    async (req) => {
      const p = principalOf(req);
      authorize(p, req.params.tenant, 'read');
      const entries = await s.ledger.entries(req.params.tenant, req.query.start, req.query.end);
      await s.audit.record(p, 'audit.entries_read', req.params.tenant, {
        start: req.query.start,
        end: req.query.end,
      });
      return {
        entries: entries.map((e) => ({
          index: e.index,
          leaf_input: Buffer.from(e.leafInput).toString('base64'),
        })),
      };
    },
  );
}
