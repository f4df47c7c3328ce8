import type { Connection } from '@erp/kit/graphql';
import type {
  categories,
  products,
  stockLevels,
  stockMovements,
  stockReservations,
  warehouses,
} from './db/schema';
/** Database rows as the GraphQL layer sees them (camelCase, ids as numbers, money as strings): a table's row type is its drizzle schema's ($inferSelect), narrowed to the columns selected. */
export type CategoryRow = Pick<
  typeof categories.$inferSelect,
  'id' | 'code' | 'name' | 'parentId' | 'taxRate'
>;
export type ProductRow = Pick<
  typeof products.$inferSelect,
  'id' | 'sku' | 'name' | 'categoryId' | 'listPrice' | 'unitCost' | 'status' | 'createdAt' | 'updatedAt'
> & {
  /** Units on hand and available (on hand − reserved) over every warehouse, when loaded with the product. */
  totalOnHand?: number;
  totalAvailable?: number;
};
export type WarehouseRow = Pick<
  typeof warehouses.$inferSelect,
  'id' | 'code' | 'name' | 'city' | 'countryCode'
>;
export type StockLevelRow = Pick<
  typeof stockLevels.$inferSelect,
  'productId' | 'warehouseId' | 'onHand' | 'reserved' | 'reorderPoint' | 'updatedAt'
>;
export type StockMovementRow = Pick<
  typeof stockMovements.$inferSelect,
  'id' | 'productId' | 'warehouseId' | 'kind' | 'quantity' | 'reference' | 'note' | 'occurredAt'
>;
export type ReservationRow = Pick<
  typeof stockReservations.$inferSelect,
  'orderId' | 'reference' | 'productId' | 'warehouseId' | 'quantity' | 'status'
>;

export const CATEGORY_COLUMNS = `id, code, name, parent_id AS "parentId", tax_rate AS "taxRate"`;
export const PRODUCT_COLUMNS = `id, sku, name, category_id AS "categoryId", list_price AS "listPrice", unit_cost AS "unitCost", status, created_at AS "createdAt", updated_at AS "updatedAt"`;
export const WAREHOUSE_COLUMNS = `id, code, name, city, country_code AS "countryCode"`;
export const STOCK_COLUMNS = `product_id AS "productId", warehouse_id AS "warehouseId", on_hand AS "onHand", reserved, reorder_point AS "reorderPoint", updated_at AS "updatedAt"`;
export const MOVEMENT_COLUMNS = `id, product_id AS "productId", warehouse_id AS "warehouseId", kind, quantity, reference, note, occurred_at AS "occurredAt"`;
export const RESERVATION_COLUMNS = `order_id AS "orderId", reference, product_id AS "productId", warehouse_id AS "warehouseId", quantity, status`;

/** A page of product rows as the list services return it (totalCount counted only when asked). */
export type ProductPage = Connection<ProductRow>;

/** A page of stocklevel rows as the list services return it (totalCount counted only when asked). */
export type StockLevelPage = Connection<StockLevelRow>;

/** A page of stockmovement rows as the list services return it (totalCount counted only when asked). */
export type StockMovementPage = Connection<StockMovementRow>;
