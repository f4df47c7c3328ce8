import { pctChange, round2, type Fact } from '../facts';
import { addMonths, monthEnd, monthsOf } from '@erp/semantic';
import { cents, type Ctx } from './context';

/** Least squares on t = 0..n-1; returns the prediction for t = n and the residual σ (n − 2 dof). */
export function trendForecast(ys: number[]): { predicted: number; sigma: number } {
  const k = ys.length;
  const tm = (k - 1) / 2;
  const ym = ys.reduce((a, b) => a + b, 0) / k;
  let sxy = 0;
  let sxx = 0;
  ys.forEach((y, t) => {
    sxy += (t - tm) * (y - ym);
    sxx += (t - tm) ** 2;
  });
  const slope = sxx ? sxy / sxx : 0;
  const at = (t: number) => ym + slope * (t - tm);
  const sse = ys.reduce((a, y, t) => a + (y - at(t)) ** 2, 0);
  // A σ floor of 1 % of the mean level keeps a perfectly straight history from flagging cents.
  const sigma = Math.max(Math.sqrt(sse / Math.max(k - 2, 1)), Math.abs(ym) * 0.01, 0.01);
  return { predicted: at(k), sigma };
}

/** Trend breaks: a month deviating more than 2σ from the linear trend of the 6 months before it. */
export async function trendBreaks(ctx: Ctx): Promise<Fact[]> {
  const p = ctx.period;
  const from = addMonths(p.range.from, -6);
  const query = {
    measures: ['revenue'],
    time: { from, to: p.range.to, granularity: 'MONTH' as const },
    limit: 1000,
  };
  const r = await ctx.olap(query);
  const byMonth = new Map(r.rows.map((row) => [row.members[0]!.key!, cents(row.values[0]!.value) / 100]));
  // Months before the first sale or after the as-of date have no data: not a break.
  const first = ctx.calendar.firstDate?.slice(0, 7) ?? null;
  const last = ctx.calendar.asOf?.slice(0, 7) ?? null;
  const months = monthsOf({ from, to: p.range.to });
  const facts: Fact[] = [];
  for (let i = 6; i < months.length; i++) {
    const trailing = months.slice(i - 6, i);
    if (!first || trailing[0]! < first) continue;
    if (last && months[i]! > last) continue;
    const ys = trailing.map((m) => byMonth.get(m) ?? 0);
    const { predicted, sigma } = trendForecast(ys);
    const actual = byMonth.get(months[i]!) ?? 0;
    const z = (actual - predicted) / sigma;
    if (Math.abs(z) <= 2) continue;
    const month = months[i]!;
    facts.push({
      id: `trend-break:${month}`,
      kind: 'trend-break',
      subject: { type: 'company' },
      value: actual,
      comparison: round2(predicted),
      delta: round2(actual - predicted),
      deltaPct: pctChange(actual, predicted),
      unit: ctx.currency,
      period: { from: `${month}-01`, to: monthEnd(`${month}-01`) },
      details: {
        month,
        sigma: round2(sigma),
        z: round2(z),
        trailing: trailing.map((m, j) => ({ month: m, revenue: ys[j] })),
      },
      query: { olap: query },
      atStakeEur: actual - predicted,
      impact: 0,
    });
  }
  return facts;
}
