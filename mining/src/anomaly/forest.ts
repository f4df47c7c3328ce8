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
export function fitIsolationForest(
  m: FeatureMatrix,
  opts: IsolationForestOptions = {},
): IsolationForestModel {
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
 * first laid out in flat arrays (children side by side; a leaf points to itself with a NaN split, so
 * every walk of a tree takes the same number of steps with no data-dependent branch, and holds its
 * path length depth + c(size) aside). Rows are scored in blocks, tree by tree (a tree stays in cache
 * for the block), four rows walked at once (four independent chains of loads keep the core busy
 * where one chain waits on memory). Per row the trees are summed in order, as a row-by-row walk would.
 */
export function scoreIsolationForest(model: IsolationForestModel, m: FeatureMatrix): Float64Array {
  const out = new Float64Array(m.rows);
  const { values, cols, rows } = m;
  const cPsi = averagePathLength(model.sampleSize) || 1;
  const treeCount = model.trees.length;
  let total = 0;
  for (const t of model.trees) total += t.feature.length;
  const feature = new Int32Array(total);
  const split = new Float64Array(total);
  const next = new Int32Array(total);
  const pathLength = new Float64Array(total);
  const roots = new Int32Array(treeCount);
  const steps = new Int32Array(treeCount);
  let base = 0;
  model.trees.forEach((t, i) => {
    roots[i] = base;
    // depth of each node, for the leaves' path lengths (children always come after their parent)
    const depth = new Int32Array(t.feature.length);
    let deepest = 0;
    for (let n = 0; n < t.feature.length; n++) {
      if (t.feature[n]! >= 0) {
        depth[t.left[n]!] = depth[t.right[n]!] = depth[n]! + 1;
        feature[base + n] = t.feature[n]!;
        split[base + n] = t.split[n]!;
        next[base + n] = base + t.left[n]!;
      } else {
        // a leaf: any comparison with NaN is false, so the walk stays here
        split[base + n] = NaN;
        next[base + n] = base + n;
        pathLength[base + n] = depth[n]! + averagePathLength(t.size[n]!);
        if (depth[n]! > deepest) deepest = depth[n]!;
      }
    }
    steps[i] = deepest;
    base += t.feature.length;
  });
  const BLOCK = 512;
  const sums = new Float64Array(BLOCK);
  for (let r0 = 0; r0 < rows; r0 += BLOCK) {
    const r1 = Math.min(rows, r0 + BLOCK);
    sums.fill(0);
    for (let t = 0; t < treeCount; t++) {
      const root = roots[t]!;
      const depth = steps[t]!;
      let r = r0;
      for (; r + 4 <= r1; r += 4) {
        const ra = r * cols;
        const rb = ra + cols;
        const rc = rb + cols;
        const rd = rc + cols;
        let a = root;
        let b = root;
        let c = root;
        let d = root;
        for (let s = 0; s < depth; s++) {
          a = next[a]! + +(values[ra + feature[a]!]! >= split[a]!);
          b = next[b]! + +(values[rb + feature[b]!]! >= split[b]!);
          c = next[c]! + +(values[rc + feature[c]!]! >= split[c]!);
          d = next[d]! + +(values[rd + feature[d]!]! >= split[d]!);
        }
        const o = r - r0;
        sums[o]! += pathLength[a]!;
        sums[o + 1]! += pathLength[b]!;
        sums[o + 2]! += pathLength[c]!;
        sums[o + 3]! += pathLength[d]!;
      }
      for (; r < r1; r++) {
        const ra = r * cols;
        let a = root;
        for (let s = 0; s < depth; s++) a = next[a]! + +(values[ra + feature[a]!]! >= split[a]!);
        sums[r - r0]! += pathLength[a]!;
      }
    }
    for (let r = r0; r < r1; r++) out[r] = 2 ** (-(sums[r - r0]! / treeCount) / cPsi);
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
