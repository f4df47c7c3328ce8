/**
 * RFM segments: an ordered rule table on the three quintile scores (1 = worst, 5 = best; for R, 5 =
 * most recent). The first rule that matches names the customer, and the table covers all 125
 * (R, F, M) cells (tested), so every customer gets exactly one segment. mining/README.md shows the
 * same table.
 */
export type Range = readonly [min: number, max: number];

export interface SegmentRule {
  segment: SegmentName;
  r: Range;
  f: Range;
  m: Range;
  meaning: string;
}

export const SEGMENT_NAMES = [
  'Champions',
  'Cannot Lose',
  'At Risk',
  'Loyal',
  'New',
  'Promising',
  'Potential Loyalist',
  'Need Attention',
  'Hibernating',
  'Lost',
] as const;
export type SegmentName = (typeof SEGMENT_NAMES)[number];

const ANY: Range = [1, 5];

const rule = (segment: SegmentName, r: Range, f: Range, m: Range, meaning: string): SegmentRule => ({
  segment,
  r,
  f,
  m,
  meaning,
});

export const SEGMENT_RULES: readonly SegmentRule[] = [
  rule('Champions', [4, 5], [4, 5], [4, 5], 'bought recently, often, and spend the most'),
  rule(
    'Cannot Lose',
    [1, 1],
    [4, 5],
    [4, 5],
    'were among the best (frequent, high spend) but have not bought for the longest time',
  ),
  rule(
    'At Risk',
    [1, 2],
    [3, 5],
    [3, 5],
    'good customers (frequency and spend above the middle) slipping away',
  ),
  rule('Loyal', [3, 5], [3, 5], [3, 5], 'regular, above-middle frequency and spend, still active'),
  rule('New', [5, 5], [1, 1], ANY, 'most recent quintile, one order (lowest frequency score)'),
  rule('Promising', [4, 4], [1, 1], ANY, 'recent, one order so far'),
  rule(
    'Potential Loyalist',
    [4, 5],
    ANY,
    ANY,
    'recent, with a few orders or a small spend: could become loyal',
  ),
  rule('Need Attention', [3, 3], ANY, ANY, 'middle recency, frequency or spend below the middle'),
  rule('Hibernating', [2, 2], ANY, ANY, 'long since the last order, low frequency or spend'),
  rule('Lost', [1, 1], ANY, ANY, 'oldest last order, low frequency or spend'),
];

const within = (x: number, [lo, hi]: Range) => x >= lo && x <= hi;

/** The segment of an (R, F, M) score triple: the first matching rule of SEGMENT_RULES. */
export function segmentOf(r: number, f: number, m: number): SegmentName {
  for (const rule of SEGMENT_RULES)
    if (within(r, rule.r) && within(f, rule.f) && within(m, rule.m)) return rule.segment;
  throw new Error(`No RFM segment for scores ${r}${f}${m}`); // unreachable: the table covers every cell (tested)
}
