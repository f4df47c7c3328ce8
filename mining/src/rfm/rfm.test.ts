import { computeRfm, quintileScores, type RfmOrder } from './compute';
import { SEGMENT_NAMES, SEGMENT_RULES, segmentOf } from './segments';

describe('RFM', () => {
  it('scores quintiles with ties kept together and independent of input order', () => {
    expect(quintileScores([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], true)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(quintileScores([5, 1, 1, 1, 1, 1, 1, 1, 1, 9], true)).toEqual([5, 1, 1, 1, 1, 1, 1, 1, 1, 5]);
    expect(quintileScores([10, 1, 3], false)).toEqual([1, 4, 2]); // recency: smaller is better
    const xs = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
    const s = quintileScores(xs, true);
    const rev = quintileScores([...xs].reverse(), true).reverse();
    expect(rev).toEqual(s);
  });

  it('every (R, F, M) cell has exactly one segment, all ten are reachable', () => {
    const seen = new Set<string>();
    for (let r = 1; r <= 5; r++)
      for (let f = 1; f <= 5; f++) for (let m = 1; m <= 5; m++) seen.add(segmentOf(r, f, m));
    expect([...seen].sort()).toEqual([...SEGMENT_NAMES].sort());
    expect(SEGMENT_RULES).toHaveLength(10);
    expect(segmentOf(5, 5, 5)).toBe('Champions');
    expect(segmentOf(1, 5, 5)).toBe('Cannot Lose');
    expect(segmentOf(5, 1, 1)).toBe('New');
    expect(segmentOf(1, 1, 1)).toBe('Lost');
  });

  it('excludes orders outside the booked scope (drafts, cancelled) and guests, subtracts returns, ignores orders from the reference date on', () => {
    const o = (
      customerId: number,
      orderId: number,
      orderDate: string,
      netCents: number,
      extra: Partial<RfmOrder> = {},
    ): RfmOrder => ({
      customerId,
      orderId,
      orderDate,
      netCents,
      kind: 'SALE',
      booked: true,
      isGuest: false,
      ...extra,
    });
    const rows = computeRfm(
      [
        o(1, 1, '2026-01-01', 10_000),
        o(1, 2, '2026-01-20', 5_000),
        o(1, 3, '2026-01-25', -2_000, { kind: 'RETURN' }), // a return: not a purchase, reduces monetary
        o(1, 4, '2026-01-28', 99_999, { booked: false }), // a draft or cancelled order: ignored
        o(1, 5, '2026-02-01', 77_777), // on the reference date: outside
        o(2, 6, '2026-01-30', 1_234),
        o(3, 7, '2026-01-30', 50_000, { isGuest: true }),
        o(4, 8, '2026-01-10', -500, { kind: 'RETURN' }), // only a return: not scored
      ],
      '2026-02-01',
    );
    expect(rows.map((r) => [r.customerId, r.recencyDays, r.frequency, r.monetary, r.lastPurchase])).toEqual([
      [1, 12, 2, 130, '2026-01-20'],
      [2, 2, 1, 12.34, '2026-01-30'],
    ]);
  });
});
