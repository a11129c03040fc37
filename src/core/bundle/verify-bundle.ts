/**
 * Offline bundle verification: no server, no database. The bundle is untrusted input; when the
 * caller pins a verifier key, the bundle's own key must equal it (a bundle signed by whoever
 * made it proves nothing). Pure.
 */
import { canonicalJson } from '../canonical-json.js';
import { verifyCheckpoint } from '../checkpoint/index.js';
import { sha256 } from '../crypto.js';
import { leafInputFor } from '../event/prepare.js';
import { leafHash, verifyInclusion } from '../merkle/index.js';
import { BUNDLE_FORMAT, type BundleEntry } from './bundle.js';

export interface BundleVerification {
  readonly ok: boolean;
  readonly tenant: string | null;
  readonly size: number | null;
  readonly verified: number;
  readonly failures: readonly { readonly seq: number | null; readonly message: string }[];
}

const HEX = /^(?:[0-9a-f]{2})*$/;

export function verifyBundle(input: unknown, pinnedKey?: string): BundleVerification {
  const failures: { seq: number | null; message: string }[] = [];
  const fail = (message: string): BundleVerification => ({
    ok: false,
    tenant: null,
    size: null,
    verified: 0,
    failures: [{ seq: null, message }],
  });
  if (typeof input !== 'object' || input === null) return fail('bundle is not a JSON object');
  const b = input as Record<string, unknown>;
  if (b.format !== BUNDLE_FORMAT) return fail(`format must be ${BUNDLE_FORMAT}`);
  if (
    typeof b.key !== 'string' ||
    typeof b.checkpoint !== 'string' ||
    typeof b.tenant !== 'string' ||
    !Array.isArray(b.entries)
  ) {
    return fail('bundle needs string key, checkpoint, tenant and an entries array');
  }
  if (pinnedKey !== undefined && pinnedKey.trim() !== b.key)
    return fail('the bundle is signed by a different key than the one given');
  // The origin must be the key's name (verifyCheckpoint's default) and name this tenant's log.
  const checked = verifyCheckpoint(b.checkpoint, b.key);
  if (!checked.ok) return fail(`checkpoint does not verify: ${checked.error.message}`);
  const { size, root, origin } = checked.value.checkpoint;
  if (!origin.endsWith(`/${b.tenant}`))
    return fail(`checkpoint origin ${origin} is not the log of tenant ${b.tenant}`);
  let verified = 0;
  for (const raw of b.entries as unknown[]) {
    const e = raw as Partial<BundleEntry>;
    const seq = typeof e.seq === 'number' ? e.seq : null;
    const problem = checkEntry(e, b.tenant, size, root);
    if (problem) failures.push({ seq, message: problem });
    else verified++;
  }
  return { ok: failures.length === 0, tenant: b.tenant, size, verified, failures };
}

function checkEntry(
  e: Partial<BundleEntry>,
  tenant: string,
  size: number,
  root: Uint8Array,
): string | undefined {
  if (typeof e.seq !== 'number' || !Number.isSafeInteger(e.seq) || e.seq < 0)
    return 'seq must be a non-negative integer';
  if (typeof e.event !== 'object' || e.event === null) return 'event missing';
  if (typeof e.salt !== 'string' || !HEX.test(e.salt) || e.salt.length !== 64)
    return 'salt must be 32 bytes of hex';
  if (typeof e.leaf_input !== 'string') return 'leaf_input missing';
  if (
    !Array.isArray(e.proof) ||
    !e.proof.every((h) => typeof h === 'string' && HEX.test(h) && h.length === 64)
  )
    return 'proof must be an array of 32-byte hex hashes';
  if (e.event.tenant !== tenant)
    return `event belongs to tenant ${String(e.event.tenant)}, not ${tenant}`;
  const digest = sha256(Buffer.from(e.salt, 'hex'), canonicalJson(e.event)).toString('hex');
  const expected = leafInputFor(e.event, digest);
  if (expected !== e.leaf_input)
    return 'event or salt does not match its leaf (the event was altered)';
  const r = verifyInclusion({
    leafHash: leafHash(expected),
    index: e.seq,
    size,
    proof: (e.proof as string[]).map((h) => Buffer.from(h, 'hex')),
    root,
  });
  return r.ok
    ? undefined
    : `inclusion proof does not verify against the checkpoint: ${r.error.message}`;
}
