/** RFC 9162 (RFC 6962) Merkle tree over SHA-256: hashing, frontier, proofs, verification. */
export { EMPTY_ROOT, HASH_SIZE, isHash, leafHash, nodeHash } from './hash.js';
export {
  MAX_TREE_SIZE,
  bitLength,
  frontierRefs,
  isPowerOfTwo,
  pow2,
  refKey,
  splitPoint,
  subtreeRefs,
} from './tree-math.js';
export type { NodeRef } from './tree-math.js';
export { MerkleFrontier } from './frontier.js';
export type { StoredNode } from './frontier.js';
export { consistencyProofPlan, inclusionProofPlan, rootPlan } from './proof-plan.js';
export type { ProofPlan } from './proof-plan.js';
export { consistencyProof, foldRight, inclusionProof, resolvePlan, rootAt } from './proofs.js';
export type { HashReader } from './proofs.js';
export { rootFromInclusionProof, verifyConsistency, verifyInclusion } from './verify.js';
export type {
  ConsistencyCheck,
  InclusionCheck,
  VerifyFailure,
  VerifyFailureCode,
} from './verify.js';
export { storedHashIndex } from './stored-hash-index.js';
