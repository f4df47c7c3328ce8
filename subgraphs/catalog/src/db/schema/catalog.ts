import { sql } from 'drizzle-orm';
import { check, index, integer, numeric, pgSchema, text, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { rowTimestamps } from '@erp/kit';
import { PRODUCT_STATUSES } from './constants';

export const catalogSchema = pgSchema('catalog');
export const productStatus = catalogSchema.enum('product_status', PRODUCT_STATUSES);

/** Category tree: a category with no parent is a root. */
export const categories = catalogSchema.table(
  'categories',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    parentId: integer('parent_id').references((): AnyPgColumn => categories.id),
    /** The tax rate of the category's goods (0.055 = 5.5 %); null: the parent's, else the customer's country standard rate. */
    taxRate: numeric('tax_rate', { precision: 5, scale: 4 }),
    ...rowTimestamps(),
  },
  (t) => [
    check('categories_code_not_blank', sql`btrim(${t.code}) <> ''`),
    check(
      'categories_tax_rate_range',
      sql`${t.taxRate} IS NULL OR (${t.taxRate} >= 0 AND ${t.taxRate} <= 1)`,
    ),
    check('categories_not_own_parent', sql`${t.parentId} IS NULL OR ${t.parentId} <> ${t.id}`),
    index('categories_parent_idx').on(t.parentId),
  ],
);

/** A sellable item. `unit_cost` is unknown (null) for data sets that do not give it. */
export const products = catalogSchema.table(
  'products',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    sku: text('sku').notNull().unique(),
    name: text('name').notNull(),
    categoryId: integer('category_id')
      .notNull()
      .references(() => categories.id),
    listPrice: numeric('list_price', { precision: 12, scale: 2 }).notNull(),
    unitCost: numeric('unit_cost', { precision: 12, scale: 2 }),
    status: productStatus('status').notNull().default('ACTIVE'),
    ...rowTimestamps(),
  },
  (t) => [
    check('products_sku_not_blank', sql`btrim(${t.sku}) <> ''`),
    check('products_list_price_non_negative', sql`${t.listPrice} >= 0`),
    check('products_unit_cost_non_negative', sql`${t.unitCost} IS NULL OR ${t.unitCost} >= 0`),
    index('products_category_idx').on(t.categoryId),
    index('products_updated_idx').on(t.updatedAt, t.id),
    // List sort keys with the id that breaks ties: keyset pages are index scans that stop after the page.
    index('products_name_idx').on(t.name, t.id),
    index('products_list_price_idx').on(t.listPrice, t.id),
  ],
);
