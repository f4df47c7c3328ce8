import { median } from '../stats';

/** One SALE order (not cancelled) with the sums the warehouse gives. */
export interface OrderRecord {
  orderId: number;
  orderNumber: string;
  customerId: number;
  /** ms since epoch */
  orderedAt: number;
  netAmount: number;
  lines: number;
  units: number;
  avgDiscount: number;
  maxDiscount: number;
  /** max over the lines of |ln(unit price / list price)| (0 when the list price is unknown). */
  priceDeviation: number;
}

export const FEATURES = [
  'amount',
  'lines',
  'units',
  'avgDiscount',
  'discountExcess',
  'basketDeviation',
  'priceDeviation',
  'burst',
] as const;
export type Feature = (typeof FEATURES)[number];
export type FeatureVector = Record<Feature, number>;

export const FEATURE_DOC: Record<Feature, string> = {
  amount: 'ln(1 + net amount of the order)',
  lines: 'number of lines',
  units: 'ln(1 + units ordered)',
  avgDiscount: 'mean line discount (0..1)',
  discountExcess:
    "max(0, mean line discount − the customer's median of it): discount above the customer's habit",
  basketDeviation:
    "ln((1 + amount) / (1 + the customer's median order amount)): how far from the customer's own basket",
  priceDeviation: 'largest |ln(unit price / list price)| over the lines',
  burst:
    "max(0, ln(orders of the customer within ±24 h / max(1, what the customer's own order rate predicts for 48 h)))",
};

const HOUR = 3_600_000;

/** The feature vector of every order (same order as the input). */
export function orderFeatures(orders: readonly OrderRecord[]): FeatureVector[] {
  const byCustomer = new Map<number, number[]>();
  orders.forEach((o, i) => {
    let list = byCustomer.get(o.customerId);
    if (!list) byCustomer.set(o.customerId, (list = []));
    list.push(i);
  });
  const basket = new Float64Array(orders.length);
  const discount = new Float64Array(orders.length);
  const burst = new Float64Array(orders.length);
  for (const idx of byCustomer.values()) {
    const med = median(idx.map((i) => orders[i]!.netAmount));
    const medDiscount = median(idx.map((i) => orders[i]!.avgDiscount));
    idx.sort((a, b) => orders[a]!.orderedAt - orders[b]!.orderedAt || a - b);
    const first = orders[idx[0]!]!.orderedAt;
    const last = orders[idx[idx.length - 1]!]!.orderedAt;
    const spanDays = Math.max(1, (last - first) / (24 * HOUR));
    const expected = Math.max(1, (idx.length / spanDays) * 2);
    let lo = 0;
    let hi = 0;
    for (let p = 0; p < idx.length; p++) {
      const t = orders[idx[p]!]!.orderedAt;
      while (orders[idx[lo]!]!.orderedAt < t - 24 * HOUR) lo++;
      while (hi + 1 < idx.length && orders[idx[hi + 1]!]!.orderedAt <= t + 24 * HOUR) hi++;
      burst[idx[p]!] = Math.max(0, Math.log((hi - lo + 1) / expected));
      discount[idx[p]!] = Math.max(0, orders[idx[p]!]!.avgDiscount - medDiscount);
      basket[idx[p]!] = Math.log((1 + Math.max(0, orders[idx[p]!]!.netAmount)) / (1 + Math.max(0, med)));
    }
  }
  return orders.map((o, i) => ({
    amount: Math.log1p(Math.max(0, o.netAmount)),
    lines: o.lines,
    units: Math.log1p(Math.max(0, o.units)),
    avgDiscount: o.avgDiscount,
    discountExcess: discount[i]!,
    basketDeviation: basket[i]!,
    priceDeviation: o.priceDeviation,
    burst: burst[i]!,
  }));
}
