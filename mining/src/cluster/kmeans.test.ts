import { kmeans } from 'ml-kmeans';
import { mulberry32 } from '../prng';
import { clusterCustomers, clusterName, logFeatures, standardise, type RfmPoint } from './kmeans';
import { kMeansPlusPlus, lloydKMeans } from './lloyd';

function customers(n: number, seed: number): RfmPoint[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    const group = i % 3; // three planted groups: recent big spenders, middling, lapsed small
    const jitter = () => 0.7 + rand() * 0.6;
    const [r, f, m] = group === 0 ? [5, 40, 20_000] : group === 1 ? [60, 6, 1_500] : [400, 1, 80];
    return {
      customerId: i + 1,
      recencyDays: Math.round(r * jitter()),
      frequency: Math.max(1, Math.round(f * jitter())),
      monetary: m * jitter(),
    };
  });
}

describe('K-Means on log-RFM', () => {
  const pts = customers(900, 3);

  it('same seed → identical assignment; the silhouette curve covers k-min..k-max and picks its best k', () => {
    const a = clusterCustomers(pts, { seed: 7 });
    const b = clusterCustomers(pts, { seed: 7 });
    expect(b.assignment).toEqual(a.assignment);
    expect(b.curve).toEqual(a.curve);
    expect(a.curve.map((p) => p.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    const best = Math.max(...a.curve.map((p) => p.silhouette));
    expect(a.curve.find((p) => p.k === a.k)!.silhouette).toBe(best);
    expect(a.k).toBe(3);
    expect(a.profiles.map((p) => p.size).reduce((s, x) => s + x, 0)).toBe(pts.length);
    expect(a.profiles.reduce((s, p) => s + p.revenueShare, 0)).toBeCloseTo(1, 9);
    // Cluster 0 has the highest centroid monetary; named from the centroid.
    expect(a.profiles[0]!.name).toBe('High value');
    expect(a.profiles[2]!.name).toBe('Lapsed');
    expect(a.profiles[0]!.centroid.monetary).toBeGreaterThan(10_000);
  });

  it('names clusters from standardised centroids by the documented rule', () => {
    expect(clusterName([-1, 1, 1])).toBe('High value');
    expect(clusterName([1, 1, 1])).toBe('High value lapsing');
    expect(clusterName([-0.5, 0, 0])).toBe('Active regulars');
    expect(clusterName([1, 0, 0])).toBe('Fading');
    expect(clusterName([-1, -1, -1])).toBe('New / occasional');
    expect(clusterName([1, -1, -1])).toBe('Lapsed');
  });
});

describe('our K-Means against ml-kmeans (the reference)', () => {
  it('on the same standardised log-RFM points and k: the same partition for separated groups, and a within-cluster sum as low for every k', () => {
    const rows = customers(3000, 5);
    const { z } = standardise(rows.map(logFeatures));
    const flat = { values: Float64Array.from(z.flat()), n: z.length, d: 3 };
    const sse = (labels: ArrayLike<number>, centroids: number[][]) =>
      z.reduce((s, p, i) => s + p.reduce((a, v, t) => a + (v - centroids[labels[i]!]![t]!) ** 2, 0), 0);
    for (let k = 2; k <= 8; k++) {
      const ours = lloydKMeans(flat, k, { seed: 7 });
      const ref = kmeans(z, k, { seed: 7, initialization: 'kmeans++', maxIterations: 300 });
      const oursCentroids = Array.from({ length: k }, (_, j) =>
        Array.from(ours.centroids.subarray(j * 3, j * 3 + 3)),
      );
      expect(ours.inertia).toBeCloseTo(sse(ours.clusters, oursCentroids), 6);
      // local optima of the same objective: ours within 2 % of the reference's (or better)
      expect(ours.inertia).toBeLessThanOrEqual(sse(ref.clusters, ref.centroids) * 1.02);
      if (k === 3) {
        // three planted groups: the same partition, up to the numbering of the clusters
        const pairs = new Set(ref.clusters.map((c, i) => `${c}:${ours.clusters[i]}`));
        expect(pairs.size).toBe(3);
      }
    }
  });

  it('from the same k-means++ start: the same partition and the same within-cluster sum as ml-kmeans, for k 2..8, on overlapping groups', () => {
    // no planted structure: uniform log-RFM-like points, where Hamerly's bounds decide for most points
    const rand = mulberry32(17);
    const rows = Array.from({ length: 4000 }, (_, i) => ({
      customerId: i + 1,
      recencyDays: Math.floor(rand() * 700),
      frequency: 1 + Math.floor(rand() * 30),
      monetary: rand() * 50_000,
    }));
    const { z } = standardise(rows.map(logFeatures));
    const flat = { values: Float64Array.from(z.flat()), n: z.length, d: 3 };
    for (let k = 2; k <= 8; k++) {
      const init = kMeansPlusPlus(flat, k, mulberry32(100 + k));
      const start = Array.from({ length: k }, (_, j) => Array.from(init.subarray(j * 3, j * 3 + 3)));
      // both run to a fixed point (no point changes cluster) from the same centroids
      const ours = lloydKMeans(flat, k, { init, tolerance: 0, maxIterations: 10_000 });
      const ref = kmeans(z, k, { initialization: start, tolerance: 0, maxIterations: 10_000 });
      expect(Array.from(ours.clusters)).toEqual(ref.clusters);
      const refInertia = z.reduce(
        (s, p, i) => s + p.reduce((a, v, t) => a + (v - ref.centroids[ref.clusters[i]!]![t]!) ** 2, 0),
        0,
      );
      expect(Math.abs(ours.inertia - refInertia) / refInertia).toBeLessThan(1e-9);
      // the default (scikit-learn's tolerance) stops earlier at (almost) the same sum
      const early = lloydKMeans(flat, k, { init });
      expect(early.iterations).toBeLessThanOrEqual(ours.iterations);
      expect(early.inertia).toBeLessThanOrEqual(ours.inertia * 1.005);
    }
  });
});
