/**
 * Which stored hashes a proof needs, computed without reading anything. Each proof element is
 * MTH of an RFC 9162 subtree; a complete one is a single stored node, an incomplete one (always
 * on the right edge of a tree) is folded from its O(log n) complete-subtree decomposition.
 */
import { invalid } from '../errors.js';
import { checkCount, frontierRefs, refKey, splitPoint, subtreeRefs } from './tree-math.js';
import type { NodeRef } from './tree-math.js';

export interface ProofPlan {
  /** Every stored node the proof reads, deduplicated: the argument of one `HashReader` call. */
  readonly refs: readonly NodeRef[];
  /** Per proof element, in proof order: the subtrees whose right-to-left fold is its hash. */
  readonly elements: readonly (readonly NodeRef[])[];
}

type Range = readonly [begin: number, end: number];

/**
 * PATH(m, D[n]) of RFC 9162 §2.1.3.1, unrolled: walk down from the root; at each split the
 * sibling subtree is a proof element. Elements are emitted leaf-first, as the RFC orders them.
 */
export function inclusionProofPlan(index: number, size: number): ProofPlan {
  checkCount('index', index);
  checkCount('size', size);
  if (index >= size) throw invalid('index', `must be less than size (${size})`);
  const ranges: Range[] = [];
  let start = 0;
  let n = size;
  let m = index;
  while (n > 1) {
    const k = splitPoint(n);
    if (m < k) {
      ranges.push([start + k, start + n]);
      n = k;
    } else {
      ranges.push([start, start + k]);
      start += k;
      m -= k;
      n -= k;
    }
  }
  return planOf(ranges.reverse());
}

/**
 * PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of RFC 9162 §2.1.4.1, unrolled. A proof from size 0
 * is refused (as transparency-dev does); from == to gives the empty proof.
 */
export function consistencyProofPlan(from: number, to: number): ProofPlan {
  checkCount('from', from);
  checkCount('to', to);
  if (from > to) throw invalid('from', `must not exceed to (${to})`);
  if (from === 0) throw invalid('from', 'a consistency proof from the empty tree is refused');
  const ranges: Range[] = [];
  let start = 0;
  let n = to;
  let m = from;
  let b = true; // SUBPROOF's flag: is D[0:m] the whole old tree, whose root the verifier has
  while (m !== n) {
    const k = splitPoint(n);
    if (m <= k) {
      ranges.push([start + k, start + n]);
      n = k;
    } else {
      ranges.push([start, start + k]);
      start += k;
      m -= k;
      n -= k;
      b = false;
    }
  }
  if (!b) ranges.push([start, start + n]); // SUBPROOF(m, D[m], false) = {MTH(D[m])}
  return planOf(ranges.reverse());
}

/** MTH(D[size]) as one element folded from the frontier; no element for the empty tree. */
export function rootPlan(size: number): ProofPlan {
  const refs = frontierRefs(size);
  return { refs, elements: refs.length === 0 ? [] : [refs] };
}

function planOf(ranges: readonly Range[]): ProofPlan {
  const elements = ranges.map(([begin, end]) => subtreeRefs(begin, end));
  const seen = new Set<string>();
  const refs: NodeRef[] = [];
  for (const ref of elements.flat()) {
    const key = refKey(ref);
    if (seen.has(key)) continue;
    seen.add(key);
    refs.push(ref);
  }
  return { refs, elements };
}
