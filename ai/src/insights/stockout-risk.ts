import { lookupMembers, mainSupplies } from '@erp/semantic';
import { round1, round2, type Fact } from '../facts';
import { DEFAULT_LEAD_TIME_DAYS, DEFAULT_SAFETY_DAYS, n, num, type Ctx } from './context';

/**
 * Stock-out risk: the model's days of cover (stock available over the daily units sold in the 90
 * days up to the snapshot or the as-of date) against the main supplier's lead time, per product ×
 * warehouse. Stock is read as every door reads it: at the latest snapshot for the current period,
 * at the last snapshot of the period for a past one.
 */
export async function stockoutRisks(ctx: Ctx): Promise<Fact[]> {
  const p = ctx.period;
  const current = !ctx.calendar.asOf || p.range.to >= ctx.calendar.asOf;
  const dims = ['product.product', 'warehouse.warehouse'];
  const stockQuery = {
    measures: ['daysOfCover', 'stockAvailable', 'stockOnHand', 'unitsSold90Days', 'revenue90Days'],
    dimensions: dims,
    ...(current ? {} : { time: { from: p.range.from, to: p.range.to } }),
    limit: 10_000,
  };
  const stock = await ctx.olap(stockQuery);
  const snapshotDate = stock.definition.snapshotDate ?? null;
  if (!snapshotDate) return [];
  const products = await lookupMembers(ctx.pool, 'product.product', [
    ...new Set(stock.rows.map((r) => r.members[0]!.key!)),
  ]);
  const warehouses = await lookupMembers(ctx.pool, 'warehouse.warehouse', [
    ...new Set(stock.rows.map((r) => r.members[1]!.key!)),
  ]);
  const supplies = await mainSupplies(ctx.pool);
  const safetyDays = ctx.opts.safetyDays ?? DEFAULT_SAFETY_DAYS;
  const defaultLead = ctx.opts.defaultLeadTimeDays ?? DEFAULT_LEAD_TIME_DAYS;
  const facts: Fact[] = [];
  for (const r of stock.rows) {
    const [cover, available, onHand, sold90, revenue90] = r.values.map((v) => num(v.value));
    // Nothing sold in the 90 days: no demand, no cover to speak of.
    if (cover === null || cover === undefined || !sold90 || sold90 <= 0) continue;
    const [sku, wh] = [r.members[0]!.key!, r.members[1]!.key!];
    const daily = sold90 / 90;
    const product = products.get(sku);
    const warehouse = warehouses.get(wh);
    const supply = product ? supplies.get(product.id) : undefined;
    const lead = supply?.leadTimeDays ?? defaultLead;
    const leadSource = supply?.leadTimeDays != null ? supply.leadTimeSource : 'default';
    if (cover >= lead + safetyDays) continue;
    const stockAvailable = n(available);
    const safetyStock = Math.ceil(daily * safetyDays);
    const need = Math.ceil(daily * lead) + safetyStock - stockAvailable;
    const moq = supply?.minOrderQuantity ?? 1;
    const quantity = Math.max(need, 0) === 0 ? 0 : Math.max(Math.ceil(need / moq) * moq, moq);
    const gapDays = Math.max(0, lead - cover);
    facts.push({
      id: `stockout-risk:${sku}:${wh}`,
      kind: 'stockout-risk',
      subject: { type: 'product', id: product?.id, code: sku, label: r.members[0]!.label ?? sku },
      value: cover,
      comparison: lead,
      delta: round1(cover - lead),
      deltaPct: null,
      unit: 'days',
      period: p.range,
      details: {
        warehouse: { type: 'warehouse', id: warehouse?.id, code: wh, label: r.members[1]!.label ?? wh },
        snapshotDate,
        available: stockAvailable,
        onHand: n(onHand),
        sold90,
        dailyDemand: round2(daily),
        leadTimeDays: lead,
        leadTimeSource: leadSource,
        safetyDays,
        safetyStock,
        reorderQuantity: quantity,
        supplier: supply
          ? { type: 'supplier', id: supply.supplierId, code: supply.supplierCode, label: supply.supplierName }
          : null,
        gapDays: round1(gapDays),
      },
      query: {
        olap: {
          ...stockQuery,
          filters: [
            { level: 'product.product', members: [sku] },
            { level: 'warehouse.warehouse', members: [wh] },
          ],
        },
      },
      atStakeEur: ((revenue90 ?? 0) / 90) * gapDays,
      impact: 0,
    });
  }
  return facts.sort((a, b) => a.value - b.value || a.id.localeCompare(b.id));
}
