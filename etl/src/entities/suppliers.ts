import type { Tx } from '@erp/kit';
import { EtlSuppliersDocument, type EtlSuppliersQuery } from '@erp/sdk';
import { checksum, ensureDates, replaceFacts, upsertDimension, type PageCounts } from '../load';
import { keysetPages, stagedEntity, type LoadContext } from './spec';

type SupplierNode = EtlSuppliersQuery['suppliers']['edges'][number]['node'];
export const suppliers = stagedEntity<SupplierNode>({
  name: 'suppliers',
  tables: ['staging.suppliers', 'dw.dim_supplier', 'dw.dim_date', 'dw.fact_supplier_evaluation'],
  // Read whole every run: a new evaluation or supply does not touch the supplier's updatedAt, so a
  // watermark would miss it. The list is small and unchanged rows are skipped by checksum.
  watermark: false,
  ...keysetPages(EtlSuppliersDocument, 'suppliers', (r) => r.suppliers),
  staging: { table: 'suppliers', keyCol: 'supplier_id', checksum: supplierChecksum },
  async loadChanged(tx, todo, ctx, counts) {
    counts.written += await upsertDimension(
      tx,
      {
        table: 'dim_supplier',
        idCol: 'supplier_id',
        types: {
          code: 'text',
          name: 'text',
          city: 'text',
          country_code: 'text',
          status: 'text',
          products_supplied: 'integer',
          preferred_products: 'integer',
          avg_lead_time_days: 'numeric',
        },
        inferable: true,
      },
      todo.map((s) => ({
        supplier_id: Number(s.id),
        code: s.code,
        name: s.name,
        city: s.city,
        country_code: s.countryCode,
        status: s.status,
        products_supplied: s.supplies.length,
        preferred_products: s.supplies.filter((x) => x.isPreferred).length,
        avg_lead_time_days: s.supplies.length
          ? (s.supplies.reduce((a, x) => a + x.leadTimeDays, 0) / s.supplies.length).toFixed(2)
          : null,
      })),
    );
    await loadEvaluations(tx, todo, ctx, counts);
    counts.written += await mainSuppliers(tx, todo);
  },
});

/** The changed suppliers' monthly evaluations, upserted into fact_supplier_evaluation; months gone are deleted. */
async function loadEvaluations(
  tx: Tx,
  todo: SupplierNode[],
  ctx: LoadContext,
  counts: PageCounts,
): Promise<void> {
  const evals = todo.flatMap((s) =>
    s.evaluations.map((e) => ({
      supplier_id: Number(s.id),
      period_start: e.periodStart,
      deliveries: e.deliveries,
      on_time_deliveries: e.onTimeDeliveries,
      quality_score: e.qualityScore,
      price_score: e.priceScore,
    })),
  );
  counts.written += await ensureDates(
    tx,
    evals.map((e) => e.period_start),
  );
  await replaceFacts(tx, counts, {
    fact: 'fact_supplier_evaluation',
    upsert: UPSERT_EVALUATIONS,
    rows: evals,
    runId: ctx.runId,
    parentCol: 'supplier_id',
    parentIds: todo.map((s) => Number(s.id)),
    kept: `EXISTS (SELECT 1 FROM jsonb_to_recordset($2::jsonb) AS s(supplier_id integer, period_start date)
                     WHERE s.supplier_id = f.supplier_id AND s.period_start = f.period_start)`,
    keptParams: [JSON.stringify(evals)],
  });
}

const UPSERT_EVALUATIONS = `INSERT INTO dw.fact_supplier_evaluation AS f (supplier_id, period_start, supplier_key, month_date_key, deliveries, on_time_deliveries,
         late_deliveries, on_time_rate, quality_score, price_score, run_id)
       SELECT s.supplier_id, s.period_start, d.supplier_key, to_char(s.period_start, 'YYYYMMDD')::int, s.deliveries, s.on_time_deliveries,
              s.deliveries - s.on_time_deliveries, CASE WHEN s.deliveries > 0 THEN round(100.0 * s.on_time_deliveries / s.deliveries, 2) END,
              s.quality_score, s.price_score, $2
       FROM jsonb_to_recordset($1::jsonb) AS s(supplier_id integer, period_start date, deliveries integer, on_time_deliveries integer,
            quality_score numeric, price_score numeric)
       JOIN dw.dim_supplier d ON d.supplier_id = s.supplier_id
       ON CONFLICT (supplier_id, period_start) DO UPDATE SET supplier_key = excluded.supplier_key, deliveries = excluded.deliveries,
         on_time_deliveries = excluded.on_time_deliveries, late_deliveries = excluded.late_deliveries, on_time_rate = excluded.on_time_rate,
         quality_score = excluded.quality_score, price_score = excluded.price_score, run_id = excluded.run_id
       WHERE (f.supplier_key, f.deliveries, f.on_time_deliveries, f.quality_score, f.price_score)
         IS DISTINCT FROM (excluded.supplier_key, excluded.deliveries, excluded.on_time_deliveries, excluded.quality_score, excluded.price_score)`;

/**
 * A product's main supplier — the one rule every reader takes it from (the model's supplier level,
 * the stock-out insight, its reorder recommendation): among the supplies of active suppliers, the
 * preferred one, else the shortest lead time (a supply without one takes its supplier's average),
 * else the lowest supplier id. The row keeps that supply's lead time and minimum order quantity.
 * Recomputed for the products the changed suppliers supply or were main for; staging holds the
 * other suppliers' last version.
 */
async function mainSuppliers(tx: Tx, todo: SupplierNode[]): Promise<number> {
  const supplierIds = todo.map((s) => Number(s.id));
  const affected = await tx.query<{ product_id: number }>(
    `SELECT (x->'product'->>'id')::int AS product_id FROM staging.suppliers st, jsonb_array_elements(st.payload->'supplies') x
      WHERE st.supplier_id = ANY($1::int[])
     UNION SELECT product_id FROM dw.product_main_supplier WHERE supplier_id = ANY($1::int[])`,
    [supplierIds],
  );
  const products = affected.rows.map((r) => r.product_id);
  if (!products.length) return 0;
  const r = await tx.query(
    `WITH s AS (SELECT st.supplier_id, (x->'product'->>'id')::int AS product_id, COALESCE((x->>'isPreferred')::boolean, false) AS preferred,
                       (x->>'leadTimeDays')::numeric AS lead, ds.avg_lead_time_days AS avg_lead, (x->>'minOrderQuantity')::int AS moq
                  FROM staging.suppliers st
                  JOIN dw.dim_supplier ds ON ds.supplier_id = st.supplier_id AND ds.status <> 'INACTIVE',
                       jsonb_array_elements(st.payload->'supplies') x),
          best AS (SELECT DISTINCT ON (product_id) product_id, supplier_id, COALESCE(lead, avg_lead) AS lead_time_days,
                          CASE WHEN lead IS NOT NULL THEN 'supply' WHEN avg_lead IS NOT NULL THEN 'supplier average' END AS lead_time_source,
                          GREATEST(COALESCE(moq, 1), 1) AS min_order_quantity
                     FROM s WHERE product_id = ANY($1::int[])
                    ORDER BY product_id, preferred DESC, COALESCE(lead, avg_lead) NULLS LAST, supplier_id)
     INSERT INTO dw.product_main_supplier AS m (product_id, supplier_id, lead_time_days, lead_time_source, min_order_quantity)
     SELECT product_id, supplier_id, lead_time_days, lead_time_source, min_order_quantity FROM best
     ON CONFLICT (product_id) DO UPDATE SET supplier_id = excluded.supplier_id, lead_time_days = excluded.lead_time_days,
       lead_time_source = excluded.lead_time_source, min_order_quantity = excluded.min_order_quantity
     WHERE (m.supplier_id, m.lead_time_days, m.lead_time_source, m.min_order_quantity)
       IS DISTINCT FROM (excluded.supplier_id, excluded.lead_time_days, excluded.lead_time_source, excluded.min_order_quantity)`,
    [products],
  );
  // No active supplier supplies it any more: no main supplier.
  const gone = await tx.query(
    `DELETE FROM dw.product_main_supplier m WHERE m.product_id = ANY($1::int[])
       AND NOT EXISTS (SELECT 1 FROM staging.suppliers st
                         JOIN dw.dim_supplier ds ON ds.supplier_id = st.supplier_id AND ds.status <> 'INACTIVE',
                              jsonb_array_elements(st.payload->'supplies') x
                        WHERE (x->'product'->>'id')::int = m.product_id)`,
    [products],
  );
  return (r.rowCount ?? 0) + (gone.rowCount ?? 0);
}

/** What identifies a supplier's content: its attributes, its supplies and its evaluations, in a stable order. */
function supplierChecksum(s: SupplierNode): string {
  const supplies = [...s.supplies]
    .sort((a, b) => Number(a.product.id) - Number(b.product.id))
    .map((x) => [x.product.id, x.leadTimeDays, x.unitCost, x.minOrderQuantity, x.isPreferred]);
  const evaluations = [...s.evaluations]
    .sort((a, b) => a.periodStart.localeCompare(b.periodStart))
    .map((e) => [e.periodStart, e.deliveries, e.onTimeDeliveries, e.qualityScore, e.priceScore]);
  return checksum([s.code, s.name, s.city, s.countryCode, s.status, supplies, evaluations]);
}
