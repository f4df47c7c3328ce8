import { EtlStockLevelsDocument, type EtlStockLevelsQuery } from '@erp/sdk';
import {
  checksum,
  countStaged,
  emptyCounts,
  ensureDates,
  inferMembers,
  stage,
  type StagedRow,
} from '../load';
import { connectionPage, defineEntity } from './spec';

type StockNode = EtlStockLevelsQuery['stockLevels']['edges'][number]['node'];
export const stock = defineEntity<StockNode>({
  name: 'stock',
  tables: [
    'staging.stock_levels',
    'dw.dim_date',
    'dw.dim_product',
    'dw.dim_warehouse',
    'dw.fact_inventory_snapshot',
  ],
  watermark: false,
  async fetch(api, first, after) {
    // Units on order come from the suppliers subgraph: when it cannot answer, the stock (the
    // catalog's) is still read, and the load keeps each level's last known units on order.
    const r = await api
      .query(EtlStockLevelsDocument, { first, after }, 'stock levels')
      .catch(() => api.query(EtlStockLevelsDocument, { first, after, withOnOrder: false }, 'stock levels'));
    return connectionPage(r.stockLevels);
  },
  async load(tx, nodes, ctx) {
    const counts = emptyCounts();
    const rows: StagedRow[] = nodes.map((s) => ({
      key: [Number(s.product.id), Number(s.warehouse.id)],
      payload: s,
      checksum: checksum([s.onHand, s.reserved, s.reorderPoint, s.onOrder]),
      updatedAt: s.updatedAt,
    }));
    countStaged(counts, await stage(tx, 'stock_levels', ['product_id', 'warehouse_id'], rows, ctx.runId));
    counts.written += await ensureDates(tx, [ctx.snapshotDate]);
    counts.written += await inferMembers(tx, {
      products: nodes.map((s) => Number(s.product.id)),
      warehouses: nodes.map((s) => Number(s.warehouse.id)),
    });
    // The snapshot of the run's date: every stock row, upserted (a rerun the same day changes nothing).
    const r = await tx.query(
      `INSERT INTO dw.fact_inventory_snapshot AS f (snapshot_date_key, product_id, warehouse_id, product_key, warehouse_key, on_hand, reserved,
         available, reorder_point, is_low, unit_cost, stock_value, run_id, on_order)
       SELECT to_char($2::date, 'YYYYMMDD')::int, s.product_id, s.warehouse_id, p.product_key, w.warehouse_key, s.on_hand, s.reserved,
              s.on_hand - s.reserved, s.reorder_point, s.on_hand - s.reserved <= s.reorder_point, p.unit_cost, round(s.on_hand * p.unit_cost, 2), $3,
              coalesce(s.on_order, (SELECT prev.on_order FROM dw.fact_inventory_snapshot prev WHERE prev.product_id = s.product_id AND prev.warehouse_id = s.warehouse_id
                                      AND prev.snapshot_date_key <= to_char($2::date, 'YYYYMMDD')::int ORDER BY prev.snapshot_date_key DESC LIMIT 1), 0)
       FROM jsonb_to_recordset($1::jsonb) AS s(product_id integer, warehouse_id integer, on_hand integer, reserved integer, reorder_point integer, on_order integer)
       JOIN dw.dim_product p ON p.product_id = s.product_id AND p.is_current
       JOIN dw.dim_warehouse w ON w.warehouse_id = s.warehouse_id
       ON CONFLICT (snapshot_date_key, product_id, warehouse_id) DO UPDATE SET product_key = excluded.product_key, warehouse_key = excluded.warehouse_key,
         on_hand = excluded.on_hand, reserved = excluded.reserved, available = excluded.available, reorder_point = excluded.reorder_point,
         is_low = excluded.is_low, unit_cost = excluded.unit_cost, stock_value = excluded.stock_value, run_id = excluded.run_id, on_order = excluded.on_order
       WHERE (f.product_key, f.warehouse_key, f.on_hand, f.reserved, f.reorder_point, f.unit_cost, f.on_order)
         IS DISTINCT FROM (excluded.product_key, excluded.warehouse_key, excluded.on_hand, excluded.reserved, excluded.reorder_point, excluded.unit_cost, excluded.on_order)`,
      [
        JSON.stringify(
          nodes.map((s) => ({
            product_id: Number(s.product.id),
            warehouse_id: Number(s.warehouse.id),
            on_hand: s.onHand,
            reserved: s.reserved,
            reorder_point: s.reorderPoint,
            on_order: s.onOrder ?? null,
          })),
        ),
        ctx.snapshotDate,
        ctx.runId,
      ],
    );
    counts.written += r.rowCount ?? 0;
    return counts;
  },
});
