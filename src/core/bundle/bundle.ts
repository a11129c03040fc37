/**
 * Export bundle format `veritrail.bundle.v1`: events with their salts, leaf inputs and
 * inclusion proofs against one signed checkpoint, plus the verifier key. Everything needed to
 * verify offline; see docs/log-format.md.
 */
import type { StoredEvent } from '../event/index.js';

export const BUNDLE_FORMAT = 'veritrail.bundle.v1';

export interface BundleEntry {
  readonly seq: number;
  readonly event: StoredEvent;
  /** hex */
  readonly salt: string;
  readonly leaf_input: string;
  /** hex hashes, RFC 9162 §2.1.3 inclusion proof for `seq` in the checkpoint's tree */
  readonly proof: readonly string[];
}

export interface Bundle {
  readonly format: typeof BUNDLE_FORMAT;
  readonly tenant: string;
  /** Signed-note verifier key `name+hex8+base64`. */
  readonly key: string;
  /** The signed checkpoint note the proofs are against. */
  readonly checkpoint: string;
  readonly query: Readonly<Record<string, string | null>>;
  readonly entries: readonly BundleEntry[];
}
