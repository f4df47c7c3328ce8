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

/** Mean silhouette of the points `idx` (Euclidean distances to all other points of `idx`), on typed arrays. */
export function silhouette(points: number[][], labels: number[], idx: number[]): number {
  const m = idx.length;
  if (!m) return 0;
  const d = points[idx[0]!]!.length;
  const xs = new Float64Array(m * d);
  const ls = new Int32Array(m);
  let k = 0;
  idx.forEach((i, a) => {
    for (let t = 0; t < d; t++) xs[a * d + t] = points[i]![t]!;
    ls[a] = labels[i]!;
    k = Math.max(k, labels[i]! + 1);
  });
  const sum = new Float64Array(k);
  const cnt = new Float64Array(k);
  let total = 0;
  for (let a = 0; a < m; a++) {
    sum.fill(0);
    cnt.fill(0);
    for (let b = 0; b < m; b++) {
      if (a === b) continue;
      let s = 0;
      for (let t = 0; t < d; t++) {
        const diff = xs[a * d + t]! - xs[b * d + t]!;
        s += diff * diff;
      }
      sum[ls[b]!]! += Math.sqrt(s);
      cnt[ls[b]!]!++;
    }
    const own = ls[a]!;
    if (cnt[own] === 0) continue; // singleton: s = 0
    const inner = sum[own]! / cnt[own]!;
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && cnt[c]! > 0) b = Math.min(b, sum[c]! / cnt[c]!);
    if (b === Infinity) continue;
    total += (b - inner) / Math.max(inner, b);
  }
  return total / m;
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
export function clusterCustomers(points: readonly RfmPoint[], opts: ClusteringOptions = {}): ClusteringResult {
  const kMin = opts.kMin ?? 2;
  const kMax = opts.kMax ?? 8;
  const seed = opts.seed ?? 42;
  const maxSample = opts.silhouetteSample ?? 3000;
  if (kMin < 2 || kMax < kMin) throw new Error(`k range ${kMin}..${kMax}: need 2 ≤ k-min ≤ k-max`);
  const { z, mean: mu, sd } = standardise(points.map(logFeatures));
  const kHigh = Math.min(kMax, Math.max(kMin, points.length - 1));
  if (points.length < kMin + 1) throw new Error(`${points.length} customers: too few to cluster into ${kMin}+ groups`);
  const sample = sampleIndices(points.length, maxSample, mulberry32(seed)).sort((a, b) => a - b);
  const curve: SilhouettePoint[] = [];
  let best: { k: number; clusters: number[]; centroids: number[][]; s: number } | undefined;
  const flat: Points = { values: Float64Array.from(z.flat()), n: z.length, d: 3 };
  for (let k = kMin; k <= kHigh; k++) {
    const r = lloydKMeans(flat, k, { seed, maxIterations: opts.maxIterations ?? 300 });
    const clusters = Array.from(r.clusters);
    const s = silhouette(z, clusters, sample);
    curve.push({ k, silhouette: s, inertia: r.inertia, iterations: r.iterations });
    if (!best || s > best.s + 1e-12)
      best = { k, clusters, centroids: Array.from({ length: k }, (_, j) => Array.from(r.centroids.subarray(j * 3, j * 3 + 3))), s };
  }
  const chosen = best!;
  // Renumber: by decreasing monetary centroid, then recency ascending (stable for a given result).
  const order = chosen.centroids.map((c, i) => ({ c, i })).sort((a, b) => b.c[2]! - a.c[2]! || a.c[0]! - b.c[0]!);
  const relabel = new Map(order.map((o, rank) => [o.i, rank]));
  const assignment = chosen.clusters.map((c) => relabel.get(c)!);
  const totalRevenue = points.reduce((s, p) => s + p.monetary, 0);
  const seen = new Map<string, number>();
  const profiles: ClusterProfile[] = order.map(({ c }, cluster) => {
    const members = points.filter((_, i) => assignment[i] === cluster);
    const revenue = members.reduce((s, p) => s + p.monetary, 0);
    const back = (j: number) => Math.expm1(mu[j]! + c[j]! * sd[j]!);
    let name = clusterName(c);
    const dup = (seen.get(name) ?? 0) + 1;
    seen.set(name, dup);
    if (dup > 1) name = `${name} (${dup})`;
    return {
      cluster,
      name,
      size: members.length,
      revenueShare: totalRevenue ? revenue / totalRevenue : 0,
      centroid: { recencyDays: back(0), frequency: back(1), monetary: back(2) },
      means: {
        recencyDays: mean(members.map((p) => p.recencyDays)),
        frequency: mean(members.map((p) => p.frequency)),
        monetary: mean(members.map((p) => p.monetary)),
      },
      z: [c[0]!, c[1]!, c[2]!],
    };
  });
  return { k: chosen.k, seed, curve, assignment, profiles, standardisation: { mean: mu, sd }, silhouetteSample: sample.length };
}
