import { mulberry32 } from '../prng';

/** Rows × columns of numbers, row-major in one typed array (no object per row). */
export interface FeatureMatrix {
  values: Float64Array;
  rows: number;
  cols: number;
}

/** One isolation tree as parallel node arrays; `feature[n] < 0` marks a leaf holding `size[n]` sample points. */
interface Tree {
  feature: Int32Array;
  split: Float64Array;
  left: Int32Array;
  right: Int32Array;
  size: Int32Array;
}

export interface IsolationForestModel {
  /** Points per tree (ψ). */
  sampleSize: number;
  trees: Tree[];
}

export interface IsolationForestOptions {
  trees?: number;
  /** Points per tree (ψ); 256 as in Liu, Ting and Zhou (2008). */
  sampleSize?: number;
  seed?: number;
}

const EULER = 0.5772156649015329;

/** Average path length of an unsuccessful search in a binary search tree of n points, c(n). */
export function averagePathLength(n: number): number {
  if (n > 2) return 2 * (Math.log(n - 1) + EULER) - (2 * (n - 1)) / n;
  return n === 2 ? 1 : 0;
}

/**
 * Fits an Isolation Forest (Liu, Ting and Zhou, 2008): each tree isolates its own seeded subsample
 * of ψ rows by random axis-parallel splits (attribute uniform, split value uniform between the
 * node's min and max) down to the height limit ⌈log2 ψ⌉. The random stream is its own (mulberry32
 * of `seed`): same data and seed, same forest; nothing global is touched.
 */
export function fitIsolationForest(m: FeatureMatrix, opts: IsolationForestOptions = {}): IsolationForestModel {
  const treeCount = opts.trees ?? 100;
  const psi = Math.max(1, Math.min(opts.sampleSize ?? 256, m.rows));
  const rand = mulberry32(opts.seed ?? 42);
  const limit = Math.ceil(Math.log2(Math.max(2, psi)));
  const { values, cols } = m;
  const trees: Tree[] = [];
  const sample = new Int32Array(psi);
  const stack = new Int32Array(3 * (limit + 2) * 2);
  for (let t = 0; t < treeCount; t++) {
    drawSample(m.rows, psi, rand, sample);
    const maxNodes = 2 * psi - 1;
    const tree: Tree = {
      feature: new Int32Array(maxNodes).fill(-1),
      split: new Float64Array(maxNodes),
      left: new Int32Array(maxNodes),
      right: new Int32Array(maxNodes),
      size: new Int32Array(maxNodes),
    };
    let nodes = 1;
    // Depth-first over (node, start, end) segments of `sample`, partitioned in place.
    let sp = 0;
    const depthOf = new Int32Array(maxNodes);
    stack[sp++] = 0;
    stack[sp++] = 0;
    stack[sp++] = psi;
    while (sp > 0) {
      const end = stack[--sp]!;
      const start = stack[--sp]!;
      const node = stack[--sp]!;
      const n = end - start;
      tree.size[node] = n;
      if (depthOf[node]! >= limit || n <= 1) continue;
      const q = Math.floor(rand() * cols);
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = start; i < end; i++) {
        const v = values[sample[i]! * cols + q]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      if (!(hi > lo)) continue; // all equal on this attribute: a leaf, as in the original algorithm
      const p = lo + rand() * (hi - lo);
      let mid = start;
      for (let i = start; i < end; i++) {
        const r = sample[i]!;
        if (values[r * cols + q]! < p) {
          sample[i] = sample[mid]!;
          sample[mid++] = r;
        }
      }
      if (mid === start || mid === end) continue; // p fell on the minimum (measure zero); keep it a leaf
      const l = nodes++;
      const rgt = nodes++;
      tree.feature[node] = q;
      tree.split[node] = p;
      tree.left[node] = l;
      tree.right[node] = rgt;
      depthOf[l] = depthOf[rgt] = depthOf[node]! + 1;
      stack[sp++] = l;
      stack[sp++] = start;
      stack[sp++] = mid;
      stack[sp++] = rgt;
      stack[sp++] = mid;
      stack[sp++] = end;
    }
    trees.push(tree);
  }
  return { sampleSize: psi, trees };
}

/**
 * Anomaly score per row, s(x) = 2^(−E[h(x)] / c(ψ)) in 0..1 (higher = more anomalous). The trees are
 * first laid out in flat arrays (children side by side, a leaf holding its path length depth + c(size)),
 * then each row walks every tree while its features stay in cache.
 */
export function scoreIsolationForest(model: IsolationForestModel, m: FeatureMatrix): Float64Array {
  const out = new Float64Array(m.rows);
  const { values, cols } = m;
  const cPsi = averagePathLength(model.sampleSize) || 1;
  let total = 0;
  for (const t of model.trees) total += t.feature.length;
  const feature = new Int32Array(total);
  const value = new Float64Array(total);
  const left = new Int32Array(total);
  const roots = new Int32Array(model.trees.length);
  let base = 0;
  model.trees.forEach((t, i) => {
    roots[i] = base;
    // depth of each node, for the leaves' path lengths (children always come after their parent)
    const depth = new Int32Array(t.feature.length);
    for (let n = 0; n < t.feature.length; n++) {
      if (t.feature[n]! >= 0) {
        depth[t.left[n]!] = depth[t.right[n]!] = depth[n]! + 1;
        feature[base + n] = t.feature[n]!;
        value[base + n] = t.split[n]!;
        left[base + n] = base + t.left[n]!;
      } else {
        feature[base + n] = -1;
        value[base + n] = depth[n]! + averagePathLength(t.size[n]!);
      }
    }
    base += t.feature.length;
  });
  const treeCount = roots.length;
  for (let r = 0; r < m.rows; r++) {
    const at = r * cols;
    let sum = 0;
    for (let t = 0; t < treeCount; t++) {
      let node = roots[t]!;
      let q = feature[node]!;
      while (q >= 0) {
        // branch-free: the right child is the left one + 1 (a mispredicted branch per level costs more than the walk)
        node = left[node]! + +(values[at + q]! >= value[node]!);
        q = feature[node]!;
      }
      sum += value[node]!;
    }
    out[r] = 2 ** (-(sum / treeCount) / cPsi);
  }
  return out;
}

/** k distinct row indices of [0, n) into `out` (Floyd's algorithm for k ≪ n, partial Fisher–Yates otherwise). */
function drawSample(n: number, k: number, rand: () => number, out: Int32Array): void {
  if (k >= n) {
    for (let i = 0; i < k; i++) out[i] = i;
    return;
  }
  const picked = new Set<number>();
  let w = 0;
  for (let j = n - k; j < n; j++) {
    const t = Math.floor(rand() * (j + 1));
    const v = picked.has(t) ? j : t;
    picked.add(v);
    out[w++] = v;
  }
}
