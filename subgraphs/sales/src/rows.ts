import type { Connection } from '@erp/kit/graphql';
import type { carriers, orderLines, orderStatusHistory, orders } from './db/schema';
/** Database rows as the GraphQL layer sees them (camelCase, ids as numbers, money as strings): a table's row type is its drizzle schema's ($inferSelect), narrowed to the columns selected. */
/** Another domain's entity as an order knows it: its id only (customer, warehouse, product). */
export interface EntityRef {
  id: string | number;
}
export type OrderRow = Pick<
  typeof orders.$inferSelect,
  | 'id'
  | 'number'
  | 'kind'
  | 'status'
  | 'customerId'
  | 'salesRepId'
  | 'warehouseId'
  | 'currency'
  | 'orderedAt'
  | 'confirmedAt'
  | 'shippedAt'
  | 'deliveredAt'
  | 'cancelledAt'
  | 'notes'
  | 'carrierId'
  | 'shipToName'
  | 'shipToAddress'
  | 'shipToPostalCode'
  | 'shipToCityId'
  | 'createdAt'
  | 'updatedAt'
>;
export type CarrierRow = Pick<typeof carriers.$inferSelect, 'id' | 'code' | 'name' | 'phone'>;
export type OrderLineRow = Pick<
  typeof orderLines.$inferSelect,
  'id' | 'orderId' | 'lineNo' | 'productId' | 'quantity' | 'unitPrice' | 'discount' | 'taxRate'
> & {
  /** round(quantity × unit_price × (1 − discount), 2), computed by PostgreSQL in numeric. */
  netAmount: string;
  /** round(netAmount × tax_rate, 2). */
  taxAmount: string;
  grossAmount: string;
};
export type StatusChangeRow = Pick<
  typeof orderStatusHistory.$inferSelect,
  'orderId' | 'fromStatus' | 'toStatus' | 'changedBy' | 'changedAt' | 'note'
>;

/** The order columns, qualified by a table alias. */
export const orderColumns = (a: string) =>
  `${a}.id, ${a}.number, ${a}.kind, ${a}.status, ${a}.customer_id AS "customerId", ${a}.sales_rep_id AS "salesRepId",
   ${a}.warehouse_id AS "warehouseId", ${a}.currency, ${a}.ordered_at AS "orderedAt", ${a}.confirmed_at AS "confirmedAt",
   ${a}.shipped_at AS "shippedAt", ${a}.delivered_at AS "deliveredAt", ${a}.cancelled_at AS "cancelledAt", ${a}.notes,
   ${a}.carrier_id AS "carrierId", ${a}.ship_to_name AS "shipToName", ${a}.ship_to_address AS "shipToAddress",
   ${a}.ship_to_postal_code AS "shipToPostalCode", ${a}.ship_to_city_id AS "shipToCityId",
   ${a}.created_at AS "createdAt", ${a}.updated_at AS "updatedAt"`;
export const ORDER_COLUMNS = orderColumns('o');

/** Lines with their amounts, computed exactly in numeric and rounded to the cent line by line. */
export const LINE_SELECT = `SELECT l.id, l.order_id AS "orderId", l.line_no AS "lineNo", l.product_id AS "productId", l.quantity,
    l.unit_price AS "unitPrice", l.discount, l.tax_rate AS "taxRate",
    n.net AS "netAmount", t.tax AS "taxAmount", n.net + t.tax AS "grossAmount"
  FROM sales.order_lines l
  CROSS JOIN LATERAL (SELECT round(l.quantity * l.unit_price * (1 - l.discount), 2) AS net) n
  CROSS JOIN LATERAL (SELECT round(n.net * l.tax_rate, 2) AS tax) t`;

export const HISTORY_COLUMNS = `order_id AS "orderId", from_status AS "fromStatus", to_status AS "toStatus", changed_by AS "changedBy",
  changed_at AS "changedAt", note`;

/** A page of order rows as the list services return it (totalCount counted only when asked). */
export type OrderPage = Connection<OrderRow>;
