import { ValidationError } from '@erp/kit';
import { parseId, qualifiedColumns } from '@erp/kit/graphql';
import type { SuppliersContext } from '../context';
import { PURCHASE_ORDER_STATUSES } from '../db/schema/constants';
import type { ReplenishmentRow, SupplyRow } from '../rows';
import { SUPPLY_COLUMNS } from '../rows';
import { RECEIPT_FROM } from '../rows-purchasing';
import { openUnitsByProductAndWarehouse } from './on-order';

function instant(field: string, value: unknown): Date | null {
  if (value == null) return null;
  const d = new Date(String(value));
  if (Number.isNaN(d.getTime())) throw new ValidationError(field, value, 'is not a date-time');
  return d;
}

/**
 * A supplier's delivery performance measured from its receipts received in [from, to). The one
 * definition of on time (received date ≤ the line's expected date) is stored per receipt; these are
 * its sums. Fill rate: over the lines with a receipt in the window, min(received, ordered) / ordered.
 */
export async function supplierPerformance(
  ctx: SuppliersContext,
  supplierId: number,
  args: { from?: unknown; to?: unknown },
) {
  const from = instant('from', args.from);
  const to = instant('to', args.to);
  if (from && to && from > to) throw new ValidationError('to', args.to, 'must not be before from');
  const { rows } = await ctx.pool.query<{
    receiptCount: number;
    onTimeReceiptCount: number;
    averageLeadTimeDays: number | null;
    averageDelayDays: number | null;
    receivedQuantity: number;
    fillRate: number | null;
  }>(
    `WITH w AS (SELECT r.*, l.quantity AS ordered, l.received_quantity AS line_received FROM ${RECEIPT_FROM}
                WHERE po.supplier_id = $1 AND ($2::timestamptz IS NULL OR r.received_at >= $2) AND ($3::timestamptz IS NULL OR r.received_at < $3)),
     lines AS (SELECT DISTINCT line_id, ordered, line_received FROM w)
     SELECT count(*)::int AS "receiptCount", count(*) FILTER (WHERE on_time)::int AS "onTimeReceiptCount",
       round(avg(lead_time_days), 2)::float8 AS "averageLeadTimeDays",
       round(avg(delay_days) FILTER (WHERE delay_days > 0), 2)::float8 AS "averageDelayDays",
       coalesce(sum(quantity), 0)::int AS "receivedQuantity",
       (SELECT round(100.0 * sum(least(line_received, ordered)) / nullif(sum(ordered), 0), 2)::float8 FROM lines) AS "fillRate"
     FROM w`,
    [supplierId, from, to],
  );
  const p = rows[0]!;
  return {
    ...p,
    onTimeRate: p.receiptCount ? Math.round((10_000 * p.onTimeReceiptCount) / p.receiptCount) / 100 : null,
  };
}

/** Source totals of all purchase orders and receipts, exact (PostgreSQL numeric), for reconciling the warehouse. */
export async function purchasingTotals(ctx: SuppliersContext) {
  const { rows } = await ctx.pool.query<{
    status: string;
    orders: number;
    lines: number;
    orderedQuantity: number;
    orderedAmount: string;
  }>(
    `SELECT po.status, count(DISTINCT po.id)::int AS orders, count(l.id)::int AS lines, coalesce(sum(l.quantity), 0)::int AS "orderedQuantity",
       coalesce(sum(round(l.quantity * l.unit_cost, 2)), 0)::text AS "orderedAmount"
     FROM suppliers.purchase_orders po LEFT JOIN suppliers.purchase_order_lines l ON l.purchase_order_id = po.id GROUP BY po.status`,
  );
  const rec = await ctx.pool.query<{
    receipts: number;
    receivedQuantity: number;
    receivedAmount: string;
    onTimeReceipts: number;
  }>(
    `SELECT count(*)::int AS receipts, coalesce(sum(r.quantity), 0)::int AS "receivedQuantity",
       coalesce(sum(round(r.quantity * l.unit_cost, 2)), 0)::text AS "receivedAmount", count(*) FILTER (WHERE r.on_time)::int AS "onTimeReceipts"
     FROM suppliers.purchase_receipts r JOIN suppliers.purchase_order_lines l ON l.id = r.line_id`,
  );
  const byStatus = PURCHASE_ORDER_STATUSES.map((status) => {
    const s = rows.find((r) => r.status === status);
    return {
      status,
      orders: s?.orders ?? 0,
      orderedAmount: s?.orderedAmount ?? '0',
      lines: s?.lines ?? 0,
      orderedQuantity: s?.orderedQuantity ?? 0,
    };
  });
  // Decimal sums as exact strings: summed by PostgreSQL once more rather than in floating point.
  const amount = await ctx.pool.query<{ a: string }>(
    `SELECT coalesce(sum(x), 0)::text AS a FROM unnest($1::numeric[]) x`,
    [byStatus.map((s) => s.orderedAmount)],
  );
  return {
    orders: byStatus.reduce((s, b) => s + b.orders, 0),
    lines: byStatus.reduce((s, b) => s + b.lines, 0),
    orderedQuantity: byStatus.reduce((s, b) => s + b.orderedQuantity, 0),
    orderedAmount: amount.rows[0]!.a,
    ...rec.rows[0]!,
    byStatus: byStatus.map(({ status, orders, orderedAmount }) => ({ status, orders, orderedAmount })),
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

function intIn(field: string, value: unknown, lo: number, hi: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi)
    throw new ValidationError(field, value, `must be a whole number from ${lo} to ${hi}`);
  return value;
}

/**
 * Reorder proposals: for each product a supplier offers (the preferred offer, else the cheapest)
 * and each warehouse that shipped it in the window, cover needed over the measured lead time
 * (quoted without receipt) plus safety days, against on hand − reserved + on order.
 */
export async function replenishmentSuggestions(
  ctx: SuppliersContext,
  args: {
    warehouseId?: unknown;
    supplierId?: unknown;
    demandDays?: unknown;
    safetyDays?: unknown;
    first?: unknown;
  },
  now = new Date(),
): Promise<ReplenishmentRow[]> {
  const warehouseId = args.warehouseId == null ? null : parseId('warehouseId', args.warehouseId);
  const supplierId = args.supplierId == null ? null : parseId('supplierId', args.supplierId);
  const demandDays = intIn('demandDays', args.demandDays ?? 90, 7, 365);
  const safetyDays = intIn('safetyDays', args.safetyDays ?? 7, 0, 90);
  const first = intIn('first', args.first ?? 50, 1, 500);
  const offers = await ctx.pool.query<SupplyRow>(
    `SELECT DISTINCT ON (s.product_id) ${qualifiedColumns(SUPPLY_COLUMNS, 's')} FROM suppliers.product_supplies s
     JOIN suppliers.suppliers sp ON sp.id = s.supplier_id AND sp.status = 'ACTIVE'
     WHERE ($1::int IS NULL OR s.supplier_id = $1) ORDER BY s.product_id, s.is_preferred DESC, s.unit_cost, s.supplier_id`,
    [supplierId],
  );
  if (!offers.rows.length) return [];
  const offerOf = new Map(offers.rows.map((o) => [o.productId, o]));
  const since = new Date(now.getTime() - demandDays * 86_400_000).toISOString();
  const demand = await ctx.stock().demand(ctx.identity, since, [...offerOf.keys()], warehouseId);
  const measured = await ctx.pool.query<{ supplierId: number; productId: number; days: number }>(
    `SELECT po.supplier_id AS "supplierId", l.product_id AS "productId", avg(r.lead_time_days)::float8 AS days FROM ${RECEIPT_FROM}
     WHERE l.product_id = ANY($1) GROUP BY 1, 2`,
    [[...offerOf.keys()]],
  );
  const lead = new Map(measured.rows.map((m) => [`${m.supplierId}:${m.productId}`, m.days]));
  const onOrder = await openUnitsByProductAndWarehouse(ctx.pool, [...offerOf.keys()]);
  const ordered = new Map(onOrder.map((o) => [`${o.productId}:${o.warehouseId}`, o.n]));
  const out: ReplenishmentRow[] = [];
  for (const d of demand) {
    const supply = offerOf.get(d.productId);
    if (!supply || d.shipped <= 0) continue;
    const dailyDemand = d.shipped / demandDays;
    const measuredDays = lead.get(`${supply.supplierId}:${d.productId}`);
    const leadTimeDays = measuredDays ?? supply.leadTimeDays;
    const coverNeeded = Math.ceil(dailyDemand * (leadTimeDays + safetyDays));
    const onOrderQty = ordered.get(`${d.productId}:${d.warehouseId}`) ?? 0;
    const projected = d.onHand - d.reserved + onOrderQty;
    if (projected >= coverNeeded) continue;
    const moq = supply.minOrderQuantity;
    const suggestedQuantity = Math.ceil((coverNeeded - projected) / moq) * moq;
    out.push({
      productId: d.productId,
      warehouseId: d.warehouseId,
      supply,
      dailyDemand: round2(dailyDemand),
      leadTimeDays: round2(leadTimeDays),
      leadTimeSource: measuredDays === undefined ? 'QUOTED' : 'MEASURED',
      safetyDays,
      onHand: d.onHand,
      reserved: d.reserved,
      onOrder: onOrderQty,
      projected,
      coverNeeded,
      suggestedQuantity,
      amount: (Math.round(suggestedQuantity * Number(supply.unitCost) * 100) / 100).toFixed(2),
    });
  }
  // Most urgent first: the fewest days of cover left.
  return out
    .sort(
      (a, b) =>
        a.projected / Math.max(a.dailyDemand, 1e-9) - b.projected / Math.max(b.dailyDemand, 1e-9) ||
        a.productId - b.productId,
    )
    .slice(0, first);
}
