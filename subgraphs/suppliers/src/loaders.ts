import { byIdLoader, groupedLoader } from '@erp/kit/graphql';
import DataLoader from 'dataloader';
import type pg from 'pg';
import {
  CONTACT_COLUMNS,
  EVALUATION_COLUMNS,
  SUPPLIER_COLUMNS,
  SUPPLY_COLUMNS,
  type ContactRow,
  type EvaluationRow,
  type SupplierRow,
  type SupplyRow,
  type PurchaseOrderLineRow,
  type PurchaseOrderRow,
  type PurchaseReceiptRow,
} from './rows';
import type { PurchaseOrderStatus } from './db/schema/constants';
import { LINE_COLUMNS, PO_COLUMNS, RECEIPT_COLUMNS, RECEIPT_FROM } from './rows-purchasing';
import { openUnitsByProductAndWarehouse } from './services/on-order';

export interface StatusChangeRow {
  purchaseOrderId: number;
  fromStatus: PurchaseOrderStatus | null;
  toStatus: PurchaseOrderStatus;
  changedBy: number | null;
  changedAt: string;
  note: string | null;
}

export function createLoaders(pool: pg.Pool) {
  return {
    supplier: byIdLoader<SupplierRow>(
      pool,
      `SELECT ${SUPPLIER_COLUMNS} FROM suppliers.suppliers WHERE id = ANY($1)`,
    ),
    contactsBySupplier: groupedLoader<number, ContactRow>(
      pool,
      `SELECT ${CONTACT_COLUMNS} FROM suppliers.contacts WHERE supplier_id = ANY($1) ORDER BY name, id`,
      (r) => r.supplierId,
    ),
    suppliesBySupplier: groupedLoader<number, SupplyRow>(
      pool,
      `SELECT ${SUPPLY_COLUMNS} FROM suppliers.product_supplies WHERE supplier_id = ANY($1) ORDER BY product_id`,
      (r) => r.supplierId,
    ),
    suppliesByProduct: groupedLoader<number, SupplyRow>(
      pool,
      `SELECT ${SUPPLY_COLUMNS} FROM suppliers.product_supplies WHERE product_id = ANY($1) ORDER BY is_preferred DESC, supplier_id`,
      (r) => r.productId,
    ),
    /** Every evaluation of the supplier, oldest first (about 12 rows a year): filtered in memory by period. */
    evaluationsBySupplier: groupedLoader<number, EvaluationRow>(
      pool,
      `SELECT ${EVALUATION_COLUMNS} FROM suppliers.evaluations WHERE supplier_id = ANY($1) ORDER BY period_start`,
      (r) => r.supplierId,
    ),
    purchaseOrder: byIdLoader<PurchaseOrderRow>(
      pool,
      `SELECT ${PO_COLUMNS} FROM suppliers.purchase_orders po WHERE po.id = ANY($1)`,
    ),
    linesByOrder: groupedLoader<number, PurchaseOrderLineRow>(
      pool,
      `SELECT ${LINE_COLUMNS} FROM suppliers.purchase_order_lines l JOIN suppliers.purchase_orders po ON po.id = l.purchase_order_id
       WHERE l.purchase_order_id = ANY($1) ORDER BY l.purchase_order_id, l.line_no`,
      (r) => r.purchaseOrderId,
    ),
    line: byIdLoader<PurchaseOrderLineRow>(
      pool,
      `SELECT ${LINE_COLUMNS} FROM suppliers.purchase_order_lines l JOIN suppliers.purchase_orders po ON po.id = l.purchase_order_id WHERE l.id = ANY($1)`,
    ),
    receiptsByOrder: groupedLoader<number, PurchaseReceiptRow>(
      pool,
      `SELECT ${RECEIPT_COLUMNS} FROM ${RECEIPT_FROM} WHERE r.purchase_order_id = ANY($1) ORDER BY r.id`,
      (r) => r.purchaseOrderId,
    ),
    receiptsByLine: groupedLoader<number, PurchaseReceiptRow>(
      pool,
      `SELECT ${RECEIPT_COLUMNS} FROM ${RECEIPT_FROM} WHERE r.line_id = ANY($1) ORDER BY r.id`,
      (r) => r.lineId,
    ),
    historyByOrder: groupedLoader<number, StatusChangeRow>(
      pool,
      `SELECT purchase_order_id AS "purchaseOrderId", from_status AS "fromStatus", to_status AS "toStatus", changed_by AS "changedBy", changed_at AS "changedAt", note
       FROM suppliers.purchase_order_history WHERE purchase_order_id = ANY($1) ORDER BY id`,
      (r) => r.purchaseOrderId,
    ),
    /** Receipts and on-time receipts per calendar month (UTC) of each supplier, oldest first: the scorecard's measured deliveries. */
    receiptMonthsBySupplier: groupedLoader<
      number,
      {
        supplierId: number;
        periodStart: string;
        receipts: number;
        onTime: number;
      }
    >(
      pool,
      `SELECT po.supplier_id AS "supplierId", date_trunc('month', r.received_at AT TIME ZONE 'UTC')::date::text AS "periodStart",
         count(r.id)::int AS receipts, count(r.id) FILTER (WHERE r.on_time)::int AS "onTime"
       FROM suppliers.purchase_receipts r JOIN suppliers.purchase_orders po ON po.id = r.purchase_order_id
       WHERE po.supplier_id = ANY($1) GROUP BY 1, 2 ORDER BY 1, 2`,
      (r) => r.supplierId,
    ),
    /** Open units of SENT and PARTIALLY_RECEIVED orders per product, every warehouse (0 when none). */
    unitsOnOrder: new DataLoader<number, number>(async (ids) => {
      const rows = await openUnitsByProductAndWarehouse(pool, ids);
      const map = new Map<number, number>();
      for (const r of rows) map.set(r.productId, (map.get(r.productId) ?? 0) + r.n);
      return ids.map((id) => map.get(id) ?? 0);
    }),
    /** The same open units per product and warehouse (key `productId:warehouseId`): StockLevel.onOrder. */
    unitsOnOrderAt: new DataLoader<string, number>(async (keys) => {
      const rows = await openUnitsByProductAndWarehouse(pool, [
        ...new Set(keys.map((k) => Number(k.split(':')[0]))),
      ]);
      const map = new Map(rows.map((r) => [`${r.productId}:${r.warehouseId}`, r.n]));
      return keys.map((k) => map.get(k) ?? 0);
    }),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
