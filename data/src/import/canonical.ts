import { PRODUCT_STATUSES, PURCHASE_ORDER_STATUSES, ROLES, STOCK_MOVEMENT_KINDS } from '@erp/kit';
import type { ColumnSpec, SourceSpec } from './types';

/**
 * The canonical staging tables: one per native CSV file (data/FORMAT.md), `stg_<entity>`, with the
 * source file and line of each row. Every mapping ends up filling these; the loader validates and
 * upserts from them.
 */
export const SEGMENTS = ['CONSUMER', 'SMALL_BUSINESS', 'CORPORATE', 'WHOLESALE'] as const;
export const ACTIVE_INACTIVE = ['ACTIVE', 'INACTIVE'] as const;
export const ORDER_KINDS = ['SALE', 'RETURN'] as const;
export const ORDER_STATUSES = ['DRAFT', 'CONFIRMED', 'SHIPPED', 'DELIVERED', 'CANCELLED'] as const;

const text = (name: string, extra: Partial<ColumnSpec> = {}): ColumnSpec => ({
  name,
  kind: 'text',
  ...extra,
});
const req = (name: string, extra: Partial<ColumnSpec> = {}): ColumnSpec =>
  text(name, { required: true, ...extra });
const money = (name: string, required = true): ColumnSpec => ({
  name,
  kind: 'decimal',
  required,
  min: 0,
  scale: 2,
});
const fraction = (name: string): ColumnSpec => ({
  name,
  kind: 'decimal',
  min: 0,
  max: 1,
  scale: 4,
  default: '0',
});
const int = (name: string, extra: Partial<ColumnSpec> = {}): ColumnSpec => ({
  name,
  kind: 'int',
  required: true,
  ...extra,
});
const enumOf = (name: string, values: readonly string[], extra: Partial<ColumnSpec> = {}): ColumnSpec => ({
  name,
  kind: 'enum',
  values,
  required: true,
  ...extra,
});
const bool = (name: string): ColumnSpec => ({ name, kind: 'bool', default: 'false' });
const ts = (name: string, required = false): ColumnSpec => ({ name, kind: 'timestamptz', required });

/** An order's life-cycle timestamps, in the order they happen (a cancelled order stops at cancelled_at). */
export const ORDER_TIMESTAMPS = [
  'ordered_at',
  'confirmed_at',
  'shipped_at',
  'delivered_at',
  'cancelled_at',
] as const;

export interface Reference {
  column: string;
  entity: string;
  /** The DB table and key column holding the referenced natural key. */
  db: string;
  dbKey: string;
}

export interface EntityDef {
  entity: string;
  key: string[];
  columns: ColumnSpec[];
  references: Reference[];
}

const userRef = (column: string): Reference => ({
  column,
  entity: 'users',
  db: 'auth.users',
  dbKey: 'email',
});
const productRef: Reference = { column: 'sku', entity: 'products', db: 'catalog.products', dbKey: 'sku' };
const warehouseRef: Reference = {
  column: 'warehouse_code',
  entity: 'warehouses',
  db: 'inventory.warehouses',
  dbKey: 'code',
};
const supplierRef: Reference = {
  column: 'supplier_code',
  entity: 'suppliers',
  db: 'suppliers.suppliers',
  dbKey: 'code',
};
const customerRef: Reference = {
  column: 'customer_code',
  entity: 'customers',
  db: 'customers.customers',
  dbKey: 'code',
};

export const ENTITIES: EntityDef[] = [
  {
    entity: 'users',
    key: ['email'],
    columns: [req('email', { lowercase: true, email: true }), req('name'), enumOf('role', ROLES)],
    references: [],
  },
  {
    entity: 'categories',
    key: ['code'],
    columns: [req('code'), req('name'), text('parent_code')],
    references: [{ column: 'parent_code', entity: 'categories', db: 'catalog.categories', dbKey: 'code' }],
  },
  {
    entity: 'products',
    key: ['sku'],
    columns: [
      req('sku'),
      req('name'),
      req('category_code'),
      money('list_price'),
      money('unit_cost', false),
      enumOf('status', PRODUCT_STATUSES, { default: 'ACTIVE' }),
    ],
    references: [{ column: 'category_code', entity: 'categories', db: 'catalog.categories', dbKey: 'code' }],
  },
  {
    entity: 'warehouses',
    key: ['code'],
    columns: [req('code'), req('name'), req('city'), req('country_code')],
    references: [],
  },
  {
    entity: 'customers',
    key: ['code'],
    columns: [
      req('code'),
      req('name'),
      text('email', { email: true }),
      text('phone'),
      enumOf('segment', SEGMENTS, { default: 'SMALL_BUSINESS' }),
      enumOf('status', ACTIVE_INACTIVE, { default: 'ACTIVE' }),
      req('country_code'),
      req('country_name'),
      req('region'),
      req('city'),
      text('sales_rep_email', { lowercase: true }),
      bool('is_guest'),
    ],
    references: [userRef('sales_rep_email')],
  },
  {
    entity: 'customer_contacts',
    key: ['customer_code', 'email'],
    columns: [
      req('customer_code'),
      req('email', { email: true }),
      req('name'),
      text('phone'),
      text('job_title'),
      bool('is_primary'),
    ],
    references: [customerRef],
  },
  {
    entity: 'suppliers',
    key: ['code'],
    columns: [
      req('code'),
      req('name'),
      text('email'),
      text('phone'),
      text('city'),
      req('country_code'),
      enumOf('status', ACTIVE_INACTIVE, { default: 'ACTIVE' }),
    ],
    references: [],
  },
  {
    entity: 'supplier_contacts',
    key: ['supplier_code', 'email'],
    columns: [
      req('supplier_code'),
      req('email', { email: true }),
      req('name'),
      text('phone'),
      text('job_title'),
    ],
    references: [supplierRef],
  },
  {
    entity: 'product_supplies',
    key: ['supplier_code', 'sku'],
    columns: [
      req('supplier_code'),
      req('sku'),
      int('lead_time_days', { min: 1 }),
      money('unit_cost'),
      int('min_order_quantity', { min: 1, default: '1' }),
      bool('is_preferred'),
    ],
    references: [supplierRef, productRef],
  },
  {
    entity: 'supplier_evaluations',
    key: ['supplier_code', 'period_start'],
    columns: [
      req('supplier_code'),
      { name: 'period_start', kind: 'date', required: true },
      int('deliveries', { min: 0 }),
      int('on_time_deliveries', { min: 0 }),
      { name: 'quality_score', kind: 'decimal', required: true, min: 0, max: 100, scale: 2 },
      { name: 'price_score', kind: 'decimal', required: true, min: 0, max: 100, scale: 2 },
      text('comment'),
    ],
    references: [supplierRef],
  },
  {
    entity: 'stock_levels',
    key: ['sku', 'warehouse_code'],
    columns: [
      req('sku'),
      req('warehouse_code'),
      int('reorder_point', { min: 0, default: '0' }),
      int('on_order', { min: 0, default: '0', optionalInHeader: true }),
    ],
    references: [productRef, warehouseRef],
  },
  {
    entity: 'stock_movements',
    key: ['external_key'],
    columns: [
      req('external_key'),
      req('sku'),
      req('warehouse_code'),
      enumOf('kind', STOCK_MOVEMENT_KINDS),
      int('quantity'),
      text('reference'),
      ts('occurred_at', true),
      text('note'),
    ],
    references: [productRef, warehouseRef],
  },
  {
    entity: 'purchase_orders',
    key: ['number'],
    columns: [
      req('number'),
      req('supplier_code'),
      req('warehouse_code'),
      enumOf('status', PURCHASE_ORDER_STATUSES),
      req('currency'),
      ts('ordered_at', true),
      ts('sent_at'),
      ts('received_at'),
      ts('cancelled_at', false),
    ].map((c) => (c.name === 'cancelled_at' ? { ...c, optionalInHeader: true } : c)),
    references: [supplierRef, warehouseRef],
  },
  {
    entity: 'purchase_order_lines',
    key: ['po_number', 'line_no'],
    columns: [
      req('po_number'),
      int('line_no', { min: 1 }),
      req('sku'),
      int('quantity', { min: 1 }),
      { name: 'unit_cost', kind: 'decimal', required: true, min: 0, scale: 4 },
      { name: 'expected_date', kind: 'date', required: true },
    ],
    references: [
      { column: 'po_number', entity: 'purchase_orders', db: 'suppliers.purchase_orders', dbKey: 'number' },
      productRef,
    ],
  },
  {
    // One line's units of one delivery; its RECEIPT movement is the stock_movements row whose external_key is the receipt number.
    entity: 'purchase_receipts',
    key: ['number', 'po_number', 'line_no'],
    columns: [
      req('number'),
      req('po_number'),
      int('line_no', { min: 1 }),
      int('quantity', { min: 1 }),
      ts('received_at', true),
      text('delivery_note', { optionalInHeader: true }),
    ],
    references: [
      { column: 'po_number', entity: 'purchase_orders', db: 'suppliers.purchase_orders', dbKey: 'number' },
    ],
  },
  {
    entity: 'carriers',
    key: ['code'],
    columns: [req('code'), req('name'), text('phone')],
    references: [],
  },
  {
    entity: 'orders',
    key: ['number'],
    columns: [
      req('number'),
      enumOf('kind', ORDER_KINDS, { default: 'SALE' }),
      enumOf('status', ORDER_STATUSES),
      req('customer_code'),
      text('sales_rep_email', { lowercase: true }),
      req('warehouse_code'),
      req('currency'),
      ...ORDER_TIMESTAMPS.map((t) => ts(t, t === 'ordered_at')),
      text('carrier_code', { optionalInHeader: true }),
      text('ship_to_name', { optionalInHeader: true }),
      text('ship_to_address', { optionalInHeader: true }),
      text('ship_to_postal_code', { optionalInHeader: true }),
      text('ship_to_city', { optionalInHeader: true }),
      text('ship_to_region', { optionalInHeader: true }),
      text('ship_to_country_code', { optionalInHeader: true }),
      text('ship_to_country_name', { optionalInHeader: true }),
    ],
    references: [
      customerRef,
      userRef('sales_rep_email'),
      warehouseRef,
      { column: 'carrier_code', entity: 'carriers', db: 'sales.carriers', dbKey: 'code' },
    ],
  },
  {
    entity: 'order_lines',
    key: ['order_number', 'line_no'],
    columns: [
      req('order_number'),
      int('line_no', { min: 1 }),
      req('sku'),
      int('quantity', { min: 1 }),
      money('unit_price'),
      fraction('discount'),
      fraction('tax_rate'),
      int('backordered_quantity', { min: 0, default: '0', optionalInHeader: true }),
    ],
    references: [
      { column: 'order_number', entity: 'orders', db: 'sales.orders', dbKey: 'number' },
      productRef,
    ],
  },
];

export const entity = (name: string): EntityDef => {
  const e = ENTITIES.find((x) => x.entity === name);
  if (!e) throw new Error(`unknown entity ${name}`);
  return e;
};

/** The native format: each file goes straight into its canonical staging table. */
export function nativeSources(): SourceSpec[] {
  return ENTITIES.map((e) => ({
    file: e.entity,
    table: `stg_${e.entity}`,
    optional: true,
    columns: e.columns,
  }));
}
