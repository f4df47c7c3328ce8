import { IsolationForest } from 'isolation-forest';
import { mulberry32, sampleIndices, withSeededRandom } from '../prng';
import { mean, std } from '../stats';
import { FEATURES, type Feature, type FeatureVector } from './features';

export interface ForestOptions {
  trees?: number;
  /** Points per tree (ψ); 256 as in Liu et al. */
  sampleSize?: number;
  seed?: number;
}

/**
 * Isolation Forest scores (0..1, higher = more anomalous) with the isolation-forest package's trees.
 *
 * The package (0.0.9) builds every tree on the whole data set it is given, not on a subsample, so
 * each tree here is a one-tree forest fitted on its own seeded subsample of ψ points; a point's score
 * is 2^(−E[h]/c(ψ)) with E[h] the mean over the trees of its path length, recovered from each
 * one-tree score s_t = 2^(−h_t/c(ψ)) as mean(log2 s_t). The package draws its split attributes and
 * values from Math.random: the fit runs with Math.random replaced by a seeded PRNG (restored after,
 * even on error), so the same data and seed give identical scores.
 */
export function isolationForestScores(points: readonly FeatureVector[], opts: ForestOptions = {}): Float64Array {
  const trees = opts.trees ?? 100;
  const psi = Math.min(opts.sampleSize ?? 256, points.length);
  const seed = opts.seed ?? 42;
  const sums = new Float64Array(points.length);
  if (!points.length) return sums;
  const pick = mulberry32(seed ^ 0x5bd1e995);
  const forests = withSeededRandom(seed, () =>
    Array.from({ length: trees }, () => {
      const sample = sampleIndices(points.length, psi, pick).map((i) => points[i]! as unknown as Record<string, number>);
      const f = new IsolationForest(1, psi);
      f.fit(sample);
      return f;
    }),
  );
  const data = points as unknown as Record<string, number>[];
  for (const f of forests) {
    const s = f.predict(data);
    for (let i = 0; i < s.length; i++) sums[i]! += Math.log2(s[i]!);
  }
  return sums.map((v) => 2 ** (v / trees));
}

export interface Explanation {
  feature: Feature;
  value: number;
  z: number;
}

/** z-score statistics of every feature over the scored population. */
export function featureStats(points: readonly FeatureVector[]): Record<Feature, { mean: number; sd: number }> {
  const out = {} as Record<Feature, { mean: number; sd: number }>;
  for (const f of FEATURES) {
    const col = points.map((p) => p[f]);
    const m = mean(col);
    out[f] = { mean: m, sd: std(col, m) || 1 };
  }
  return out;
}

/** The `top` features with the largest |z-score| for one order, with their values. */
export function explain(p: FeatureVector, stats: Record<Feature, { mean: number; sd: number }>, top = 3): Explanation[] {
  return FEATURES.map((feature) => ({ feature, value: p[feature], z: (p[feature] - stats[feature].mean) / stats[feature].sd }))
    .sort((a, b) => Math.abs(b.z) - Math.abs(a.z))
    .slice(0, top);
}
