import { mulberry32, withSeededRandom } from '../prng';
import { referenceScores } from '../test/fixtures';
import { FEATURES, type FeatureVector } from './features';
import {
  averagePathLength,
  fitIsolationForest,
  scoreIsolationForest,
  type FeatureMatrix,
  type IsolationForestModel,
} from './forest';
import { isolationForestScores, toFeatureMatrix } from './iforest';

function points(n: number, seed = 11): FeatureVector[] {
  const rand = mulberry32(seed);
  return Array.from(
    { length: n },
    () => Object.fromEntries(FEATURES.map((f) => [f, rand()])) as FeatureVector,
  );
}

/** The plain walk: each row down each tree until a leaf, path length = depth + c(leaf size), trees summed in order. */
function walkScores(model: IsolationForestModel, m: FeatureMatrix): Float64Array {
  const out = new Float64Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    let sum = 0;
    for (const t of model.trees) {
      let node = 0;
      let depth = 0;
      while (t.feature[node]! >= 0) {
        node = m.values[r * m.cols + t.feature[node]!]! < t.split[node]! ? t.left[node]! : t.right[node]!;
        depth++;
      }
      sum += depth + averagePathLength(t.size[node]!);
    }
    out[r] = 2 ** (-(sum / model.trees.length) / averagePathLength(model.sampleSize));
  }
  return out;
}

function ranks(xs: Float64Array): Float64Array {
  const order = [...xs.keys()].sort((a, b) => xs[a]! - xs[b]!);
  const r = new Float64Array(xs.length);
  order.forEach((i, rank) => (r[i] = rank));
  return r;
}

function spearman(a: Float64Array, b: Float64Array): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const n = a.length;
  let d2 = 0;
  for (let i = 0; i < n; i++) d2 += (ra[i]! - rb[i]!) ** 2;
  return 1 - (6 * d2) / (n * (n * n - 1));
}

describe('Isolation Forest', () => {
  it('restores Math.random after a seeded section, even when it throws (the reference relies on it)', () => {
    const original = Math.random;
    expect(withSeededRandom(1, () => [Math.random(), Math.random()])).toEqual(
      withSeededRandom(1, () => [Math.random(), Math.random()]),
    );
    expect(() =>
      withSeededRandom(1, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(Math.random).toBe(original);
  });

  it('c(n), the average path length: c(1) = 0, c(2) = 1, c(256) ≈ 10.24', () => {
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    expect(averagePathLength(256)).toBeCloseTo(10.2448, 3);
  });

  it('same data and seed → identical scores, Math.random untouched; another seed → other scores; objects or a matrix, same scores', () => {
    const data = points(2000);
    data.push({ ...data[0]!, lines: 25 });
    const random = Math.random;
    const a = isolationForestScores(data, { seed: 5, trees: 50, sampleSize: 256 });
    expect(Math.random).toBe(random);
    const b = isolationForestScores(toFeatureMatrix(data), { seed: 5, trees: 50, sampleSize: 256 });
    const c = isolationForestScores(data, { seed: 6, trees: 50, sampleSize: 256 });
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(c)).not.toEqual(Array.from(a));
    const all = isolationForestScores(data, { seed: 5, trees: 50, sampleSize: data.length });
    expect(all.indexOf(Math.max(...all))).toBe(data.length - 1);
  });

  it('the blocked, fixed-step scoring equals a plain walk of every tree, bit for bit (rows not a multiple of the 4-row interleave or the block)', () => {
    const m = toFeatureMatrix(points(1531, 4));
    for (const sampleSize of [7, 256, 1531]) {
      const model = fitIsolationForest(m, { seed: 3, trees: 37, sampleSize });
      expect(Array.from(scoreIsolationForest(model, m))).toEqual(Array.from(walkScores(model, m)));
    }
  });

  it('agrees with the isolation-forest package: rank correlation ≥ 0.9, the same scale and mostly the same top 5 % at ψ 256; the same planted outliers on top when every tree sees them', () => {
    const data = points(3000, 3);
    // 10 planted outliers: beyond the range of every normal point in two features at once
    for (let k = 0; k < 10; k++)
      data.push({
        ...data[k * 7]!,
        [FEATURES[k % FEATURES.length]!]: 3 + k / 10,
        [FEATURES[(k + 3) % FEATURES.length]!]: 2.5,
      } as FeatureVector);
    const planted = Array.from({ length: 10 }, (_, k) => 3000 + k);
    const mean = (s: Float64Array, idx?: number[]) =>
      (idx ?? [...s.keys()]).reduce((x, i) => x + s[i]!, 0) / (idx ?? s).length;
    const ours = isolationForestScores(data, { seed: 9, trees: 200, sampleSize: 256 });
    const ref = referenceScores(data, 200, 256, 9);
    expect(spearman(ours, ref)).toBeGreaterThanOrEqual(0.9);
    expect(Math.abs(mean(ours) - mean(ref))).toBeLessThan(0.02);
    expect(Math.abs(mean(ours, planted) - mean(ref, planted))).toBeLessThan(0.03);
    // the top 5 % (150 rows) of both rankings: mostly the same rows (a random pair of rankings would
    // share about 7), and as many planted outliers (within one)
    const topOf = (s: Float64Array, n: number) => [...s.keys()].sort((x, y) => s[y]! - s[x]!).slice(0, n);
    const refTop = new Set(topOf(ref, 150));
    expect(topOf(ours, 150).filter((i) => refTop.has(i)).length).toBeGreaterThanOrEqual(80);
    const plantedIn = (t: number[]) => t.filter((i) => i >= 3000).length;
    expect(Math.abs(plantedIn(topOf(ours, 150)) - plantedIn([...refTop]))).toBeLessThanOrEqual(1);
    // a point beyond the range of a tree's subsample follows the path of its most extreme point (both
    // implementations, mining/README.md): with the whole set as every tree's subsample, both find all 10
    const top = (s: Float64Array) => new Set([...s.keys()].sort((x, y) => s[y]! - s[x]!).slice(0, 10));
    expect(top(isolationForestScores(data, { seed: 9, trees: 100, sampleSize: data.length }))).toEqual(
      new Set(planted),
    );
    expect(top(referenceScores(data, 100, data.length, 9))).toEqual(new Set(planted));
  });
});
