import type { OlapInput } from '@erp/semantic';
import { pctChange, round2, type Fact, type RecordRef } from '../facts';
import { addMonths } from '@erp/semantic';
import { cents, customerIds, miningRuns, n, num, type Ctx } from './context';

/**
 * Unusual orders of the period: mining's anomalies when present (its Isolation Forest scores),
 * otherwise a z-score on order amounts over the 12 months up to the period's end. Order amounts are
 * the semantic model's revenue of each booked sales order; the mean is its average order value.
 */
export async function unusualOrders(ctx: Ctx): Promise<Fact[]> {
  const p = ctx.period;
  const window = { from: addMonths(p.range.from, -(12 - p.months)), to: p.range.to };
  const sales = { level: 'orderKind.kind', members: ['SALE'] };
  const mean =
    num((await ctx.olap({ measures: ['averageBasket'], filters: [sales], time: window })).totals[0]!.value) ??
    0;
  const [run] = await miningRuns(ctx, 1);
  // mining keeps only the orders its Isolation Forest ranks as anomalies, best first
  const ranked =
    run === undefined
      ? []
      : await ctx.q(
          `SELECT order_number, order_id, score FROM mining.anomalies WHERE run_id = $1 ORDER BY rank LIMIT 200`,
          [run],
        );
  let candidates: { number: string; score: number; id?: number }[];
  let method: 'mining' | 'z-score';
  let sd = 0;
  if (ranked.length) {
    method = 'mining';
    candidates = ranked.map((r) => ({
      number: String(r.order_number),
      score: n(r.score),
      id: Number(r.order_id),
    }));
  } else {
    method = 'z-score';
    ctx.notes.push('unusual orders: no mining anomalies, z-score on order amounts over 12 months');
    const all = await ctx.olap({
      measures: ['revenue'],
      dimensions: ['order.number'],
      filters: [sales],
      time: window,
      limit: 10_000,
    });
    if (all.truncated)
      ctx.notes.push(`unusual orders: z-score over the first 10,000 of ${all.rowCount} orders`);
    const amounts = all.rows.map((r) => num(r.values[0]!.value) ?? 0);
    const m = amounts.reduce((a, b) => a + b, 0) / Math.max(amounts.length, 1);
    sd = Math.sqrt(amounts.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(amounts.length, 1));
    const z = ctx.opts.zThreshold ?? 3;
    candidates = all.rows
      .map((r) => ({ number: r.members[0]!.key!, score: sd ? ((num(r.values[0]!.value) ?? 0) - m) / sd : 0 }))
      .filter((c) => Math.abs(c.score) > z)
      .sort((a, b) => Math.abs(b.score) - Math.abs(a.score) || a.number.localeCompare(b.number));
  }
  if (!candidates.length) return [];
  // The candidates ordered in the period, with their amount, customer and order date (an order is dated by one day).
  const query: OlapInput = {
    measures: ['revenue'],
    dimensions: ['order.number', 'geography.customer', 'date.day'],
    filters: [sales, { level: 'order.number', members: candidates.map((c) => c.number).slice(0, 500) }],
    time: p.range,
    limit: 10_000,
  };
  const inPeriod = await ctx.olap(query);
  const score = new Map(candidates.map((c) => [c.number, c.score]));
  const idOf = new Map(candidates.map((c) => [c.number, c.id]));
  const customers = await customerIds(
    ctx,
    inPeriod.rows.map((r) => r.members[1]!.key ?? ''),
  );
  return inPeriod.rows
    .map((r) => ({ r, s: score.get(r.members[0]!.key!) ?? 0 }))
    .sort((a, b) => Math.abs(b.s) - Math.abs(a.s) || a.r.members[0]!.key!.localeCompare(b.r.members[0]!.key!))
    .slice(0, 10)
    .map(({ r, s }) => {
      const number = r.members[0]!.key!;
      const amount = cents(r.values[0]!.value) / 100;
      const day = r.members[2]?.key ?? null;
      return {
        id: `unusual-order:${number}`,
        kind: 'unusual-order' as const,
        subject: { type: 'order', id: idOf.get(number), code: number },
        value: amount,
        comparison: round2(mean),
        delta: round2(amount - mean),
        deltaPct: pctChange(amount, mean),
        unit: ctx.currency,
        period: p.range,
        details: {
          method,
          score: round2(s),
          orderDate: day,
          customer: {
            type: 'customer',
            id: customers.get(r.members[1]!.key ?? ''),
            code: r.members[1]!.key ?? '',
            label: r.members[1]!.label ?? '',
          } satisfies RecordRef,
          sd: round2(sd),
        },
        query: { olap: query },
        atStakeEur: amount - mean,
        impact: 0,
      };
    });
}
