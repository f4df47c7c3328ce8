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
 * K-Means (Lloyd) with greedy k-means++ seeding (Arthur and Vassilvitskii, 2007) on typed arrays, with its
 * own seeded PRNG: same points, k and seed → identical result. Each run stops when no point changes
 * cluster or the centroids barely move (scikit-learn's tolerance) or after maxIterations; an emptied cluster keeps its previous centroid; the run with the
 * lowest within-cluster sum of `restarts` (default 2) is kept.
 */
export function lloydKMeans(p: Points, k: number, opts: { seed?: number; maxIterations?: number; restarts?: number } = {}): KMeansResult {
  if (k < 1 || k > p.n) throw new Error(`k = ${k} for ${p.n} points`);
  // k-means++ starts can end in a poor local optimum (two centres in one group): the best of a few
  const rand = mulberry32(opts.seed ?? 42);
  let best: KMeansResult | undefined;
  for (let r = 0; r < (opts.restarts ?? 2); r++) {
    const run = lloydOnce(p, k, rand, opts.maxIterations ?? 300);
    if (!best || run.inertia < best.inertia) best = run;
  }
  return best!;
}

function lloydOnce(p: Points, k: number, rand: () => number, maxIterations: number): KMeansResult {
  const { values, n, d } = p;
  let variance = 0;
  for (let t = 0; t < d; t++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += values[i * d + t]!;
    m /= n;
    for (let i = 0; i < n; i++) variance += (values[i * d + t]! - m) ** 2 / n;
  }
  const tolerance = (1e-4 * variance) / d;
  const centroids = new Float64Array(k * d);
  // greedy k-means++ (as scikit-learn): each next centre is the best of 2 + ⌊ln k⌋ candidates drawn
  // with probability ∝ squared distance to the nearest chosen centre (the one lowering the sum most)
  const trials = 2 + Math.floor(Math.log(k));
  const nearest = new Float64Array(n).fill(Infinity);
  const candidate = new Float64Array(n);
  const bestNearest = new Float64Array(n);
  const sqTo = (i: number, c: number) => {
    let s = 0;
    for (let t = 0; t < d; t++) {
      const diff = values[i * d + t]! - values[c * d + t]!;
      s += diff * diff;
    }
    return s;
  };
  let first = Math.floor(rand() * n);
  let total = 0;
  for (let i = 0; i < n; i++) total += nearest[i] = sqTo(i, first);
  centroids.set(values.subarray(first * d, first * d + d), 0);
  for (let j = 1; j < k; j++) {
    let bestSum = Infinity;
    let bestIndex = 0;
    for (let trial = 0; trial < trials; trial++) {
      let target = rand() * total;
      let c = n - 1;
      for (let i = 0; i < n; i++) {
        target -= nearest[i]!;
        if (target < 0) {
          c = i;
          break;
        }
      }
      let sum = 0;
      for (let i = 0; i < n; i++) sum += candidate[i] = Math.min(nearest[i]!, sqTo(i, c));
      if (sum < bestSum) {
        bestSum = sum;
        bestIndex = c;
        bestNearest.set(candidate);
      }
    }
    nearest.set(bestNearest);
    total = bestSum;
    first = bestIndex;
    centroids.set(values.subarray(first * d, first * d + d), j * d);
  }
  const clusters = new Int32Array(n).fill(-1);
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  let iterations = 0;
  let inertia = 0;
  let converged = false;
  for (;;) {
    let changed = 0;
    inertia = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      if (d === 3) {
        // the RFM case, unrolled (3 standardised features): twice as fast as the general loop
        const x = values[i * 3]!;
        const y = values[i * 3 + 1]!;
        const z = values[i * 3 + 2]!;
        for (let j = 0; j < k; j++) {
          const a = x - centroids[j * 3]!;
          const b = y - centroids[j * 3 + 1]!;
          const c = z - centroids[j * 3 + 2]!;
          const s = a * a + b * b + c * c;
          if (s < bestD) {
            bestD = s;
            best = j;
          }
        }
      } else
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
    if (!changed || iterations >= maxIterations || converged) break;
    iterations++;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const j = clusters[i]!;
      counts[j]!++;
      for (let t = 0; t < d; t++) sums[j * d + t]! += values[i * d + t]!;
    }
    // converged when the centroids' total squared move is under 1e-4 × the mean feature variance
    // (scikit-learn's tolerance): later iterations only move points between near-equal clusters
    let moved = 0;
    for (let j = 0; j < k; j++) {
      if (counts[j] === 0) continue;
      let shift = 0;
      for (let t = 0; t < d; t++) {
        const next = sums[j * d + t]! / counts[j]!;
        shift += (next - centroids[j * d + t]!) ** 2;
        centroids[j * d + t] = next;
      }
      moved += shift;
    }
    // one more assignment pass to the final centroids, so clusters, centroids and inertia agree
    if (moved <= tolerance) converged = true;
  }
  return { clusters, centroids, iterations, inertia };
}
