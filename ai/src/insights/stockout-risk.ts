import { addDays } from '@erp/semantic/dates';
import { round1, round2, type Fact } from '../facts';
import { DEFAULT_LEAD_TIME_DAYS, DEFAULT_SAFETY_DAYS, n, num, supplyByProduct, type Ctx } from './context';

const isoOfKey = (k: unknown) => {
  const s = String(k);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
};

/**
 * Stock-out risk: days of cover (available stock over the daily units sold in the 90 days up to the
 * snapshot, or the as-of date if earlier) against the supplier's lead time, per product × warehouse.
 * Stock is read at the latest snapshot up to the period's end (the latest of all for the current period).
 */
export async function stockoutRisks(ctx: Ctx): Promise<Fact[]> {
  const p = ctx.period;
  const current = !ctx.calendar.asOf || p.range.to >= ctx.calendar.asOf;
  const [snap] = await ctx.q(`SELECT max(snapshot_date_key) AS k FROM dw.fact_inventory_snapshot ${current ? '' : 'WHERE snapshot_date_key <= $1::int'}`, current ? [] : [Number(p.range.to.replaceAll('-', ''))]);
  if (!snap?.k) return [];
  const snapshotDate = isoOfKey(snap.k);
  const end = ctx.calendar.asOf && ctx.calendar.asOf < snapshotDate ? ctx.calendar.asOf : snapshotDate;
  const window = { from: addDays(end, -89), to: end };
  const dims = ['product.product', 'warehouse.warehouse'];
  const stockQuery = { measures: ['stockAvailable', 'stockOnHand'], dimensions: dims, time: { from: snapshotDate, to: snapshotDate }, limit: 10_000 };
  const [stock, sold] = await Promise.all([ctx.olap(stockQuery), ctx.olap({ measures: ['units', 'revenue'], dimensions: dims, time: window, limit: 10_000 })]);
  const soldBy = new Map(sold.rows.map((r) => [`${r.members[0]!.key}|${r.members[1]!.key}`, { units: num(r.values[0]!.value) ?? 0, net: num(r.values[1]!.value) ?? 0 }]));
  const refs = await ctx.q(
    `SELECT 'P' AS t, sku AS code, product_id AS id, name FROM dw.dim_product WHERE is_current AND sku = ANY($1::text[])
     UNION ALL SELECT 'W', code, warehouse_id, name FROM dw.dim_warehouse WHERE code = ANY($2::text[])`,
    [[...new Set(stock.rows.map((r) => r.members[0]!.key))], [...new Set(stock.rows.map((r) => r.members[1]!.key))]],
  );
  const ref = new Map(refs.map((r) => [`${r.t}|${r.code}`, { id: Number(r.id), name: String(r.name) }]));
  const supplies = await supplyByProduct(ctx);
  const safetyDays = ctx.opts.safetyDays ?? DEFAULT_SAFETY_DAYS;
  const defaultLead = ctx.opts.defaultLeadTimeDays ?? DEFAULT_LEAD_TIME_DAYS;
  const facts: Fact[] = [];
  for (const r of stock.rows) {
    const [sku, wh] = [r.members[0]!.key!, r.members[1]!.key!];
    const s = soldBy.get(`${sku}|${wh}`);
    if (!s || s.units <= 0) continue;
    const daily = s.units / 90;
    const available = n(r.values[0]!.value);
    const cover = round1(Math.max(available, 0) / daily);
    const product = ref.get(`P|${sku}`);
    const warehouse = ref.get(`W|${wh}`);
    const supply = product ? supplies.get(product.id) : undefined;
    const lead = supply?.leadTimeDays ?? supply?.supplierAvgLeadTime ?? defaultLead;
    const leadSource = supply?.leadTimeDays != null ? 'supply' : supply?.supplierAvgLeadTime != null ? 'supplier average' : 'default';
    if (cover >= lead + safetyDays) continue;
    const safetyStock = Math.ceil(daily * safetyDays);
    const need = Math.ceil(daily * lead) + safetyStock - available;
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
        available,
        onHand: n(r.values[1]!.value),
        sold90: s.units,
        dailyDemand: round2(daily),
        leadTimeDays: lead,
        leadTimeSource: leadSource,
        safetyDays,
        safetyStock,
        reorderQuantity: quantity,
        supplier: supply?.supplierId ? { type: 'supplier', id: supply.supplierId, code: supply.supplierCode, label: supply.supplierName } : null,
        gapDays: round1(gapDays),
      },
      query: { olap: { ...stockQuery, filters: [{ level: 'product.product', members: [sku] }, { level: 'warehouse.warehouse', members: [wh] }] } },
      atStakeEur: (s.net / 90) * gapDays,
      impact: 0,
    });
  }
  return facts.sort((a, b) => a.value - b.value || a.id.localeCompare(b.id));
}
