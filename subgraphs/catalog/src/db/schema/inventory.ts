import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  index,
  integer,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import { rowTimestamps } from '@erp/kit';
import { products } from './catalog';
import { RESERVATION_STATUSES, STOCK_MOVEMENT_KINDS } from './constants';

/** Inventory belongs to the catalog domain (the catalog subgraph owns it). */
export const inventorySchema = pgSchema('inventory');
export const stockMovementKind = inventorySchema.enum('stock_movement_kind', STOCK_MOVEMENT_KINDS);
export const reservationStatus = inventorySchema.enum('reservation_status', RESERVATION_STATUSES);

export const warehouses = inventorySchema.table(
  'warehouses',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    city: text('city').notNull(),
    countryCode: text('country_code').notNull(),
    ...rowTimestamps(),
  },
  (t) => [check('warehouses_code_not_blank', sql`btrim(${t.code}) <> ''`)],
);

/** The product and the warehouse a stock row is about. */
const stockPlace = () => ({
  productId: integer('product_id')
    .notNull()
    .references(() => products.id),
  warehouseId: integer('warehouse_id')
    .notNull()
    .references(() => warehouses.id),
});

/**
 * Stock of one product in one warehouse. `on_hand` is maintained only by the movement ledger
 * (a trigger adds each movement; a direct change of on_hand is refused), so SUM(ledger) = on_hand.
 * `reserved` is what confirmed orders hold and cannot exceed what is on hand.
 */
export const stockLevels = inventorySchema.table(
  'stock_levels',
  {
    ...stockPlace(),
    onHand: integer('on_hand').notNull().default(0),
    reserved: integer('reserved').notNull().default(0),
    reorderPoint: integer('reorder_point').notNull().default(0),
    /**
     * Units on order as an import found them; not read by the API. Units on order are the open lines
     * of sent purchase orders, answered by the suppliers subgraph (StockLevel.onOrder is overridden there).
     */
    onOrder: integer('on_order').notNull().default(0),
    ...rowTimestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.productId, t.warehouseId] }),
    check('stock_levels_on_hand_non_negative', sql`${t.onHand} >= 0`),
    check('stock_levels_reserved_within_on_hand', sql`${t.reserved} >= 0 AND ${t.reserved} <= ${t.onHand}`),
    check('stock_levels_reorder_point_non_negative', sql`${t.reorderPoint} >= 0`),
    check('stock_levels_on_order_non_negative', sql`${t.onOrder} >= 0`),
    index('stock_levels_warehouse_idx').on(t.warehouseId),
    index('stock_levels_updated_idx').on(t.updatedAt),
  ],
);

/** Append-only ledger: one row per movement, signed quantity (receipts > 0, shipments < 0). */
export const stockMovements = inventorySchema.table(
  'stock_movements',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    ...stockPlace(),
    kind: stockMovementKind('kind').notNull(),
    quantity: integer('quantity').notNull(),
    /** Business document behind the movement: an order number, a receipt number, a count sheet. */
    reference: text('reference'),
    /** Natural key for imports and idempotent writers; unique when present. */
    externalKey: text('external_key').unique(),
    note: text('note'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
    ...rowTimestamps(),
  },
  (t) => [
    check('stock_movements_quantity_not_zero', sql`${t.quantity} <> 0`),
    check(
      'stock_movements_sign_matches_kind',
      sql`(${t.kind} IN ('OPENING','RECEIPT','TRANSFER_IN') AND ${t.quantity} > 0)
        OR (${t.kind} IN ('SHIPMENT','TRANSFER_OUT') AND ${t.quantity} < 0)
        OR ${t.kind} = 'ADJUSTMENT'`,
    ),
    index('stock_movements_stock_idx').on(t.productId, t.warehouseId),
    index('stock_movements_occurred_idx').on(t.occurredAt),
    index('stock_movements_updated_idx').on(t.updatedAt, t.id),
  ],
);

/**
 * Stock held for a business document (a confirmed order), one row per (reference, product,
 * warehouse). The ACTIVE rows of a (product, warehouse) add up to its `stock_levels.reserved`.
 * Shipping turns them into SHIPMENT movements; cancelling releases them.
 */
export const stockReservations = inventorySchema.table(
  'stock_reservations',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    reference: text('reference').notNull(),
    /** The sales order holding the stock (the sales domain's id; null on rows from before orders were the only holders). */
    orderId: integer('order_id'),
    ...stockPlace(),
    quantity: integer('quantity').notNull(),
    status: reservationStatus('status').notNull().default('ACTIVE'),
    ...rowTimestamps(),
  },
  (t) => [
    unique('stock_reservations_reference_stock_key').on(t.reference, t.productId, t.warehouseId),
    check('stock_reservations_quantity_positive', sql`${t.quantity} > 0`),
    index('stock_reservations_stock_idx').on(t.productId, t.warehouseId),
    index('stock_reservations_active_order_idx')
      .on(t.orderId)
      .where(sql`${t.status} = 'ACTIVE'`),
  ],
);
