import type { Connection } from '@erp/kit/graphql';
import type { productSupplies, supplierContacts, supplierEvaluations, suppliers } from './db/schema';
/** Database rows as the GraphQL layer sees them (camelCase, ids as numbers, money and scores as strings): a table's row type is its drizzle schema's ($inferSelect), narrowed to the columns selected. */
export type SupplierRow = Pick<
  typeof suppliers.$inferSelect,
  'id' | 'code' | 'name' | 'email' | 'phone' | 'city' | 'countryCode' | 'status' | 'createdAt' | 'updatedAt'
>;
export type ContactRow = Pick<
  typeof supplierContacts.$inferSelect,
  'id' | 'supplierId' | 'name' | 'email' | 'phone' | 'jobTitle'
>;
/** A product as this subgraph knows it: the catalog owns it, this subgraph adds who supplies it. */
export interface ProductRef {
  id: string | number;
}
export type SupplyRow = Pick<
  typeof productSupplies.$inferSelect,
  | 'id'
  | 'supplierId'
  | 'productId'
  | 'leadTimeDays'
  | 'unitCost'
  | 'minOrderQuantity'
  | 'isPreferred'
  | 'updatedAt'
>;
/** periodStart: YYYY-MM-DD (dates stay strings, see kit/src/db/pool.ts). */
export type EvaluationRow = Pick<
  typeof supplierEvaluations.$inferSelect,
  | 'id'
  | 'supplierId'
  | 'periodStart'
  | 'deliveries'
  | 'onTimeDeliveries'
  | 'qualityScore'
  | 'priceScore'
  | 'comment'
>;

export const SUPPLIER_COLUMNS = `id, code, name, email, phone, city, country_code AS "countryCode", status, created_at AS "createdAt", updated_at AS "updatedAt"`;
export const CONTACT_COLUMNS = `id, supplier_id AS "supplierId", name, email, phone, job_title AS "jobTitle"`;
export const SUPPLY_COLUMNS = `id, supplier_id AS "supplierId", product_id AS "productId", lead_time_days AS "leadTimeDays", unit_cost AS "unitCost", min_order_quantity AS "minOrderQuantity", is_preferred AS "isPreferred", updated_at AS "updatedAt"`;
export const EVALUATION_COLUMNS = `id, supplier_id AS "supplierId", period_start AS "periodStart", deliveries, on_time_deliveries AS "onTimeDeliveries", quality_score AS "qualityScore", price_score AS "priceScore", comment`;

/** A page of supplier rows as the list services return it (totalCount counted only when asked). */
export type SupplierPage = Connection<SupplierRow>;

/** A catalog warehouse as this subgraph knows it (an id). */
export interface WarehouseRef {
  id: string | number;
}
/** A catalog stock level as this subgraph knows it: its key (product and warehouse ids). */
export interface StockLevelRef {
  productId: number;
  warehouseId: number;
}
export interface PurchaseOrderRow {
  id: number;
  number: string;
  supplierId: number;
  warehouseId: number;
  status: string;
  currency: string;
  orderedAt: string;
  /** YYYY-MM-DD: the latest expected date of the lines. */
  expectedDate: string;
  sentAt: string | null;
  receivedAt: string | null;
  cancelledAt: string | null;
  sourceRecommendationId: string | null;
  notes: string | null;
  createdAt: string;
  updatedAt: string;
}
export interface PurchaseOrderLineRow {
  id: number;
  purchaseOrderId: number;
  lineNo: number;
  productId: number;
  quantity: number;
  unitCost: string;
  amount: string;
  expectedDate: string;
  receivedQuantity: number;
  openQuantity: number;
}
export interface PurchaseReceiptRow {
  id: number;
  number: string;
  purchaseOrderId: number;
  lineId: number;
  productId: number;
  supplierId: number;
  warehouseId: number;
  quantity: number;
  amount: string;
  receivedAt: string;
  leadTimeDays: number;
  expectedDate: string;
  delayDays: number;
  onTime: boolean;
  fillRate: number;
  deliveryNote: string | null;
  receivedBy: number | null;
  createdAt: string;
}
export interface ReplenishmentRow {
  productId: number;
  warehouseId: number;
  supply: SupplyRow;
  dailyDemand: number;
  leadTimeDays: number;
  leadTimeSource: 'MEASURED' | 'QUOTED';
  safetyDays: number;
  onHand: number;
  reserved: number;
  onOrder: number;
  projected: number;
  coverNeeded: number;
  suggestedQuantity: number;
  amount: string;
}
export type PurchaseOrderPage = Connection<PurchaseOrderRow>;
export type PurchaseReceiptPage = Connection<PurchaseReceiptRow>;
