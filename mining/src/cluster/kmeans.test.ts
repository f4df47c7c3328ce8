import { mulberry32 } from '../prng';
import { clusterCustomers, clusterName, type RfmPoint } from './kmeans';

function customers(n: number, seed: number): RfmPoint[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    const group = i % 3; // three planted groups: recent big spenders, middling, lapsed small
    const jitter = () => 0.7 + rand() * 0.6;
    const [r, f, m] = group === 0 ? [5, 40, 20_000] : group === 1 ? [60, 6, 1_500] : [400, 1, 80];
    return { customerId: i + 1, recencyDays: Math.round(r * jitter()), frequency: Math.max(1, Math.round(f * jitter())), monetary: m * jitter() };
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
