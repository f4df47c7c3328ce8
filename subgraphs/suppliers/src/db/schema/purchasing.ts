import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, numeric, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { PURCHASE_ORDER_STATUSES } from './constants';
import { suppliers, suppliersSchema } from './suppliers';

export const purchaseOrderStatus = suppliersSchema.enum('purchase_order_status', PURCHASE_ORDER_STATUSES);

/** Product and warehouse ids are the catalog's (another domain: no foreign key, checked through its API). */
export const purchaseOrders = suppliersSchema.table(
  'purchase_orders',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    number: text('number').notNull().unique(),
    supplierId: integer('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    warehouseId: integer('warehouse_id').notNull(),
    status: purchaseOrderStatus('status').notNull().default('DRAFT'),
    currency: text('currency').notNull().default('EUR'),
    orderedAt: timestamp('ordered_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    receivedAt: timestamp('received_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    sourceRecommendationId: text('source_recommendation_id'),
    notes: text('notes'),
    createdBy: integer('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('purchase_orders_number_not_blank', sql`btrim(${t.number}) <> ''`),
    check(
      'purchase_orders_sent_when_past_draft',
      sql`${t.status} IN ('DRAFT', 'CANCELLED') OR ${t.sentAt} IS NOT NULL`,
    ),
    index('purchase_orders_updated_idx').on(t.updatedAt, t.id),
    index('purchase_orders_ordered_idx').on(t.orderedAt, t.id),
    index('purchase_orders_supplier_idx').on(t.supplierId),
    index('purchase_orders_status_idx').on(t.status),
  ],
);

export const purchaseOrderLines = suppliersSchema.table(
  'purchase_order_lines',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    purchaseOrderId: integer('purchase_order_id')
      .notNull()
      .references(() => purchaseOrders.id, { onDelete: 'cascade' }),
    lineNo: integer('line_no').notNull(),
    productId: integer('product_id').notNull(),
    quantity: integer('quantity').notNull(),
    unitCost: numeric('unit_cost', { precision: 14, scale: 4 }).notNull(),
    expectedDate: date('expected_date').notNull(),
    /** Sum of the line's receipts (kept by the receiving transaction, checked by the tests). */
    receivedQuantity: integer('received_quantity').notNull().default(0),
  },
  (t) => [
    unique('purchase_order_lines_order_line_key').on(t.purchaseOrderId, t.lineNo),
    unique('purchase_order_lines_order_product_key').on(t.purchaseOrderId, t.productId),
    check('purchase_order_lines_quantity_positive', sql`${t.quantity} > 0`),
    check('purchase_order_lines_unit_cost_non_negative', sql`${t.unitCost} >= 0`),
    check(
      'purchase_order_lines_received_within_tolerance',
      sql`${t.receivedQuantity} >= 0 AND ${t.receivedQuantity} <= floor(${t.quantity} * 1.1)`,
    ),
    index('purchase_order_lines_product_idx').on(t.productId),
  ],
);

/** Units of one line received in one delivery: append-only, the source of measured lead times. */
export const purchaseReceipts = suppliersSchema.table(
  'purchase_receipts',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    number: text('number').notNull(),
    purchaseOrderId: integer('purchase_order_id')
      .notNull()
      .references(() => purchaseOrders.id),
    lineId: integer('line_id')
      .notNull()
      .references(() => purchaseOrderLines.id),
    quantity: integer('quantity').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    /** The line's expected date when received (a later change of the line does not rewrite history). */
    expectedDate: date('expected_date').notNull(),
    leadTimeDays: integer('lead_time_days').notNull(),
    delayDays: integer('delay_days').notNull(),
    onTime: boolean('on_time').notNull(),
    deliveryNote: text('delivery_note'),
    /** The key the stock was posted under in the catalog (one posting per key). */
    stockKey: text('stock_key').notNull(),
    receivedBy: integer('received_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('purchase_receipts_number_line_key').on(t.number, t.lineId),
    check('purchase_receipts_quantity_positive', sql`${t.quantity} > 0`),
    check('purchase_receipts_on_time_matches_delay', sql`${t.onTime} = (${t.delayDays} <= 0)`),
    index('purchase_receipts_order_idx').on(t.purchaseOrderId),
    index('purchase_receipts_line_idx').on(t.lineId),
    index('purchase_receipts_received_idx').on(t.receivedAt),
  ],
);

export const purchaseOrderHistory = suppliersSchema.table(
  'purchase_order_history',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    purchaseOrderId: integer('purchase_order_id')
      .notNull()
      .references(() => purchaseOrders.id, { onDelete: 'cascade' }),
    fromStatus: purchaseOrderStatus('from_status'),
    toStatus: purchaseOrderStatus('to_status').notNull(),
    changedBy: integer('changed_by'),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
    note: text('note'),
  },
  (t) => [index('purchase_order_history_order_idx').on(t.purchaseOrderId)],
);
