// Maglev consistent hashing (Eisenbud et al., NSDI '16): the lookup table of one ECMP group.
// Pure: names in, table out. Our option, not Contrail's: the vRouter only has `hash % slots`.

/** Cilium's allowed Maglev table sizes (all prime). */
export const MAGLEV_PRIMES = [251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071] as const;

/**
 * Table size for `members` backends: the smallest listed prime ≥ 1000 × members (so ≥ 100 × as
 * the paper asks, with headroom: at 100 × our measured add/remove disruption exceeded
 * 1/(N+1) + 1% for N = 100), capped at the largest.
 */
export function maglevTableSize(members: number): number {
  const want = Math.max(1, members) * 1000;
  return MAGLEV_PRIMES.find((p) => p >= want) ?? MAGLEV_PRIMES[MAGLEV_PRIMES.length - 1]!;
}

/** FNV-1a 32-bit over a string with a seed byte, for the offset and skip permutations. */
function fnv1a(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // Murmur3 finaliser: FNV alone leaves similar names with similar low bits.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The Maglev table: entry → index into `names` (−1 only when `names` is empty). Each backend
 * walks its own permutation (offset + j·skip mod M) and claims the next free entry in turn.
 */
export function buildMaglevTable(names: readonly string[], size: number): Int32Array {
  const table = new Int32Array(size).fill(-1);
  const n = names.length;
  if (n === 0) return table;
  const offset = new Uint32Array(n);
  const skip = new Uint32Array(n);
  const next = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    offset[i] = fnv1a(names[i]!, 0x5a) % size;
    skip[i] = (fnv1a(names[i]!, 0xa5) % (size - 1)) + 1;
  }
  let filled = 0;
  for (;;) {
    for (let i = 0; i < n; i++) {
      let c = (offset[i]! + next[i]! * skip[i]!) % size;
      while (table[c]! >= 0) {
        next[i]! += 1;
        c = (offset[i]! + next[i]! * skip[i]!) % size;
      }
      table[c] = i;
      next[i]! += 1;
      if (++filled === size) return table;
    }
  }
}
