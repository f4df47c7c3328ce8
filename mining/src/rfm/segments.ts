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

export const SEGMENT_RULES: readonly SegmentRule[] = [
  {
    segment: 'Champions',
    r: [4, 5],
    f: [4, 5],
    m: [4, 5],
    meaning: 'bought recently, often, and spend the most',
  },
  {
    segment: 'Cannot Lose',
    r: [1, 1],
    f: [4, 5],
    m: [4, 5],
    meaning: 'were among the best (frequent, high spend) but have not bought for the longest time',
  },
  {
    segment: 'At Risk',
    r: [1, 2],
    f: [3, 5],
    m: [3, 5],
    meaning: 'good customers (frequency and spend above the middle) slipping away',
  },
  {
    segment: 'Loyal',
    r: [3, 5],
    f: [3, 5],
    m: [3, 5],
    meaning: 'regular, above-middle frequency and spend, still active',
  },
  {
    segment: 'New',
    r: [5, 5],
    f: [1, 1],
    m: ANY,
    meaning: 'most recent quintile, one order (lowest frequency score)',
  },
  { segment: 'Promising', r: [4, 4], f: [1, 1], m: ANY, meaning: 'recent, one order so far' },
  {
    segment: 'Potential Loyalist',
    r: [4, 5],
    f: ANY,
    m: ANY,
    meaning: 'recent, with a few orders or a small spend: could become loyal',
  },
  {
    segment: 'Need Attention',
    r: [3, 3],
    f: ANY,
    m: ANY,
    meaning: 'middle recency, frequency or spend below the middle',
  },
  {
    segment: 'Hibernating',
    r: [2, 2],
    f: ANY,
    m: ANY,
    meaning: 'long since the last order, low frequency or spend',
  },
  { segment: 'Lost', r: [1, 1], f: ANY, m: ANY, meaning: 'oldest last order, low frequency or spend' },
];

const within = (x: number, [lo, hi]: Range) => x >= lo && x <= hi;

/** The segment of an (R, F, M) score triple: the first matching rule of SEGMENT_RULES. */
export function segmentOf(r: number, f: number, m: number): SegmentName {
  for (const rule of SEGMENT_RULES)
    if (within(r, rule.r) && within(f, rule.f) && within(m, rule.m)) return rule.segment;
  throw new Error(`No RFM segment for scores ${r}${f}${m}`); // unreachable: the table covers every cell (tested)
}
