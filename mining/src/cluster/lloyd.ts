import { mulberry32 } from '../prng';

/** n points of d dimensions, row-major in one typed array. */
export interface Points {
  values: Float64Array;
  n: number;
  d: number;
}

export interface KMeansResult {
  /** Cluster per point, 0..k-1. */
  clusters: Int32Array;
  /** k × d, row-major. */
  centroids: Float64Array;
  iterations: number;
  /** Sum of squared distances of the points to their centroids. */
  inertia: number;
}

/**
 * K-Means (Lloyd) with k-means++ seeding (Arthur and Vassilvitskii, 2007) on typed arrays, with its
 * own seeded PRNG: same points, k and seed → identical result. Each run stops when no point changes
 * cluster (or after maxIterations); an emptied cluster keeps its previous centroid; the run with the
 * lowest within-cluster sum of `restarts` (default 4) is kept.
 */
export function lloydKMeans(p: Points, k: number, opts: { seed?: number; maxIterations?: number; restarts?: number } = {}): KMeansResult {
  if (k < 1 || k > p.n) throw new Error(`k = ${k} for ${p.n} points`);
  // k-means++ starts can end in a poor local optimum (two centres in one group): the best of a few
  const rand = mulberry32(opts.seed ?? 42);
  let best: KMeansResult | undefined;
  for (let r = 0; r < (opts.restarts ?? 4); r++) {
    const run = lloydOnce(p, k, rand, opts.maxIterations ?? 300);
    if (!best || run.inertia < best.inertia) best = run;
  }
  return best!;
}

function lloydOnce(p: Points, k: number, rand: () => number, maxIterations: number): KMeansResult {
  const { values, n, d } = p;
  const centroids = new Float64Array(k * d);
  // k-means++: the first centre uniform, each next one drawn with probability ∝ squared distance to the nearest chosen
  const nearest = new Float64Array(n).fill(Infinity);
  let c = Math.floor(rand() * n);
  for (let j = 0; j < k; j++) {
    centroids.set(values.subarray(c * d, c * d + d), j * d);
    let total = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let t = 0; t < d; t++) {
        const diff = values[i * d + t]! - centroids[j * d + t]!;
        s += diff * diff;
      }
      if (s < nearest[i]!) nearest[i] = s;
      total += nearest[i]!;
    }
    if (j === k - 1) break;
    let target = rand() * total;
    c = n - 1;
    for (let i = 0; i < n; i++) {
      target -= nearest[i]!;
      if (target < 0) {
        c = i;
        break;
      }
    }
  }
  const clusters = new Int32Array(n).fill(-1);
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  let iterations = 0;
  let inertia = 0;
  for (;;) {
    let changed = 0;
    inertia = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let t = 0; t < d; t++) {
          const diff = values[i * d + t]! - centroids[j * d + t]!;
          s += diff * diff;
        }
        if (s < bestD) {
          bestD = s;
          best = j;
        }
      }
      inertia += bestD;
      if (clusters[i] !== best) {
        clusters[i] = best;
        changed++;
      }
    }
    if (!changed || iterations >= maxIterations) break;
    iterations++;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const j = clusters[i]!;
      counts[j]!++;
      for (let t = 0; t < d; t++) sums[j * d + t]! += values[i * d + t]!;
    }
    for (let j = 0; j < k; j++) if (counts[j]! > 0) for (let t = 0; t < d; t++) centroids[j * d + t] = sums[j * d + t]! / counts[j]!;
  }
  return { clusters, centroids, iterations, inertia };
}
