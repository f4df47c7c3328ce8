import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  index,
  integer,
  numeric,
  pgSchema,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import { rowTimestamps } from '@erp/kit';
import { ORDER_KINDS, ORDER_STATUSES } from './constants';

export const salesSchema = pgSchema('sales');
export const orderStatus = salesSchema.enum('order_status', ORDER_STATUSES);
export const orderKind = salesSchema.enum('order_kind', ORDER_KINDS);

/** A carrier (shipper) that takes orders to customers. */
export const carriers = salesSchema.table(
  'carriers',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    phone: text('phone'),
    ...rowTimestamps(),
  },
  (t) => [check('carriers_code_not_blank', sql`btrim(${t.code}) <> ''`)],
);

/**
 * The standard tax rate of a customer's country: what a line is taxed at when neither it nor its
 * product's category gives a rate (a country without a row: FR, the seller's). Sequence
 * `order_number_seq` numbers new orders (kit/migrations/0011_order_numbers).
 */
export const countryTaxRates = salesSchema.table(
  'country_tax_rates',
  {
    countryCode: text('country_code').primaryKey(),
    standardRate: numeric('standard_rate', { precision: 5, scale: 4 }).notNull(),
    updatedAt: rowTimestamps().updatedAt,
  },
  (t) => [check('country_tax_rates_range', sql`${t.standardRate} >= 0 AND ${t.standardRate} <= 1`)],
);

/**
 * A customer order. `customer_id`, `sales_rep_id`, `warehouse_id` and `ship_to_city_id` point into
 * other domains (customers, auth, inventory): no foreign keys across domains, the API resolves them.
 * The ship-to address is where this order goes (a customer may have several); null = the customer's.
 */
export const orders = salesSchema.table(
  'orders',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    number: text('number').notNull().unique(),
    kind: orderKind('kind').notNull().default('SALE'),
    status: orderStatus('status').notNull().default('DRAFT'),
    customerId: integer('customer_id').notNull(),
    salesRepId: integer('sales_rep_id'),
    warehouseId: integer('warehouse_id').notNull(),
    currency: text('currency').notNull().default('EUR'),
    orderedAt: timestamp('ordered_at', { withTimezone: true }).notNull().defaultNow(),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    shippedAt: timestamp('shipped_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    notes: text('notes'),
    carrierId: integer('carrier_id').references(() => carriers.id),
    shipToName: text('ship_to_name'),
    shipToAddress: text('ship_to_address'),
    shipToPostalCode: text('ship_to_postal_code'),
    shipToCityId: integer('ship_to_city_id'),
    ...rowTimestamps(),
  },
  (t) => [
    check('orders_number_not_blank', sql`btrim(${t.number}) <> ''`),
    check('orders_currency_format', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    // Each status carries the timestamps of the steps it went through.
    check(
      'orders_status_timestamps',
      sql`(${t.status} IN ('CONFIRMED','SHIPPED','DELIVERED') AND ${t.confirmedAt} IS NULL) IS NOT TRUE
        AND (${t.status} IN ('SHIPPED','DELIVERED') AND ${t.shippedAt} IS NULL) IS NOT TRUE
        AND (${t.status} = 'DELIVERED' AND ${t.deliveredAt} IS NULL) IS NOT TRUE
        AND (${t.status} = 'CANCELLED' AND ${t.cancelledAt} IS NULL) IS NOT TRUE`,
    ),
    // List sort keys with the id that breaks ties: keyset pages are index scans that stop after the page.
    index('orders_customer_idx').on(t.customerId, t.orderedAt, t.id),
    index('orders_status_idx').on(t.status),
    index('orders_ordered_at_idx').on(t.orderedAt, t.id),
    index('orders_sales_rep_idx').on(t.salesRepId, t.orderedAt, t.id),
    index('orders_carrier_idx').on(t.carrierId),
    index('orders_updated_idx').on(t.updatedAt, t.id),
  ],
);

/** One product on an order. `discount` and `tax_rate` are fractions (0.05 = 5 %). */
export const orderLines = salesSchema.table(
  'order_lines',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    orderId: integer('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    lineNo: integer('line_no').notNull(),
    productId: integer('product_id').notNull(),
    quantity: integer('quantity').notNull(),
    unitPrice: numeric('unit_price', { precision: 12, scale: 2 }).notNull(),
    discount: numeric('discount', { precision: 5, scale: 4 }).notNull().default('0'),
    taxRate: numeric('tax_rate', { precision: 5, scale: 4 }).notNull().default('0'),
    /** Units of a CONFIRMED order not reserved because the stock was short when it was booked (a backorder). */
    backorderedQuantity: integer('backordered_quantity').notNull().default(0),
    ...rowTimestamps(),
  },
  (t) => [
    unique('order_lines_order_line_key').on(t.orderId, t.lineNo),
    check('order_lines_line_no_positive', sql`${t.lineNo} > 0`),
    check('order_lines_quantity_positive', sql`${t.quantity} > 0`),
    check('order_lines_unit_price_non_negative', sql`${t.unitPrice} >= 0`),
    check('order_lines_discount_range', sql`${t.discount} >= 0 AND ${t.discount} <= 1`),
    check('order_lines_tax_rate_range', sql`${t.taxRate} >= 0 AND ${t.taxRate} <= 1`),
    check(
      'order_lines_backorder_range',
      sql`${t.backorderedQuantity} >= 0 AND ${t.backorderedQuantity} <= ${t.quantity}`,
    ),
    index('order_lines_product_idx').on(t.productId),
    index('order_lines_updated_idx').on(t.updatedAt, t.id),
  ],
);

/** Every status an order went through, who moved it and when. */
export const orderStatusHistory = salesSchema.table(
  'order_status_history',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    orderId: integer('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    fromStatus: orderStatus('from_status'),
    toStatus: orderStatus('to_status').notNull(),
    changedBy: integer('changed_by'),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
    note: text('note'),
    ...rowTimestamps(),
  },
  (t) => [index('order_status_history_order_idx').on(t.orderId, t.changedAt)],
);
