/**
 * Stored-hash index of Go's sumdb/tlog layout: the position of node (level, n) in the order in
 * which an append-only tree creates its complete subtrees (leaf n, then the subtrees it
 * completes, lowest level first). Keying the tree table by it makes the table append-only in
 * key order and lets `verify` stream stored hashes in the order it recomputes them.
 * 64-bit safe: plain arithmetic, no 32-bit bit operators (CONVENTIONS.md "Code").
 */
export function storedHashIndex(level: number, n: number): number {
  let m = n;
  for (let l = level; l > 0; l--) m = 2 * m + 1;
  let i = 0;
  for (; m > 0; m = Math.floor(m / 2)) i += m;
  return i + level;
}
