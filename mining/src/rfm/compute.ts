import { segmentOf, type SegmentName } from './segments';

/** One order as RFM sees it (order-level sums of the warehouse lines). */
export interface RfmOrder {
  customerId: number;
  orderId: number;
  kind: 'SALE' | 'RETURN';
  /** In the semantic model's BOOKED scope (confirmed, shipped or delivered): drafts and cancelled orders are not revenue. */
  booked: boolean;
  isGuest: boolean;
  /** UTC calendar day of the order, YYYY-MM-DD. */
  orderDate: string;
  /** Signed net amount of the order in cents (RETURN negative), as the fact lines sum it. */
  netCents: number;
}

export interface RfmRow {
  customerId: number;
  lastPurchase: string;
  recencyDays: number;
  frequency: number;
  /** Net revenue in currency units (cents / 100, exact to the cent). */
  monetary: number;
  rScore: number;
  fScore: number;
  mScore: number;
  /** e.g. "545" */
  cell: string;
  segment: SegmentName;
}

const DAY = 86_400_000;
export const epochDay = (isoDate: string) =>
  Math.floor(Date.parse(`${isoDate.slice(0, 10)}T00:00:00Z`) / DAY);
export const isoDay = (epoch: number) => new Date(epoch * DAY).toISOString().slice(0, 10);

/** The default reference date: the day after the latest order date among `dates`. */
export function defaultReferenceDate(lastOrderDate: string): string {
  return isoDay(epochDay(lastOrderDate) + 1);
}

/**
 * Quintile score 1–5 from ranks, ties deterministic: score = 1 + floor(5 × w / n) where w is the
 * number of customers strictly worse than this one. Equal values always get the same score (no
 * split of a tie by id), and the result does not depend on the input order. In SQL:
 * 1 + floor(5 × (rank() OVER (ORDER BY value [DESC for recency]) − 1) / n).
 */
export function quintileScores(values: readonly number[], higherIsBetter: boolean): number[] {
  const n = values.length;
  const order = values
    .map((v, i) => [v, i] as const)
    .sort((a, b) => (higherIsBetter ? a[0] - b[0] : b[0] - a[0]));
  const scores = new Array<number>(n);
  let worse = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0 && order[i]![0] !== order[i - 1]![0]) worse = i;
    scores[order[i]![1]] = 1 + Math.floor((5 * worse) / n);
  }
  return scores;
}

/**
 * RFM per customer at `referenceDate` (exclusive: orders dated on or after it are ignored):
 *  - guests are left out, and so are orders outside the BOOKED scope (drafts and cancelled orders of any kind);
 *  - recency  = referenceDate − date of the last SALE order, in days;
 *  - frequency = number of distinct SALE orders;
 *  - monetary = net revenue = SALE lines minus RETURN lines (the facts are signed), to the cent;
 *  - a customer is scored only with at least one SALE order (someone with only returns has no recency).
 * Returns one row per customer, by customer id.
 */
export function computeRfm(orders: Iterable<RfmOrder>, referenceDate: string): RfmRow[] {
  const ref = epochDay(referenceDate);
  const acc = new Map<number, { last: number; orders: Set<number>; cents: number }>();
  for (const o of orders) {
    if (o.isGuest || !o.booked) continue;
    const day = epochDay(o.orderDate);
    if (day >= ref) continue;
    let a = acc.get(o.customerId);
    if (!a) acc.set(o.customerId, (a = { last: -Infinity, orders: new Set(), cents: 0 }));
    a.cents += o.netCents;
    if (o.kind === 'SALE') {
      a.orders.add(o.orderId);
      if (day > a.last) a.last = day;
    }
  }
  const ids = [...acc.keys()].filter((id) => acc.get(id)!.orders.size > 0).sort((x, y) => x - y);
  const recency = ids.map((id) => ref - acc.get(id)!.last);
  const frequency = ids.map((id) => acc.get(id)!.orders.size);
  const cents = ids.map((id) => acc.get(id)!.cents);
  const r = quintileScores(recency, false);
  const f = quintileScores(frequency, true);
  const m = quintileScores(cents, true);
  return ids.map((customerId, i) => ({
    customerId,
    lastPurchase: isoDay(acc.get(customerId)!.last),
    recencyDays: recency[i]!,
    frequency: frequency[i]!,
    monetary: cents[i]! / 100,
    rScore: r[i]!,
    fScore: f[i]!,
    mScore: m[i]!,
    cell: `${r[i]}${f[i]}${m[i]}`,
    segment: segmentOf(r[i]!, f[i]!, m[i]!),
  }));
}

/** Parses a numeric string with at most two decimals ("-12.30") into integer cents, exactly. */
export function toCents(s: string | number): number {
  const v = typeof s === 'number' ? s : Number(s);
  return Math.round(v * 100);
}
