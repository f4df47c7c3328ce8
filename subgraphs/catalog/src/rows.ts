import type { Connection } from '@erp/kit/graphql';
/** Database rows as the GraphQL layer sees them (camelCase, ids as numbers, money as strings). */
export interface CategoryRow {
  id: number;
  code: string;
  name: string;
  parentId: number | null;
  /** Tax rate of the category's goods (a fraction as text); null: the parent's, else the country's standard rate. */
  taxRate: string | null;
}
export interface ProductRow {
  id: number;
  sku: string;
  name: string;
  categoryId: number;
  listPrice: string;
  unitCost: string | null;
  status: string;
  createdAt: string;
  updatedAt: string;
  /** Units on hand and available (on hand − reserved) over every warehouse, when loaded with the product. */
  totalOnHand?: number;
  totalAvailable?: number;
}
export interface WarehouseRow {
  id: number;
  code: string;
  name: string;
  city: string;
  countryCode: string;
}
export interface StockLevelRow {
  productId: number;
  warehouseId: number;
  onHand: number;
  reserved: number;
  reorderPoint: number;
  onOrder: number;
  updatedAt: string;
}
export interface StockMovementRow {
  id: number;
  productId: number;
  warehouseId: number;
  kind: string;
  quantity: number;
  reference: string | null;
  note: string | null;
  occurredAt: string;
}
export interface ReservationRow {
  orderId: number | null;
  reference: string;
  productId: number;
  warehouseId: number;
  quantity: number;
  status: string;
}

export const CATEGORY_COLUMNS = `id, code, name, parent_id AS "parentId", tax_rate AS "taxRate"`;
export const PRODUCT_COLUMNS = `id, sku, name, category_id AS "categoryId", list_price AS "listPrice", unit_cost AS "unitCost", status, created_at AS "createdAt", updated_at AS "updatedAt"`;
export const WAREHOUSE_COLUMNS = `id, code, name, city, country_code AS "countryCode"`;
export const STOCK_COLUMNS = `product_id AS "productId", warehouse_id AS "warehouseId", on_hand AS "onHand", reserved, reorder_point AS "reorderPoint", on_order AS "onOrder", updated_at AS "updatedAt"`;
export const MOVEMENT_COLUMNS = `id, product_id AS "productId", warehouse_id AS "warehouseId", kind, quantity, reference, note, occurred_at AS "occurredAt"`;
export const RESERVATION_COLUMNS = `order_id AS "orderId", reference, product_id AS "productId", warehouse_id AS "warehouseId", quantity, status`;

/** A page of product rows as the list services return it (totalCount counted only when asked). */
export type ProductPage = Connection<ProductRow>;

/** A page of stocklevel rows as the list services return it (totalCount counted only when asked). */
export type StockLevelPage = Connection<StockLevelRow>;

/** A page of stockmovement rows as the list services return it (totalCount counted only when asked). */
export type StockMovementPage = Connection<StockMovementRow>;
