import { mean, std } from '../stats';
import { FEATURES, type Feature, type FeatureVector } from './features';
import { fitIsolationForest, scoreIsolationForest, type FeatureMatrix } from './forest';

export interface ForestOptions {
  trees?: number;
  /** Points per tree (ψ); 256 as in Liu et al. */
  sampleSize?: number;
  seed?: number;
}

/** The feature vectors as one row-major Float64Array (FEATURES order). */
export function toFeatureMatrix(points: readonly FeatureVector[]): FeatureMatrix {
  const cols = FEATURES.length;
  const values = new Float64Array(points.length * cols);
  points.forEach((p, i) => FEATURES.forEach((f, j) => (values[i * cols + j] = p[f])));
  return { values, rows: points.length, cols };
}

const isMatrix = (p: readonly FeatureVector[] | FeatureMatrix): p is FeatureMatrix => !Array.isArray(p);

/**
 * Isolation Forest scores (0..1, higher = more anomalous): our typed-array forest (./forest.ts),
 * seeded by its own PRNG. The isolation-forest package stays the reference its scores are checked
 * against (iforest.test.ts); mining/README.md says why it no longer computes them.
 */
export function isolationForestScores(
  points: readonly FeatureVector[] | FeatureMatrix,
  opts: ForestOptions = {},
): Float64Array {
  const m = isMatrix(points) ? points : toFeatureMatrix(points);
  if (!m.rows) return new Float64Array(0);
  const model = fitIsolationForest(m, {
    trees: opts.trees ?? 100,
    sampleSize: opts.sampleSize ?? 256,
    seed: opts.seed ?? 42,
  });
  return scoreIsolationForest(model, m);
}

export interface Explanation {
  feature: Feature;
  value: number;
  z: number;
}

/** z-score statistics of every feature over the scored population. */
export function featureStats(
  points: readonly FeatureVector[],
): Record<Feature, { mean: number; sd: number }> {
  const out = {} as Record<Feature, { mean: number; sd: number }>;
  for (const f of FEATURES) {
    const col = points.map((p) => p[f]);
    const m = mean(col);
    out[f] = { mean: m, sd: std(col, m) || 1 };
  }
  return out;
}

/** The `top` features with the largest |z-score| for one order, with their values. */
export function explain(
  p: FeatureVector,
  stats: Record<Feature, { mean: number; sd: number }>,
  top = 3,
): Explanation[] {
  return FEATURES.map((feature) => ({
    feature,
    value: p[feature],
    z: (p[feature] - stats[feature].mean) / stats[feature].sd,
  }))
    .sort((a, b) => Math.abs(b.z) - Math.abs(a.z))
    .slice(0, top);
}
