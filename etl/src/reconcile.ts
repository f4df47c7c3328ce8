import type pg from 'pg';
import { EtlPurchasingTotalsDocument, EtlSourceTotalsDocument } from '@erp/sdk';
import type { EtlApi } from './api';

export interface Check {
  measure: string;
  source: string;
  warehouse: string;
  ok: boolean;
}
export interface Reconciliation {
  ok: boolean;
  checks: Check[];
  /** Measures not checked, and why (an entity failed or was not part of the run). */
  skipped: string[];
  mismatches: string[];
}

/** Exact comparison of two decimals given as strings (or integers). */
function sameNumber(a: string | number, b: string | number): boolean {
  const norm = (v: string | number) => {
    const s = String(v).trim();
    const neg = s.startsWith('-');
    const [i = '0', f = ''] = s.replace(/^[-+]/, '').split('.');
    const int = i.replace(/^0+(?=\d)/, '');
    const frac = f.replace(/0+$/, '');
    const body = frac ? `${int}.${frac}` : int;
    return body === '0' ? '0' : (neg ? '-' : '') + body;
  };
  return norm(a) === norm(b);
}

/**
 * Source totals (EtlSourceTotals: computed by the owning subgraphs in SQL) against the same totals
 * computed in the warehouse: orders, lines, units, net revenue overall and per status (sales), and
 * stock on hand / reserved per warehouse (the run's inventory snapshot), and purchasing: purchase
 * orders, lines, units and value ordered overall and per status, receipts, units and value received,
 * receipts on time (the purchase facts).
 */
export async function reconcile(
  api: EtlApi,
  dwh: pg.Pool,
  opts: { sales: boolean; stock: boolean; purchases?: boolean; snapshotDate: string; skippedWhy: string[] },
): Promise<Reconciliation> {
  const checks: Check[] = [];
  const skipped = [...opts.skippedWhy];
  const add = (measure: string, source: string | number, warehouse: string | number) =>
    checks.push({
      measure,
      source: String(source),
      warehouse: String(warehouse),
      ok: sameNumber(source, warehouse),
    });
  // The source's totals are asked at once: each is a scan of the OLTP's facts, computed by its subgraph.
  const sourceTotals = opts.sales || opts.stock ? api.execute(EtlSourceTotalsDocument, {}) : null;
  sourceTotals?.catch(() => undefined); // reported when awaited; not at all if the purchases' check throws first
  if (opts.purchases) await reconcilePurchases(api, dwh, add, skipped);
  if (!sourceTotals) return finish(checks, skipped);

  const r = await sourceTotals;
  if (opts.sales) {
    const s = r.data?.salesTotals;
    if (!s)
      skipped.push(
        `sales totals unavailable from the API (${r.errors.map((e) => e.message).join('; ') || 'no data'})`,
      );
    else {
      const { rows } = await dwh.query<{ orders: number; lines: number; units: string; net: string }>(
        `SELECT (SELECT count(*) FROM staging.orders)::int AS orders, count(*)::int AS lines,
                coalesce(sum(quantity), 0)::text AS units, coalesce(sum(net_amount), 0)::text AS net FROM dw.fact_sales`,
      );
      const w = rows[0]!;
      add('orders', s.orders, w.orders);
      add('order lines', s.lines, w.lines);
      add('units', s.units, w.units);
      add('net revenue', s.netRevenue, w.net);
      const per = await dwh.query<{ status: string; orders: number; net: string }>(
        // one pass over staging and one over the fact, not one per status
        `SELECT st.status, coalesce(o.orders, 0)::int AS orders, coalesce(f.net, 0)::text AS net
           FROM dw.dim_order_status st
           LEFT JOIN (SELECT payload->>'status' AS status, count(*) AS orders FROM staging.orders GROUP BY 1) o ON o.status = st.status
           LEFT JOIN (SELECT status_key, sum(net_amount) AS net FROM dw.fact_sales GROUP BY 1) f ON f.status_key = st.status_key`,
      );
      const byStatus = new Map(per.rows.map((x) => [x.status, x]));
      for (const b of s.byStatus) {
        const x = byStatus.get(b.status);
        add(`orders ${b.status}`, b.orders, x?.orders ?? 0);
        add(`net revenue ${b.status}`, b.netRevenue, x?.net ?? '0');
      }
    }
  }
  if (opts.stock) {
    const t = r.data?.stockTotals;
    if (!t)
      skipped.push(
        `stock totals unavailable from the API (${r.errors.map((e) => e.message).join('; ') || 'no data'})`,
      );
    else {
      const { rows } = await dwh.query<{ warehouse_id: number; on_hand: string; reserved: string }>(
        `SELECT warehouse_id, sum(on_hand)::text AS on_hand, sum(reserved)::text AS reserved FROM dw.fact_inventory_snapshot
         WHERE snapshot_date_key = to_char($1::date, 'YYYYMMDD')::int GROUP BY warehouse_id`,
        [opts.snapshotDate],
      );
      const byWh = new Map(rows.map((x) => [x.warehouse_id, x]));
      for (const w of t) {
        const x = byWh.get(Number(w.warehouse.id));
        add(`stock on hand ${w.warehouse.code}`, w.onHand, x?.on_hand ?? 0);
        add(`stock reserved ${w.warehouse.code}`, w.reserved, x?.reserved ?? 0);
      }
    }
  }
  return finish(checks, skipped);
}

function finish(checks: Check[], skipped: string[]): Reconciliation {
  const mismatches = checks
    .filter((c) => !c.ok)
    .map((c) => `${c.measure}: source ${c.source}, warehouse ${c.warehouse}`);
  return { ok: mismatches.length === 0, checks, skipped, mismatches };
}

async function reconcilePurchases(
  api: EtlApi,
  dwh: pg.Pool,
  add: (measure: string, source: string | number, warehouse: string | number) => void,
  skipped: string[],
): Promise<void> {
  const r = await api.execute(EtlPurchasingTotalsDocument, {});
  const t = r.data?.purchasingTotals;
  if (!t) {
    skipped.push(
      `purchasing totals unavailable from the API (${r.errors.map((e) => e.message).join('; ') || 'no data'})`,
    );
    return;
  }
  const { rows } = await dwh.query<
    Record<
      | 'orders'
      | 'lines'
      | 'ordered_qty'
      | 'ordered_amount'
      | 'receipts'
      | 'received_qty'
      | 'received_amount'
      | 'on_time',
      string
    >
  >(
    `SELECT (SELECT count(*) FROM staging.purchase_orders)::text AS orders, count(*)::text AS lines,
            coalesce(sum(ordered_qty), 0)::text AS ordered_qty, coalesce(sum(ordered_amount), 0)::text AS ordered_amount,
            (SELECT count(*) FROM dw.fact_purchase_receipt)::text AS receipts, (SELECT coalesce(sum(quantity), 0) FROM dw.fact_purchase_receipt)::text AS received_qty,
            (SELECT coalesce(sum(amount), 0) FROM dw.fact_purchase_receipt)::text AS received_amount,
            (SELECT count(*) FILTER (WHERE is_on_time) FROM dw.fact_purchase_receipt)::text AS on_time
       FROM dw.fact_purchase`,
  );
  const w = rows[0]!;
  add('purchase orders', t.orders, w.orders);
  add('purchase order lines', t.lines, w.lines);
  add('units ordered from suppliers', t.orderedQuantity, w.ordered_qty);
  add('purchase value', t.orderedAmount, w.ordered_amount);
  add('receipts', t.receipts, w.receipts);
  add('units received', t.receivedQuantity, w.received_qty);
  add('receipts value', t.receivedAmount, w.received_amount);
  add('receipts on time', t.onTimeReceipts, w.on_time);
  const per = await dwh.query<{ status: string; orders: string; amount: string }>(
    `SELECT o.payload->>'status' AS status, count(*)::text AS orders, coalesce(sum(f.amount), 0)::text AS amount
       FROM staging.purchase_orders o
       LEFT JOIN (SELECT purchase_order_id, sum(ordered_amount) AS amount FROM dw.fact_purchase GROUP BY 1) f USING (purchase_order_id)
      GROUP BY 1`,
  );
  const byStatus = new Map(per.rows.map((x) => [x.status, x]));
  for (const b of t.byStatus) {
    add(`purchase orders ${b.status}`, b.orders, byStatus.get(b.status)?.orders ?? 0);
    add(`purchase value ${b.status}`, b.orderedAmount, byStatus.get(b.status)?.amount ?? '0');
  }
}
