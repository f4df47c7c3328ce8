import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, numeric, pgSchema, text, unique } from 'drizzle-orm/pg-core';
import { rowTimestamps } from '@erp/kit';
import { SUPPLIER_STATUSES } from './constants';

export const suppliersSchema = pgSchema('suppliers');
export const supplierStatus = suppliersSchema.enum('supplier_status', SUPPLIER_STATUSES);

export const suppliers = suppliersSchema.table(
  'suppliers',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    email: text('email'),
    phone: text('phone'),
    city: text('city'),
    countryCode: text('country_code').notNull(),
    status: supplierStatus('status').notNull().default('ACTIVE'),
    ...rowTimestamps(),
  },
  (t) => [
    check('suppliers_code_not_blank', sql`btrim(${t.code}) <> ''`),
    index('suppliers_updated_idx').on(t.updatedAt, t.id),
    // List sort key with the id that breaks ties: keyset pages are index scans that stop after the page.
    index('suppliers_name_idx').on(t.name, t.id),
  ],
);

export const supplierContacts = suppliersSchema.table(
  'contacts',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    supplierId: integer('supplier_id')
      .notNull()
      .references(() => suppliers.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    email: text('email'),
    phone: text('phone'),
    jobTitle: text('job_title'),
    ...rowTimestamps(),
  },
  (t) => [index('supplier_contacts_supplier_idx').on(t.supplierId)],
);

/** Which supplier can deliver which product (catalog domain: no foreign key), how fast and at what cost. */
export const productSupplies = suppliersSchema.table(
  'product_supplies',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    supplierId: integer('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    productId: integer('product_id').notNull(),
    leadTimeDays: integer('lead_time_days').notNull(),
    unitCost: numeric('unit_cost', { precision: 12, scale: 2 }).notNull(),
    minOrderQuantity: integer('min_order_quantity').notNull().default(1),
    isPreferred: boolean('is_preferred').notNull().default(false),
    ...rowTimestamps(),
  },
  (t) => [
    unique('product_supplies_supplier_product_key').on(t.supplierId, t.productId),
    check('product_supplies_lead_time_positive', sql`${t.leadTimeDays} > 0`),
    check('product_supplies_unit_cost_non_negative', sql`${t.unitCost} >= 0`),
    check('product_supplies_min_order_positive', sql`${t.minOrderQuantity} > 0`),
    index('product_supplies_product_idx').on(t.productId),
  ],
);

/**
 * A supplier's evaluation for one period (a calendar month, `period_start` its first day):
 * deliveries made and on time, and criteria scores out of 100.
 */
export const supplierEvaluations = suppliersSchema.table(
  'evaluations',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    supplierId: integer('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    periodStart: date('period_start').notNull(),
    deliveries: integer('deliveries').notNull(),
    onTimeDeliveries: integer('on_time_deliveries').notNull(),
    qualityScore: numeric('quality_score', { precision: 5, scale: 2 }).notNull(),
    priceScore: numeric('price_score', { precision: 5, scale: 2 }).notNull(),
    comment: text('comment'),
    ...rowTimestamps(),
  },
  (t) => [
    unique('evaluations_supplier_period_key').on(t.supplierId, t.periodStart),
    check('evaluations_period_is_month_start', sql`extract(day from ${t.periodStart}) = 1`),
    check(
      'evaluations_deliveries_valid',
      sql`${t.deliveries} >= 0 AND ${t.onTimeDeliveries} BETWEEN 0 AND ${t.deliveries}`,
    ),
    check('evaluations_quality_range', sql`${t.qualityScore} BETWEEN 0 AND 100`),
    check('evaluations_price_range', sql`${t.priceScore} BETWEEN 0 AND 100`),
  ],
);
