import { prepared } from '@erp/kit';
import type pg from 'pg';

/**
 * Units on order, the one definition: what is still open (ordered − received, never below 0) on the
 * lines of purchase orders SENT or PARTIALLY_RECEIVED, per product and receiving warehouse. Product.
 * unitsOnOrder, StockLevel.onOrder (hence the warehouse's snapshot and the model's unitsOnOrder) and
 * the replenishment suggestions all read it here.
 */
export async function openUnitsByProductAndWarehouse(
  pool: pg.Pool | pg.PoolClient,
  productIds: readonly number[],
) {
  const { rows } = await pool.query<{ productId: number; warehouseId: number; n: number }>(
    prepared(
      `SELECT l.product_id AS "productId", po.warehouse_id AS "warehouseId", sum(greatest(l.quantity - l.received_quantity, 0))::int AS n
       FROM suppliers.purchase_order_lines l JOIN suppliers.purchase_orders po ON po.id = l.purchase_order_id
       WHERE l.product_id = ANY($1) AND po.status IN ('SENT', 'PARTIALLY_RECEIVED') GROUP BY 1, 2`,
      [productIds],
    ),
  );
  return rows;
}
