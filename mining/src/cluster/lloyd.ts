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

export interface LloydOptions {
  seed?: number;
  maxIterations?: number;
  restarts?: number;
  /** Start from these k × d centroids instead of k-means++ (one run, no restarts): to compare with another implementation from the same start. */
  init?: Float64Array;
  /** Stop once the centroids' total squared move is at most this; default scikit-learn's 1e-4 × the mean feature variance; 0 = only when no point changes cluster. */
  tolerance?: number;
}

/**
 * K-Means (Lloyd) with greedy k-means++ seeding (Arthur and Vassilvitskii, 2007) on typed arrays, with its
 * own seeded PRNG: same points, k and seed → identical result. Each run stops when no point changes
 * cluster or the centroids barely move (scikit-learn's tolerance) or after maxIterations; an emptied
 * cluster keeps its previous centroid; the run with the lowest within-cluster sum of `restarts`
 * (default 2) is kept. The assignment step is Hamerly's (2010): the same assignments as Lloyd's
 * full pass, but a point whose distance bounds prove its centroid is still the nearest is not
 * compared with the others (after a few iterations, most points).
 */
export function lloydKMeans(p: Points, k: number, opts: LloydOptions = {}): KMeansResult {
  if (k < 1 || k > p.n) throw new Error(`k = ${k} for ${p.n} points`);
  const maxIterations = opts.maxIterations ?? 300;
  const tolerance = opts.tolerance ?? defaultTolerance(p);
  if (opts.init) {
    if (opts.init.length !== k * p.d)
      throw new Error(`init: ${opts.init.length} values for k = ${k} × d = ${p.d}`);
    return lloydFrom(p, k, Float64Array.from(opts.init), maxIterations, tolerance);
  }
  // k-means++ starts can end in a poor local optimum (two centres in one group): the best of a few
  const rand = mulberry32(opts.seed ?? 42);
  let best: KMeansResult | undefined;
  for (let r = 0; r < (opts.restarts ?? 2); r++) {
    const run = lloydFrom(p, k, kMeansPlusPlus(p, k, rand), maxIterations, tolerance);
    if (!best || run.inertia < best.inertia) best = run;
  }
  return best!;
}

/** scikit-learn's tolerance: 1e-4 × the mean variance of the features. */
function defaultTolerance(p: Points): number {
  const { values, n, d } = p;
  let variance = 0;
  for (let t = 0; t < d; t++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += values[i * d + t]!;
    m /= n;
    for (let i = 0; i < n; i++) variance += (values[i * d + t]! - m) ** 2 / n;
  }
  return (1e-4 * variance) / d;
}

/**
 * Greedy k-means++ (as scikit-learn): each next centre is the best of 2 + ⌊ln k⌋ candidates drawn
 * with probability ∝ squared distance to the nearest chosen centre (the one lowering the sum most).
 */
export function kMeansPlusPlus(p: Points, k: number, rand: () => number): Float64Array {
  const { values, n, d } = p;
  const centroids = new Float64Array(k * d);
  const trials = 2 + Math.floor(Math.log(k));
  let nearest = new Float64Array(n);
  let candidate = new Float64Array(n);
  let bestNearest = new Float64Array(n);
  let first = Math.floor(rand() * n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = 0; t < d; t++) {
      const diff = values[i * d + t]! - values[first * d + t]!;
      s += diff * diff;
    }
    total += nearest[i] = s;
  }
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
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let t = 0; t < d; t++) {
          const diff = values[i * d + t]! - values[c * d + t]!;
          s += diff * diff;
        }
        sum += candidate[i] = Math.min(nearest[i]!, s);
      }
      if (sum < bestSum) {
        bestSum = sum;
        bestIndex = c;
        [bestNearest, candidate] = [candidate, bestNearest];
      }
    }
    [nearest, bestNearest] = [bestNearest, nearest];
    total = bestSum;
    first = bestIndex;
    centroids.set(values.subarray(first * d, first * d + d), j * d);
  }
  return centroids;
}

/** The state of one run: per point its cluster and Hamerly's two distance bounds; per cluster the sums and counts of its members. */
interface RunState {
  p: Points;
  k: number;
  centroids: Float64Array;
  clusters: Int32Array;
  upper: Float64Array;
  lower: Float64Array;
  sums: Float64Array;
  counts: Int32Array;
}

/**
 * Lloyd iterations from the given centroids (updated in place). Assignment by Hamerly's bounds: upper[i] ≥
 * the distance to the point's centroid, lower[i] ≤ the distance to any other; when upper < max(lower,
 * half the distance from its centroid to the nearest other), no other centroid can be nearer (strict:
 * an exact tie goes through the full comparison, which, like Lloyd's, picks the lowest-numbered).
 * One pass over the points per iteration: it moves the bounds with the centroids, assigns, and adds
 * each point to its cluster's sums (in point order, as a separate pass would). Each step is its own
 * small function: V8 optimises them better than one long loop body.
 */
function lloydFrom(
  p: Points,
  k: number,
  centroids: Float64Array,
  maxIterations: number,
  tolerance: number,
): KMeansResult {
  const { n, d } = p;
  const st: RunState = {
    p,
    k,
    centroids,
    clusters: new Int32Array(n).fill(-1),
    upper: new Float64Array(n),
    lower: new Float64Array(n),
    sums: new Float64Array(k * d),
    counts: new Int32Array(k),
  };
  const moves = new Float64Array(k);
  const half = new Float64Array(k);
  let iterations = 0;
  let converged = false;
  let changed = assignAll(st);
  for (;;) {
    if (!changed || iterations >= maxIterations || converged) break;
    iterations++;
    // converged when the centroids' total squared move is under the tolerance (scikit-learn's:
    // later iterations only move points between near-equal clusters)
    const moved = moveCentroids(st, moves);
    // one more assignment pass to the final centroids, so clusters, centroids and inertia agree
    if (moved <= tolerance) converged = true;
    halfGaps(st, half);
    changed = assignBounded(st, half, moves);
  }
  return { clusters: st.clusters, centroids, iterations, inertia: inertiaOf(st) };
}

/** Distance from point i to centroid j, squared (features summed in order, as every pass does). */
function squared(values: Float64Array, i: number, centroids: Float64Array, j: number, d: number): number {
  if (d === 3) {
    // the RFM case unrolled (same sum in the same order)
    const a = values[i * 3]! - centroids[j * 3]!;
    const b = values[i * 3 + 1]! - centroids[j * 3 + 1]!;
    const c = values[i * 3 + 2]! - centroids[j * 3 + 2]!;
    return 0 + a * a + b * b + c * c;
  }
  let s = 0;
  for (let t = 0; t < d; t++) {
    const diff = values[i * d + t]! - centroids[j * d + t]!;
    s += diff * diff;
  }
  return s;
}

/** Point i into cluster j's sums. */
function addTo(st: RunState, i: number, j: number): void {
  const { values, d } = st.p;
  st.counts[j]!++;
  for (let t = 0; t < d; t++) st.sums[j * d + t]! += values[i * d + t]!;
}

/** Point i against every centroid: the nearest (the lowest-numbered on a tie) and both bounds; 1 when its cluster changed. */
function assignOne(st: RunState, i: number): number {
  const { p, k, centroids, clusters } = st;
  let best = 0;
  let bestD = Infinity;
  let secondD = Infinity;
  for (let j = 0; j < k; j++) {
    const s = squared(p.values, i, centroids, j, p.d);
    if (s < bestD) {
      secondD = bestD;
      bestD = s;
      best = j;
    } else if (s < secondD) secondD = s;
  }
  st.upper[i] = Math.sqrt(bestD);
  st.lower[i] = Math.sqrt(secondD);
  addTo(st, i, best);
  if (clusters[i] === best) return 0;
  clusters[i] = best;
  return 1;
}

function assignAll(st: RunState): number {
  st.sums.fill(0);
  st.counts.fill(0);
  let changed = 0;
  for (let i = 0; i < st.p.n; i++) changed += assignOne(st, i);
  return changed;
}

/**
 * Assignment pass after the centroids moved by `moves`: the bounds follow them (the own centroid moved
 * by moves[own], any other by at most the largest other move); only the points whose bounds do not
 * prove their centroid still the nearest are compared with all.
 */
function assignBounded(st: RunState, half: Float64Array, moves: Float64Array): number {
  const { p, k, centroids, clusters, upper, lower } = st;
  const { values, n, d } = p;
  let maxMove = 0;
  let maxAt = -1;
  let secondMove = 0;
  for (let j = 0; j < k; j++) {
    const m = moves[j]!;
    if (m > maxMove) {
      secondMove = maxMove;
      maxMove = m;
      maxAt = j;
    } else if (m > secondMove) secondMove = m;
  }
  st.sums.fill(0);
  st.counts.fill(0);
  let changed = 0;
  for (let i = 0; i < n; i++) {
    const own = clusters[i]!;
    const l = (lower[i] = lower[i]! - (own === maxAt ? secondMove : maxMove));
    const bound = Math.max(half[own]!, l);
    let u = (upper[i] = upper[i]! + moves[own]!);
    if (u >= bound) {
      u = upper[i] = Math.sqrt(squared(values, i, centroids, own, d));
      if (u >= bound) {
        changed += assignOne(st, i);
        continue;
      }
    }
    addTo(st, i, own);
  }
  return changed;
}

/** Half the distance from each centroid to its nearest other. */
function halfGaps(st: RunState, half: Float64Array): void {
  const { k, centroids } = st;
  const d = st.p.d;
  half.fill(Infinity);
  for (let a = 0; a < k; a++)
    for (let b = a + 1; b < k; b++) {
      const h = Math.sqrt(squared(centroids, a, centroids, b, d)) / 2;
      if (h < half[a]!) half[a] = h;
      if (h < half[b]!) half[b] = h;
    }
}

/** Centroids ← their members' means (an emptied cluster keeps its centroid); moves[j] = how far centroid j moved; returns the total squared move. */
function moveCentroids(st: RunState, moves: Float64Array): number {
  const { k, centroids, sums, counts } = st;
  const d = st.p.d;
  let moved = 0;
  for (let j = 0; j < k; j++) {
    moves[j] = 0;
    if (counts[j] === 0) continue;
    let shift = 0;
    for (let t = 0; t < d; t++) {
      const next = sums[j * d + t]! / counts[j]!;
      shift += (next - centroids[j * d + t]!) ** 2;
      centroids[j * d + t] = next;
    }
    moved += shift;
    moves[j] = Math.sqrt(shift);
  }
  return moved;
}

function inertiaOf(st: RunState): number {
  const { p, centroids, clusters } = st;
  let inertia = 0;
  for (let i = 0; i < p.n; i++) inertia += squared(p.values, i, centroids, clusters[i]!, p.d);
  return inertia;
}
