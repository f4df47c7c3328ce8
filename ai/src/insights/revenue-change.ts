import type { OlapInput } from '@erp/semantic';
import { pctChange, round1, round2, type Driver, type Fact } from '../facts';
import { cents, customerIds, num, type Ctx } from './context';

/** The drivers of a change: by category, country and customer (the semantic model's levels). */
const DRIVERS = [
  { name: 'category', level: 'product.category' },
  { name: 'country', level: 'geography.country' },
  { name: 'customer', level: 'geography.customer' },
] as const;

/** Revenue and gross margin against the period before, with the drivers of the revenue change. */
export async function revenueChange(ctx: Ctx): Promise<{ revenue: number; facts: Fact[] }> {
  const p = ctx.period;
  const base: OlapInput = {
    measures: ['revenue', 'grossMargin', 'marginPct'],
    time: p.range,
    compare: 'PREVIOUS_PERIOD',
  };
  const total = await ctx.olap(base);
  const [rev, margin, pct] = total.totals;
  const cur = cents(rev!.value) / 100;
  const prev = cents(rev!.compared) / 100;
  const delta = (cents(rev!.value) - cents(rev!.compared)) / 100;
  const drivers: Record<string, Driver[]> = {};
  const driverQueries: Record<string, { olap: OlapInput }> = {};
  for (const d of DRIVERS) {
    const q: OlapInput = {
      measures: ['revenue'],
      dimensions: [d.level],
      time: p.range,
      compare: 'PREVIOUS_PERIOD',
      limit: 10_000,
    };
    driverQueries[d.name] = { olap: q };
    const r = await ctx.olap(q);
    const ids =
      d.name === 'customer'
        ? await customerIds(
            ctx,
            r.rows.map((x) => x.members[0]!.key ?? ''),
          )
        : null;
    drivers[d.name] = r.rows
      .map((row) => {
        const v = row.values[0]!;
        const key = row.members[0]!.key ?? '';
        const contribution = (cents(v.value) - cents(v.compared)) / 100;
        const id = ids?.get(key);
        return {
          key,
          label: row.members[0]!.label ?? key,
          current: cents(v.value) / 100,
          previous: cents(v.compared) / 100,
          contribution,
          sharePct: delta ? round1((100 * contribution) / delta) : null,
          ...(id !== undefined ? { id } : {}),
        };
      })
      .filter((x) => x.contribution !== 0 || x.current !== 0)
      .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.key.localeCompare(b.key));
  }
  if (cur === 0 && prev === 0) return { revenue: cur, facts: [] };
  const m = cents(margin!.value) / 100;
  const pm = cents(margin!.compared) / 100;
  const facts: Fact[] = [
    {
      id: 'revenue-change',
      kind: 'revenue-change',
      subject: { type: 'company' },
      value: cur,
      comparison: prev,
      delta,
      deltaPct: pctChange(cur, prev),
      unit: ctx.currency,
      period: p.range,
      comparisonPeriod: p.previous,
      details: { drivers, driverQueries },
      query: { olap: base },
      atStakeEur: delta,
      impact: 0,
    },
    {
      id: 'margin-change',
      kind: 'margin-change',
      subject: { type: 'company' },
      value: m,
      comparison: pm,
      delta: round2(m - pm),
      deltaPct: pctChange(m, pm),
      unit: ctx.currency,
      period: p.range,
      comparisonPeriod: p.previous,
      details: { marginPct: num(pct!.value), previousMarginPct: num(pct!.compared) },
      query: { olap: { ...base, measures: ['grossMargin', 'marginPct'] } },
      atStakeEur: m - pm,
      impact: 0,
    },
  ];
  return { revenue: cur, facts };
}
