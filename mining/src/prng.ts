/**
 * Seeded pseudo-random numbers (mulberry32: 32-bit state, fast, good enough for sampling and for the
 * random splits of Isolation Forest). Same seed → same sequence, on every machine.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Runs `fn` with Math.random replaced by a seeded PRNG (libraries that draw from Math.random become
 * reproducible), and always restores the original, even when `fn` throws. Synchronous on purpose:
 * no other code can run (and draw from the seeded stream) while it is substituted.
 */
export function withSeededRandom<T>(seed: number, fn: () => T): T {
  const original = Math.random;
  Math.random = mulberry32(seed);
  try {
    return fn();
  } finally {
    Math.random = original;
  }
}

/** k distinct indices of [0, n) drawn with `rand` (partial Fisher–Yates; all of them when k ≥ n). */
export function sampleIndices(n: number, k: number, rand: () => number): number[] {
  if (k * 8 < n) {
    // Sparse: rejection sampling in a Set (no O(n) array per draw).
    const picked = new Set<number>();
    while (picked.size < k) picked.add(Math.floor(rand() * n));
    return [...picked];
  }
  const idx = Array.from({ length: n }, (_, i) => i);
  const m = Math.min(k, n);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(rand() * (n - i));
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  return idx.slice(0, m);
}
