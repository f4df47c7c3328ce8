import type { Connection } from '@erp/kit/graphql';
/** Database rows as the GraphQL layer sees them (camelCase, ids as numbers, money and scores as strings). */
export interface SupplierRow {
  id: number;
  code: string;
  name: string;
  email: string | null;
  phone: string | null;
  city: string | null;
  countryCode: string;
  status: string;
  createdAt: string;
  updatedAt: string;
}
export interface ContactRow {
  id: number;
  supplierId: number;
  name: string;
  email: string | null;
  phone: string | null;
  jobTitle: string | null;
}
/** A product as this subgraph knows it: the catalog owns it, this subgraph adds who supplies it. */
export interface ProductRef {
  id: string | number;
}
export interface SupplyRow {
  id: number;
  supplierId: number;
  productId: number;
  leadTimeDays: number;
  unitCost: string;
  minOrderQuantity: number;
  isPreferred: boolean;
  updatedAt: string;
}
export interface EvaluationRow {
  id: number;
  supplierId: number;
  /** YYYY-MM-DD (dates stay strings, see kit/src/db/pool.ts). */
  periodStart: string;
  deliveries: number;
  onTimeDeliveries: number;
  qualityScore: string;
  priceScore: string;
  comment: string | null;
}

export const SUPPLIER_COLUMNS = `id, code, name, email, phone, city, country_code AS "countryCode", status, created_at AS "createdAt", updated_at AS "updatedAt"`;
export const CONTACT_COLUMNS = `id, supplier_id AS "supplierId", name, email, phone, job_title AS "jobTitle"`;
export const SUPPLY_COLUMNS = `id, supplier_id AS "supplierId", product_id AS "productId", lead_time_days AS "leadTimeDays", unit_cost AS "unitCost", min_order_quantity AS "minOrderQuantity", is_preferred AS "isPreferred", updated_at AS "updatedAt"`;
export const EVALUATION_COLUMNS = `id, supplier_id AS "supplierId", period_start AS "periodStart", deliveries, on_time_deliveries AS "onTimeDeliveries", quality_score AS "qualityScore", price_score AS "priceScore", comment`;

/** A page of supplier rows as the list services return it (totalCount counted only when asked). */
export type SupplierPage = Connection<SupplierRow>;
