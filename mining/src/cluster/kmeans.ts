import { mulberry32, sampleIndices } from '../prng';
import { lloydKMeans, type Points } from './lloyd';
import { mean, std } from '../stats';

export interface RfmPoint {
  customerId: number;
  recencyDays: number;
  frequency: number;
  monetary: number;
}

export interface SilhouettePoint {
  k: number;
  silhouette: number;
  /** Sum of squared distances to the cluster centroids (standardised space). */
  inertia: number;
  iterations: number;
}

export interface ClusterProfile {
  cluster: number;
  name: string;
  size: number;
  /** Share of the total net revenue of the clustered customers (0..1). */
  revenueShare: number;
  /** The centroid mapped back to original units: expm1(mean_log + z × sd_log) per feature. */
  centroid: { recencyDays: number; frequency: number; monetary: number };
  /** Plain means of the members, original units. */
  means: { recencyDays: number; frequency: number; monetary: number };
  /** The centroid in the standardised log space (recency, frequency, monetary). */
  z: [number, number, number];
}

export interface ClusteringResult {
  k: number;
  seed: number;
  curve: SilhouettePoint[];
  /** Cluster number per input point (same order as the input). */
  assignment: number[];
  profiles: ClusterProfile[];
  standardisation: { mean: number[]; sd: number[] };
  silhouetteSample: number;
}

export interface ClusteringOptions {
  kMin?: number;
  kMax?: number;
  seed?: number;
  /** Silhouettes are computed on a seeded sample of at most this many points (exact silhouette is O(n²)). */
  silhouetteSample?: number;
  maxIterations?: number;
}

/** log1p of recency, frequency and monetary (negative net revenue counts as 0). */
export function logFeatures(p: RfmPoint): [number, number, number] {
  return [Math.log1p(p.recencyDays), Math.log1p(p.frequency), Math.log1p(Math.max(0, p.monetary))];
}

/** z-scores per column (population sd; a constant column gets sd 1). */
export function standardise(rows: number[][]): { z: number[][]; mean: number[]; sd: number[] } {
  const dims = rows[0]?.length ?? 0;
  const m: number[] = [];
  const s: number[] = [];
  for (let j = 0; j < dims; j++) {
    const col = rows.map((r) => r[j]!);
    m.push(mean(col));
    s.push(std(col) || 1);
  }
  return { z: rows.map((r) => r.map((v, j) => (v - m[j]!) / s[j]!)), mean: m, sd: s };
}

/**
 * Mean silhouette of m points (`xs`, m × d row-major) labelled `labels` (Euclidean). The points are
 * first grouped by label (a stable counting sort), so each point's distance sums to a cluster are one
 * contiguous run with its accumulator in a register; each sum adds the same distances in the same
 * order as a walk of the points in their given order would (a point's distance to itself, 0, adds nothing).
 */
export function silhouette(xs: Float64Array, d: number, labels: Int32Array): number {
  const m = labels.length;
  if (!m) return 0;
  let k = 0;
  for (let a = 0; a < m; a++) k = Math.max(k, labels[a]! + 1);
  const start = new Int32Array(k + 1);
  for (let a = 0; a < m; a++) start[labels[a]! + 1]!++;
  for (let c = 0; c < k; c++) start[c + 1]! += start[c]!;
  const grouped = new Float64Array(m * d);
  const fill = start.slice(0, k);
  for (let a = 0; a < m; a++) {
    const at = fill[labels[a]!]!++;
    for (let t = 0; t < d; t++) grouped[at * d + t] = xs[a * d + t]!;
  }
  const mean = new Float64Array(k);
  let total = 0;
  for (let a = 0; a < m; a++) {
    for (let c = 0; c < k; c++) mean[c] = distanceSum(xs, a, grouped, start[c]!, start[c + 1]!, d);
    const own = labels[a]!;
    const ownCount = start[own + 1]! - start[own]! - 1;
    if (ownCount === 0) continue; // singleton: s = 0
    const inner = mean[own]! / ownCount;
    let b = Infinity;
    for (let c = 0; c < k; c++) {
      const count = start[c + 1]! - start[c]!;
      if (c !== own && count > 0) b = Math.min(b, mean[c]! / count);
    }
    if (b === Infinity) continue;
    total += (b - inner) / Math.max(inner, b);
  }
  return total / m;
}

/** Sum of the Euclidean distances from point a of `xs` to the points from..to of `ys`. */
function distanceSum(
  xs: Float64Array,
  a: number,
  ys: Float64Array,
  from: number,
  to: number,
  d: number,
): number {
  let sum = 0;
  if (d === 3) {
    const x = xs[a * 3]!;
    const y = xs[a * 3 + 1]!;
    const z = xs[a * 3 + 2]!;
    for (let b = from; b < to; b++) {
      const p = x - ys[b * 3]!;
      const q = y - ys[b * 3 + 1]!;
      const r = z - ys[b * 3 + 2]!;
      sum += Math.sqrt(0 + p * p + q * q + r * r);
    }
    return sum;
  }
  for (let b = from; b < to; b++) {
    let s = 0;
    for (let t = 0; t < d; t++) {
      const diff = xs[a * d + t]! - ys[b * d + t]!;
      s += diff * diff;
    }
    sum += Math.sqrt(s);
  }
  return sum;
}

/**
 * The cluster name from its standardised centroid. value = (z_frequency + z_monetary) / 2,
 * activity = −z_recency (recent is positive):
 *  value ≥ 0.75:  activity ≥ −0.25 → "High value", else "High value lapsing"
 *  value ≥ −0.25: activity ≥ 0.25 → "Active regulars", ≥ −0.5 → "Regulars", else "Fading"
 *  otherwise:     activity ≥ 0.25 → "New / occasional", ≥ −0.5 → "Occasional", else "Lapsed"
 * Two clusters with the same name get " (2)", " (3)" in cluster order.
 */
export function clusterName(z: readonly number[]): string {
  const value = (z[1]! + z[2]!) / 2;
  const activity = -z[0]!;
  if (value >= 0.75) return activity >= -0.25 ? 'High value' : 'High value lapsing';
  if (value >= -0.25) return activity >= 0.25 ? 'Active regulars' : activity >= -0.5 ? 'Regulars' : 'Fading';
  return activity >= 0.25 ? 'New / occasional' : activity >= -0.5 ? 'Occasional' : 'Lapsed';
}

/**
 * K-Means (./lloyd.ts: Lloyd on typed arrays, k-means++ seeded; ml-kmeans is the reference it is
 * checked against in kmeans.test.ts) on z-scores of log1p(R, F, M); k is the one with the best
 * silhouette over kMin..kMax (ties → the smaller k). Clusters are renumbered by decreasing centroid
 * monetary, so numbers are stable for a seed. Same input and seed → identical assignment.
 */
export function clusterCustomers(
  points: readonly RfmPoint[],
  opts: ClusteringOptions = {},
): ClusteringResult {
  const kMin = opts.kMin ?? 2;
  const kMax = opts.kMax ?? 8;
  const seed = opts.seed ?? 42;
  const maxSample = opts.silhouetteSample ?? 3000;
  if (kMin < 2 || kMax < kMin) throw new Error(`k range ${kMin}..${kMax}: need 2 ≤ k-min ≤ k-max`);
  if (points.length < kMin + 1)
    throw new Error(`${points.length} customers: too few to cluster into ${kMin}+ groups`);
  // z-scores of the log features (as standardise(), on typed columns), row-major for K-Means
  const n = points.length;
  const columns = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  points.forEach((p, i) => logFeatures(p).forEach((v, j) => (columns[j]![i] = v)));
  const mu = columns.map((c) => mean(c));
  const sd = columns.map((c) => std(c) || 1);
  const values = new Float64Array(n * 3);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < 3; j++) values[i * 3 + j] = (columns[j]![i]! - mu[j]!) / sd[j]!;
  const kHigh = Math.min(kMax, Math.max(kMin, n - 1));
  const sample = sampleIndices(n, maxSample, mulberry32(seed)).sort((a, b) => a - b);
  const sampleXs = new Float64Array(sample.length * 3);
  sample.forEach((i, a) => sampleXs.set(values.subarray(i * 3, i * 3 + 3), a * 3));
  const sampleLabels = new Int32Array(sample.length);
  const curve: SilhouettePoint[] = [];
  let best: { k: number; clusters: Int32Array; centroids: number[][]; s: number } | undefined;
  const flat: Points = { values, n, d: 3 };
  for (let k = kMin; k <= kHigh; k++) {
    const r = lloydKMeans(flat, k, { seed, maxIterations: opts.maxIterations ?? 300 });
    sample.forEach((i, a) => (sampleLabels[a] = r.clusters[i]!));
    const s = silhouette(sampleXs, 3, sampleLabels);
    curve.push({ k, silhouette: s, inertia: r.inertia, iterations: r.iterations });
    if (!best || s > best.s + 1e-12)
      best = {
        k,
        clusters: r.clusters,
        centroids: Array.from({ length: k }, (_, j) => Array.from(r.centroids.subarray(j * 3, j * 3 + 3))),
        s,
      };
  }
  const chosen = best!;
  // Renumber: by decreasing monetary centroid, then recency ascending (stable for a given result).
  const order = chosen.centroids
    .map((c, i) => ({ c, i }))
    .sort((a, b) => b.c[2]! - a.c[2]! || a.c[0]! - b.c[0]!);
  const relabel = new Map(order.map((o, rank) => [o.i, rank]));
  const assignment = Array.from(chosen.clusters, (c) => relabel.get(c)!);
  const totalRevenue = points.reduce((s, p) => s + p.monetary, 0);
  const members: RfmPoint[][] = order.map(() => []);
  points.forEach((p, i) => members[assignment[i]!]!.push(p));
  const seen = new Map<string, number>();
  const profiles: ClusterProfile[] = order.map(({ c }, cluster) => {
    const own = members[cluster]!;
    const revenue = own.reduce((s, p) => s + p.monetary, 0);
    const back = (j: number) => Math.expm1(mu[j]! + c[j]! * sd[j]!);
    let name = clusterName(c);
    const dup = (seen.get(name) ?? 0) + 1;
    seen.set(name, dup);
    if (dup > 1) name = `${name} (${dup})`;
    return {
      cluster,
      name,
      size: own.length,
      revenueShare: totalRevenue ? revenue / totalRevenue : 0,
      centroid: { recencyDays: back(0), frequency: back(1), monetary: back(2) },
      means: {
        recencyDays: mean(own.map((p) => p.recencyDays)),
        frequency: mean(own.map((p) => p.frequency)),
        monetary: mean(own.map((p) => p.monetary)),
      },
      z: [c[0]!, c[1]!, c[2]!],
    };
  });
  return {
    k: chosen.k,
    seed,
    curve,
    assignment,
    profiles,
    standardisation: { mean: mu, sd },
    silhouetteSample: sample.length,
  };
}
