import { round1, round2, type Fact } from '../facts';
import { cents, customerIds, type Ctx } from './context';

/** Concentration risk: the top-N customers' share of revenue and the HHI over customers. */
export async function concentration(ctx: Ctx): Promise<Fact[]> {
  const p = ctx.period;
  const topN = ctx.opts.topN ?? 5;
  const query = {
    measures: ['revenue'],
    dimensions: ['geography.customer'],
    time: p.range,
    compare: 'PREVIOUS_PERIOD' as const,
    order: [{ by: 'revenue', direction: 'DESC' as const }],
    limit: 10_000,
  };
  const r = await ctx.olap(query);
  const ids = await customerIds(
    ctx,
    r.rows.map((x) => x.members[0]!.key ?? ''),
  );
  const stats = (col: 'value' | 'compared') => {
    // Shares over customers with a positive net revenue (a customer with only returns has no share).
    const list = r.rows
      .map((row) => ({
        id: ids.get(row.members[0]!.key ?? '') ?? 0,
        code: row.members[0]!.key ?? '',
        name: row.members[0]!.label ?? '',
        revenue: cents(row.values[0]![col]) / 100,
      }))
      .filter((x) => x.revenue > 0);
    list.sort((a, b) => b.revenue - a.revenue || a.code.localeCompare(b.code));
    const total = list.reduce((a, x) => a + x.revenue, 0);
    if (!total) return null;
    const top = list.slice(0, topN);
    const topRevenue = top.reduce((a, x) => a + x.revenue, 0);
    const hhi = list.reduce((a, x) => a + ((100 * x.revenue) / total) ** 2, 0);
    return {
      total: round2(total),
      top,
      topRevenue: round2(topRevenue),
      topSharePct: round1((100 * topRevenue) / total),
      hhi: Math.round(hhi),
      customers: list.length,
    };
  };
  const cur = stats('value');
  if (!cur) return [];
  const prev = stats('compared');
  return [
    {
      id: 'concentration',
      kind: 'concentration',
      subject: { type: 'company' },
      value: cur.topSharePct,
      comparison: prev?.topSharePct ?? null,
      delta: prev ? round1(cur.topSharePct - prev.topSharePct) : null,
      deltaPct: null,
      unit: '%',
      period: p.range,
      comparisonPeriod: p.previous,
      details: {
        topN,
        hhi: cur.hhi,
        previousHhi: prev?.hhi ?? null,
        customers: cur.customers,
        topRevenue: cur.topRevenue,
        top: cur.top.map((x) => ({
          id: x.id,
          code: x.code,
          name: x.name,
          revenue: x.revenue,
          sharePct: round1((100 * x.revenue) / cur.total),
        })),
      },
      query: { olap: { ...query, limit: topN } },
      atStakeEur: (cur.top[0]?.revenue ?? 0) * 0.5,
      impact: 0,
    },
  ];
}
