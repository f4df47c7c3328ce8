/** Small descriptive statistics on plain number arrays. */

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return xs.length ? s / xs.length : NaN;
}

/** Population standard deviation. */
export function std(xs: ArrayLike<number>, m = mean(xs)): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - m) ** 2;
  return xs.length ? Math.sqrt(s / xs.length) : NaN;
}

/** Quantile of an ascending-sorted array, linear interpolation between order statistics (type 7, as numpy/PostgreSQL percentile_cont). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function sortedCopy(xs: ArrayLike<number>): Float64Array {
  return Float64Array.from(xs).sort();
}

export function median(xs: ArrayLike<number>): number {
  return quantileSorted(sortedCopy(xs), 0.5);
}

/** Pearson correlation; NaN when a side is constant. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  const ma = mean(a);
  const mb = mean(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa && sbb ? sab / Math.sqrt(saa * sbb) : NaN;
}

export interface Bin {
  lower: number;
  upper: number;
  count: number;
}

/** `bins` equal-width bins over [min, max] (the last bin closed on the right). */
export function histogram(xs: ArrayLike<number>, bins: number): Bin[] {
  if (!xs.length) return [];
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    lo = Math.min(lo, xs[i]!);
    hi = Math.max(hi, xs[i]!);
  }
  const width = hi > lo ? (hi - lo) / bins : 1;
  const out: Bin[] = Array.from({ length: bins }, (_, i) => ({
    lower: lo + i * width,
    upper: lo + (i + 1) * width,
    count: 0,
  }));
  for (let i = 0; i < xs.length; i++) out[Math.min(bins - 1, Math.floor((xs[i]! - lo) / width))]!.count++;
  return out;
}

/** Squared Euclidean distance. */
export function sqDist(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += (p[i]! - q[i]!) ** 2;
  return s;
}
