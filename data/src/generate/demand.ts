import { MONTH_SEASONALITY, WEEKDAY_WEIGHT } from './reference';
import type { Rng } from './rng';
import { DAY, type AnomalyKind, type Calendar, type Customer } from './model';

/** How many orders each day gets: seasonality × weekday × 20 %/year growth × holidays, rounded so they add up. */
export function ordersPerDay(cal: Calendar, totalOrders: number): number[] {
  const dayW: number[] = [];
  for (let d = 0; d < cal.nDays; d++) {
    const t = cal.t0 + d * DAY;
    const date = new Date(t);
    const md = `${date.getUTCMonth() + 1}-${date.getUTCDate()}`;
    const holiday =
      md === '12-25' || md === '1-1' || md === '5-1' ? 0.05 : md === '12-24' || md === '12-31' ? 0.4 : 1;
    dayW.push(
      MONTH_SEASONALITY[date.getUTCMonth()]! *
        WEEKDAY_WEIGHT[date.getUTCDay()]! *
        Math.pow(1.2, d / 365) *
        holiday,
    );
  }
  const sumW = dayW.reduce((a, b) => a + b, 0);
  const dayCount: number[] = [];
  let cum = 0;
  let prev = 0;
  for (let d = 0; d < cal.nDays; d++) {
    cum += dayW[d]!;
    const c = Math.round((totalOrders * cum) / sumW);
    dayCount.push(c - prev);
    prev = c;
  }
  return dayCount;
}

export interface AnomalyPlan {
  /** Order slot (the n-th order of the run) → the anomaly planted there. */
  at: Map<number, AnomalyKind>;
  /** The customer behind the burst of orders. */
  burstCustomer: number;
  burstSize: number;
}

/** Where the planted anomalies go: a burst of orders from one small account, the rest spread apart. */
export function planAnomalies(
  rngA: Rng,
  cal: Calendar,
  totalOrders: number,
  customers: Customer[],
): AnomalyPlan {
  const { t0, end } = cal;
  const anomalyAt = new Map<number, AnomalyKind>();
  const lo = Math.floor(totalOrders * 0.08);
  const hi = Math.floor(totalOrders * 0.85);
  const plan: [AnomalyKind, number][] = [
    ['ABSURD_AMOUNT', 18],
    ['MANY_LINES', 4],
    ['EXTREME_DISCOUNT', 5],
    ['PRICE_OFF_LIST', 3],
  ];
  const burstSize = 8;
  const burstStart = rngA.int(Math.floor(totalOrders * 0.5), Math.floor(totalOrders * 0.7));
  for (let k = 0; k < burstSize; k++) anomalyAt.set(burstStart + k, 'ORDER_BURST');
  for (const [kind, n] of plan) {
    for (let k = 0; k < n;) {
      const slot = rngA.int(lo, hi);
      if (anomalyAt.has(slot) || anomalyAt.has(slot - 1) || anomalyAt.has(slot + 1)) continue;
      anomalyAt.set(slot, kind);
      k++;
    }
  }
  const burstMonth = cal.monthOf(t0 + ((end - t0) * burstStart) / totalOrders);
  const cands = customers
    .map((c, i) => ({ c, i }))
    .filter(
      ({ c }) =>
        c.seg === 1 && c.startMonth === 0 && c.endMonth === Infinity && c.freq < 1.5 && burstMonth >= 0,
    );
  const burstCustomer = cands.length ? rngA.pick(cands).i : 0;
  return { at: anomalyAt, burstCustomer, burstSize };
}
