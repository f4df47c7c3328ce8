import type { Fact } from '../facts';
import { addMonths, lookupMembersById } from '@erp/semantic';
import { cents, miningRuns, type Ctx } from './context';

const RISKY_SEGMENTS = ['At Risk', 'Cannot Lose', 'Hibernating', 'Lost'];

/** RFM segment movements between mining's last two runs; a slipped customer's 12-month revenue from the semantic layer. */
export async function rfmMovements(ctx: Ctx): Promise<Fact[]> {
  const [latest, previous] = await miningRuns(ctx, 2);
  if (latest === undefined || previous === undefined) {
    ctx.notes.push('RFM movements: fewer than two mining runs to compare');
    return [];
  }
  const moves = await ctx.q(
    `SELECT cur.customer_id, prev.segment AS from_segment, cur.segment AS to_segment
       FROM mining.rfm cur JOIN mining.rfm prev ON prev.customer_id = cur.customer_id AND prev.run_id = $2
      WHERE cur.run_id = $1 AND prev.segment IS DISTINCT FROM cur.segment
      ORDER BY cur.customer_id`,
    [latest, previous],
  );
  const customers = await lookupMembersById(
    ctx.pool,
    'geography.customer',
    moves.map((r) => Number(r.customer_id)),
  );
  const rows = moves.map((r) => {
    const customer = customers.get(Number(r.customer_id));
    return {
      customer_id: Number(r.customer_id),
      from_segment: String(r.from_segment),
      to_segment: String(r.to_segment),
      code: customer?.code ?? null,
      name: customer?.name ?? null,
    };
  });
  if (!rows.length) return [];
  const window = {
    from: addMonths(ctx.period.range.from, -(12 - ctx.period.months)),
    to: ctx.period.range.to,
  };
  const slippedRows = rows.filter(
    (r) =>
      RISKY_SEGMENTS.includes(String(r.to_segment)) &&
      !RISKY_SEGMENTS.includes(String(r.from_segment)) &&
      r.code,
  );
  const query = {
    measures: ['revenue'],
    dimensions: ['geography.customer'],
    filters: [{ level: 'geography.customer', members: slippedRows.map((r) => String(r.code)) }],
    time: window,
    limit: 10_000,
  };
  const revenue = slippedRows.length
    ? new Map((await ctx.olap(query)).rows.map((r) => [r.members[0]!.key, cents(r.values[0]!.value) / 100]))
    : new Map<string | null, number>();
  const transitions = new Map<string, number>();
  for (const r of rows)
    transitions.set(
      `${r.from_segment} → ${r.to_segment}`,
      (transitions.get(`${r.from_segment} → ${r.to_segment}`) ?? 0) + 1,
    );
  const slipped = slippedRows
    .map((r) => ({
      id: Number(r.customer_id),
      code: String(r.code),
      name: String(r.name),
      from: String(r.from_segment),
      to: String(r.to_segment),
      revenue12: revenue.get(String(r.code)) ?? 0,
    }))
    .sort((a, b) => b.revenue12 - a.revenue12 || a.id - b.id);
  return [
    {
      id: 'rfm-movement',
      kind: 'rfm-movement',
      subject: { type: 'company' },
      value: slipped.length,
      comparison: rows.length,
      delta: null,
      deltaPct: null,
      unit: 'customers',
      period: ctx.period.range,
      details: {
        moved: rows.length,
        transitions: [...transitions]
          .map(([t, count]) => ({ transition: t, count }))
          .sort((a, b) => b.count - a.count),
        slipped,
      },
      // the published query is the population the 12-month revenues come from (no customer named in it)
      query: { olap: { measures: ['revenue'], dimensions: ['geography.customer'], time: window } },
      atStakeEur: slipped.reduce((a, s) => a + s.revenue12, 0),
      impact: 0,
    },
  ];
}
