import type { Fact } from '../facts';
import { round2 } from '../facts';
import { addMonths, lookupMembers, monthEnd } from '@erp/semantic';
import { cents, n, num, type Ctx } from './context';

/**
 * Supplier deterioration: the semantic model's on-time rate over the last 3 months of the period
 * against the 3 months before (the same measure and definition as every screen).
 */
export async function supplierDeterioration(ctx: Ctx): Promise<Fact[]> {
  const endMonth = `${ctx.period.range.to.slice(0, 7)}-01`;
  const recent = { from: addMonths(endMonth, -2), to: monthEnd(endMonth) };
  const before = { from: addMonths(endMonth, -5), to: monthEnd(addMonths(endMonth, -3)) };
  const query = {
    measures: ['supplierOnTimeRate', 'supplierDeliveries', 'supplierLateDeliveries'],
    dimensions: ['supplier.supplier'],
    time: recent,
    compare: 'PREVIOUS_PERIOD' as const,
    limit: 10_000,
  };
  const r = await ctx.olap(query);
  const drop = ctx.opts.supplierDropPoints ?? 5;
  const bad = r.rows
    .map((row) => ({ row, now: num(row.values[0]!.value), was: num(row.values[0]!.compared) }))
    .filter((x) => x.now !== null && x.was !== null && x.was - x.now >= drop);
  if (!bad.length) return [];
  const suppliers = await lookupMembers(
    ctx.pool,
    'supplier.supplier',
    bad.map((b) => b.row.members[0]!.key!),
  );
  const facts: Fact[] = [];
  for (const { row, now, was } of bad) {
    const code = row.members[0]!.key!;
    const id = suppliers.get(code)?.id;
    // The revenue of the products it is the main supplier of: the model's revenue by supplier.
    const supplied =
      cents(
        (
          await ctx.olap({
            measures: ['revenue'],
            filters: [{ level: 'supplier.supplier', members: [code] }],
            time: ctx.period.range,
          })
        ).totals[0]!.value,
      ) / 100;
    facts.push({
      id: `supplier-deterioration:${code}`,
      kind: 'supplier-deterioration',
      subject: { type: 'supplier', id, code, label: row.members[0]!.label ?? code },
      value: now!,
      comparison: was!,
      delta: round2(now! - was!),
      deltaPct: null,
      unit: '%',
      period: recent,
      comparisonPeriod: before,
      details: {
        deliveries: n(row.values[1]!.value),
        previousDeliveries: n(row.values[1]!.compared),
        lateDeliveries: n(row.values[2]!.value),
        suppliedRevenue: supplied,
      },
      query: { olap: { ...query, filters: [{ level: 'supplier.supplier', members: [code] }] } },
      atStakeEur: ((was! - now!) / 100) * supplied,
      impact: 0,
    });
  }
  return facts;
}
