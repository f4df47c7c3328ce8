import type { Role } from '@erp/kit';

/**
 * THE semantic model of the warehouse, in one place: facts, measures (formula, unit, format,
 * additivity) and dimensions with their hierarchies of levels. The SQL generator takes every
 * identifier and expression from here and nothing from the caller: user values only ever travel as
 * bound parameters.
 *
 * Table aliases used by the expressions: f = dw.fact_sales, i = dw.fact_inventory_snapshot,
 * e = dw.fact_supplier_evaluation, po = dw.fact_purchase, rc = dw.fact_purchase_receipt,
 * sm = dw.fact_stock_movement, d = dw.dim_date, p = dw.dim_product, cat = dw.dim_category,
 * c = dw.dim_customer, g = dw.dim_geography, w = dw.dim_warehouse, s = dw.dim_order_status,
 * k = dw.dim_order_kind, sup = dw.dim_supplier (on sales and stock: the product's main supplier,
 * pms = dw.product_main_supplier), rep = dw.dim_sales_rep, car = dw.dim_carrier, r = a rollup table
 * (ROLLUPS below: every rollup names the same member in the same column, so one expression serves
 * them all).
 *
 * Personal data: the warehouse holds no e-mail, phone or contact of anyone. The levels that name a
 * person or a company are `geography.customer` (customer code and name) and `salesRep.salesRep`
 * (an employee's name): they are `personal`, refused to ANALYST (FORBIDDEN); SALES may use them
 * (their own customers only, by row-level security); ADMIN and MANAGER may.
 */

export type FactName =
  'sales' | 'inventory' | 'stockMovement' | 'supplier' | 'purchase' | 'receipt' | 'catalog' | 'customerBase';

export interface FactDef {
  name: FactName;
  title: string;
  table: string;
  grain: string;
  /** FROM clause with every dimension this fact joins (inner joins on its foreign keys). */
  from: string;
  /**
   * The fact's own date key (YYYYMMDD, as dw.ensure_dates builds dim_date): time ranges filter on it,
   * so the planner uses the fact's date index and its statistics instead of guessing through the join.
   */
  dateKey: string | null;
  /** Rows every query of this fact keeps (the current version of a dimension read as a fact). */
  baseCondition?: string;
}

// The joins the facts share. LEFT JOINs on the dimensions' primary keys: every fact key is NOT NULL
// with a foreign key, so they match exactly like inner joins, and PostgreSQL drops the joins a query
// does not use.
const JOIN = '\n      LEFT JOIN ';
const PRODUCT_FROM = 'dw.dim_product p LEFT JOIN dw.dim_category cat ON cat.category_key = p.category_key';
const productJoins = (fact: string) =>
  `${JOIN}dw.dim_product p ON p.product_key = ${fact}.product_key${JOIN}dw.dim_category cat ON cat.category_key = p.category_key`;
/** The product's main supplier (sales, stock, catalog): dw.product_main_supplier, the ETL's one rule. */
const MAIN_SUPPLIER_JOINS = `${JOIN}dw.product_main_supplier pms ON pms.product_id = p.product_id${JOIN}dw.dim_supplier sup ON sup.supplier_id = pms.supplier_id`;

/** A dated fact joining its date, product (with category) and warehouse, then the given joins. */
function datedFact(table: string, fact: string, dateColumn: string, joins: string[]) {
  const dateKey = `${fact}.${dateColumn}`;
  return {
    table,
    from: `${table} ${fact}${JOIN}dw.dim_date d ON d.date_key = ${dateKey}${productJoins(fact)}${joins.join('')}`,
    dateKey,
  };
}
const warehouseJoin = (fact: string) =>
  `${JOIN}dw.dim_warehouse w ON w.warehouse_key = ${fact}.warehouse_key`;
/** Purchases and receipts: the purchase order's product, warehouse and supplier. */
const buyFact = (table: string, fact: string, dateColumn: string) =>
  datedFact(table, fact, dateColumn, [
    warehouseJoin(fact),
    `${JOIN}dw.dim_supplier sup ON sup.supplier_key = ${fact}.supplier_key`,
  ]);

export const FACTS: Record<FactName, FactDef> = {
  sales: {
    name: 'sales',
    title: 'Sales',
    grain: 'one order line; amounts and quantities signed by order kind (RETURN negative)',
    ...datedFact('dw.fact_sales', 'f', 'order_date_key', [
      `${JOIN}dw.dim_customer c ON c.customer_key = f.customer_key`,
      `${JOIN}dw.dim_geography g ON g.geography_key = f.geography_key`,
      warehouseJoin('f'),
      `${JOIN}dw.dim_order_status s ON s.status_key = f.status_key`,
      `${JOIN}dw.dim_order_kind k ON k.kind_key = f.kind_key`,
      `${JOIN}dw.dim_sales_rep rep ON rep.sales_rep_id = f.sales_rep_id`,
      `${JOIN}dw.dim_carrier car ON car.carrier_id = f.carrier_id`,
      MAIN_SUPPLIER_JOINS,
    ]),
  },
  inventory: {
    name: 'inventory',
    title: 'Inventory snapshots',
    grain: 'product × warehouse × snapshot date; semi-additive: read at the last snapshot of each period',
    ...datedFact('dw.fact_inventory_snapshot', 'i', 'snapshot_date_key', [
      warehouseJoin('i'),
      MAIN_SUPPLIER_JOINS,
    ]),
  },
  stockMovement: {
    name: 'stockMovement',
    title: 'Stock movements',
    grain:
      'one movement of the stock ledger (dated by the day it occurred): units in, units out and the signed net, by movement kind',
    ...datedFact('dw.fact_stock_movement', 'sm', 'movement_date_key', [warehouseJoin('sm')]),
  },
  supplier: {
    name: 'supplier',
    title: 'Supplier evaluations',
    table: 'dw.fact_supplier_evaluation',
    // Hand-entered quality and price scores only: delivery performance is measured on receipts.
    grain: 'supplier × month (dated on the first day of the month)',
    from: `dw.fact_supplier_evaluation e
      LEFT JOIN dw.dim_date d ON d.date_key = e.month_date_key
      LEFT JOIN dw.dim_supplier sup ON sup.supplier_key = e.supplier_key`,
    dateKey: 'e.month_date_key',
  },
  purchase: {
    name: 'purchase',
    title: 'Purchase order lines',
    grain: 'one purchase order line (dated by the order date), with the quantity received against it so far',
    ...buyFact('dw.fact_purchase', 'po', 'order_date_key'),
  },
  receipt: {
    name: 'receipt',
    title: 'Purchase receipts (supplier deliveries)',
    grain: 'one receipt of one purchase order line: a delivery (dated by the day it was received)',
    ...buyFact('dw.fact_purchase_receipt', 'rc', 'receipt_date_key'),
  },
  catalog: {
    name: 'catalog',
    title: 'Product catalog',
    table: 'dw.dim_product',
    grain: 'one product (its current version); no date: the catalog as the last ETL run saw it',
    from: `${PRODUCT_FROM}${MAIN_SUPPLIER_JOINS}`,
    dateKey: null,
    baseCondition: 'p.is_current AND NOT p.is_inferred',
  },
  customerBase: {
    name: 'customerBase',
    title: 'Customer base',
    table: 'dw.dim_customer',
    grain: 'one customer (its current version); no date: the customer records as the last ETL run saw them',
    from: `dw.dim_customer c
      LEFT JOIN dw.dim_geography g ON g.geography_key = c.geography_key`,
    dateKey: null,
    baseCondition: 'c.is_current AND NOT c.is_inferred',
  },
};

/**
 * Which orders a business figure counts. Booked sales are what the company has sold: orders
 * CONFIRMED, SHIPPED or DELIVERED, returns (credit notes, signed negative) subtracting; a DRAFT is not
 * an order yet and a CANCELLED order was not sold. Every sales measure names its scope, so no door
 * (dashboard, explorer, chat, insight) ever adds or forgets a status filter of its own.
 */
export type ScopeName = 'BOOKED' | 'BOOKED_SALES' | 'PLACED' | 'CANCELLED' | 'DRAFT';
export interface ScopeDef {
  statuses: readonly string[];
  /** Only these order kinds (default: SALE and RETURN, returns subtracting). */
  kinds?: readonly string[];
  /** In words, for the definition every answer carries. */
  title: string;
  titleFr: string;
}
export const BOOKED_STATUSES = ['CONFIRMED', 'SHIPPED', 'DELIVERED'] as const;
export const SCOPES: Record<ScopeName, ScopeDef> = {
  BOOKED: {
    statuses: BOOKED_STATUSES,
    title: 'booked orders (confirmed, shipped or delivered), returns subtracted',
    titleFr: 'commandes enregistrées (confirmées, expédiées ou livrées), retours déduits',
  },
  BOOKED_SALES: {
    statuses: BOOKED_STATUSES,
    kinds: ['SALE'],
    title: 'booked sales orders (confirmed, shipped or delivered; returns not counted)',
    titleFr: 'commandes de vente enregistrées (confirmées, expédiées ou livrées ; hors retours)',
  },
  PLACED: {
    statuses: ['CONFIRMED', 'SHIPPED', 'DELIVERED', 'CANCELLED'],
    title: 'every order placed (drafts excluded, cancelled included), returns subtracted',
    titleFr: 'toutes les commandes passées (hors brouillons, annulées comprises), retours déduits',
  },
  CANCELLED: { statuses: ['CANCELLED'], title: 'cancelled orders', titleFr: 'commandes annulées' },
  DRAFT: {
    statuses: ['DRAFT'],
    title: 'open drafts (orders not yet confirmed)',
    titleFr: 'brouillons en cours (commandes non confirmées)',
  },
};

const quoted = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');
/** The scope as a condition on the facts (s = dim_order_status, k = dim_order_kind) or on a rollup (r). */
export function scopeCondition(scope: ScopeName, source: 'FACT' | 'ROLLUP'): string {
  const def = SCOPES[scope];
  const [status, kind] = source === 'FACT' ? ['s.status', 'k.kind'] : ['r.status', 'r.kind'];
  return [
    `${status} IN (${quoted(def.statuses)})`,
    ...(def.kinds ? [`${kind} IN (${quoted(def.kinds)})`] : []),
  ].join(' AND ');
}

/**
 * An aggregate a measure is computed from; `rollup` is the same aggregate over the rollup table.
 * `{filter}` marks where the scope's FILTER clause goes when the query cannot apply it to every row.
 */
export interface ComponentDef {
  fact: FactName;
  sql: string;
  rollup?: string;
  scope?: ScopeName;
}

/** Purchase order statuses that count as bought: sent to the supplier, received or not. */
export const PURCHASED_STATUSES = ['SENT', 'PARTIALLY_RECEIVED', 'RECEIVED'] as const;
const PURCHASED = `po.status IN (${quoted(PURCHASED_STATUSES)})`;

// The net amount and the distinct orders of sales lines, each counted over several scopes.
const netAmount = (scope: ScopeName): ComponentDef => ({
  fact: 'sales',
  sql: 'SUM(f.net_amount){filter}',
  rollup: 'SUM(r.net_amount){filter}',
  scope,
});
const orderCount = (scope: ScopeName): ComponentDef => ({
  fact: 'sales',
  sql: 'COUNT(DISTINCT f.order_id){filter}',
  rollup: 'COALESCE(SUM(r.orders){filter}, 0)',
  scope,
});

export const COMPONENTS: Record<string, ComponentDef> = {
  net: netAmount('BOOKED'),
  margin: {
    fact: 'sales',
    sql: 'SUM(f.net_amount - f.cost_amount){filter}',
    rollup: 'SUM(r.margin_amount){filter}',
    scope: 'BOOKED',
  },
  costed_net: {
    fact: 'sales',
    sql: 'SUM(CASE WHEN f.cost_amount IS NOT NULL THEN f.net_amount END){filter}',
    rollup: 'SUM(r.costed_net_amount){filter}',
    scope: 'BOOKED',
  },
  units: { fact: 'sales', sql: 'SUM(f.quantity){filter}', rollup: 'SUM(r.units){filter}', scope: 'BOOKED' },
  // Distinct counts: additive only over a rollup whose rows never split an order (orders) or that
  // keeps the customer (customers); ROLLUPS says which rollup holds which component.
  orders: orderCount('BOOKED_SALES'),
  customers: {
    fact: 'sales',
    sql: 'COUNT(DISTINCT c.customer_id){filter}',
    rollup: 'COUNT(DISTINCT r.customer_id){filter}',
    scope: 'BOOKED_SALES',
  },
  placed_net: netAmount('PLACED'),
  cancelled_net: netAmount('CANCELLED'),
  draft_net: netAmount('DRAFT'),
  cancelled_orders: orderCount('CANCELLED'),
  on_hand: { fact: 'inventory', sql: 'SUM(i.on_hand)' },
  available: { fact: 'inventory', sql: 'SUM(i.available)' },
  reserved: { fact: 'inventory', sql: 'SUM(i.reserved)' },
  reorder_point: { fact: 'inventory', sql: 'SUM(i.reorder_point)' },
  on_order: { fact: 'inventory', sql: 'SUM(i.on_order)' },
  stock_value: { fact: 'inventory', sql: 'SUM(i.stock_value)' },
  /** Booked units sold, and their net amount, in the 90 days up to the as-of date: computed by a side query (see sql.ts). */
  sold90: { fact: 'inventory', sql: 'sold90' },
  sold90_net: { fact: 'inventory', sql: 'sold90_net' },
  // The stock ledger: every movement in or out of a warehouse, of any kind.
  units_in: { fact: 'stockMovement', sql: 'SUM(sm.quantity_in)' },
  units_out: { fact: 'stockMovement', sql: 'SUM(sm.quantity_out)' },
  net_movement: { fact: 'stockMovement', sql: 'SUM(sm.quantity)' },
  movements: { fact: 'stockMovement', sql: 'COUNT(sm.movement_id)' },
  quality_score: { fact: 'supplier', sql: 'AVG(e.quality_score)' },
  price_score: { fact: 'supplier', sql: 'AVG(e.price_score)' },
  // Purchase order lines sent to the supplier (a draft is not an order yet, a cancelled one was not bought).
  ordered_amount: { fact: 'purchase', sql: `SUM(po.ordered_amount) FILTER (WHERE ${PURCHASED})` },
  ordered_qty: { fact: 'purchase', sql: `SUM(po.ordered_qty) FILTER (WHERE ${PURCHASED})` },
  filled_qty: {
    fact: 'purchase',
    sql: `SUM(LEAST(po.received_qty, po.ordered_qty)) FILTER (WHERE ${PURCHASED})`,
  },
  // Receipts: one row per delivery of a purchase order line.
  deliveries: { fact: 'receipt', sql: 'COUNT(rc.receipt_id)' },
  on_time: { fact: 'receipt', sql: 'COUNT(rc.receipt_id) FILTER (WHERE rc.is_on_time)' },
  late: { fact: 'receipt', sql: 'COUNT(rc.receipt_id) FILTER (WHERE NOT rc.is_on_time)' },
  received_qty: { fact: 'receipt', sql: 'SUM(rc.quantity)' },
  received_amount: { fact: 'receipt', sql: 'SUM(rc.amount)' },
  lead_days: { fact: 'receipt', sql: 'SUM(rc.lead_time_days)' },
  products: { fact: 'catalog', sql: 'COUNT(DISTINCT p.product_id)' },
  customer_records: { fact: 'customerBase', sql: 'COUNT(DISTINCT c.customer_id)' },
};

export type Additivity = 'ADDITIVE' | 'SEMI_ADDITIVE' | 'NON_ADDITIVE';

export interface MeasureDef {
  name: string;
  title: string;
  titleFr: string;
  description: string;
  fact: FactName;
  /** The formula, for people. */
  formula: string;
  unit: string;
  /** Display format (ICU-like pattern). */
  format: string;
  additivity: Additivity;
  /** Aggregates used; `final` combines them ({name} = the component's value). */
  components: string[];
  final: string;
  /** Roles allowed (default: every role that may call the analytics API). */
  roles?: readonly Role[];
  /** A measure whose value needs one reference date: it cannot be grouped by a date level. */
  noDateGrouping?: boolean;
  /** Asked without a period, it covers this many months ending with the as-of month (one default period on every screen). */
  defaultPeriodMonths?: number;
}

const NOT_SALES: readonly Role[] = ['ADMIN', 'MANAGER', 'ANALYST'];

/** The unit of money amounts: the installation's reporting currency (see currency.ts), set per answer. */
export const MONEY = 'CURRENCY';

export const MEASURES: MeasureDef[] = [
  {
    name: 'revenue',
    title: 'Revenue (net)',
    titleFr: "Chiffre d'affaires (net)",
    description:
      'Net sales of booked orders (confirmed, shipped or delivered): after discounts, before tax; returns subtract; drafts and cancelled orders never count.',
    fact: 'sales',
    formula:
      'SUM(fact_sales.net_amount) over booked orders (CONFIRMED, SHIPPED, DELIVERED), RETURN lines negative',
    unit: MONEY,
    format: '#,##0.00',
    additivity: 'ADDITIVE',
    components: ['net'],
    final: '{net}',
  },
  {
    name: 'grossMargin',
    title: 'Gross margin',
    titleFr: 'Marge brute',
    description:
      'Net amount minus cost, over the booked lines whose cost is known (lines without a cost are left out; null when no line has one).',
    fact: 'sales',
    formula: 'SUM(net_amount - cost_amount) over booked lines with cost_amount IS NOT NULL',
    unit: MONEY,
    format: '#,##0.00',
    additivity: 'ADDITIVE',
    components: ['margin'],
    final: '{margin}',
  },
  {
    name: 'marginPct',
    title: 'Margin %',
    titleFr: 'Taux de marge',
    description:
      'Gross margin over the net amount of the same booked lines (those with a known cost); null when none.',
    fact: 'sales',
    formula:
      '100 × SUM(net_amount - cost_amount) / SUM(net_amount) over booked lines with cost_amount IS NOT NULL',
    unit: '%',
    format: '0.00',
    additivity: 'NON_ADDITIVE',
    components: ['margin', 'costed_net'],
    final: 'round(100 * {margin} / NULLIF({costed_net}, 0), 2)',
  },
  {
    name: 'units',
    title: 'Units sold',
    titleFr: 'Unités vendues',
    description: 'Quantities of booked orders; returned units subtract.',
    fact: 'sales',
    formula: 'SUM(fact_sales.quantity) over booked orders',
    unit: 'units',
    format: '#,##0',
    additivity: 'ADDITIVE',
    components: ['units'],
    final: '{units}',
  },
  {
    name: 'orders',
    title: 'Orders',
    titleFr: 'Commandes',
    description:
      'Distinct booked sales orders (returns are not orders) with at least one line in the selection.',
    fact: 'sales',
    formula: 'COUNT(DISTINCT fact_sales.order_id) over booked SALE orders',
    unit: 'orders',
    format: '#,##0',
    additivity: 'NON_ADDITIVE',
    components: ['orders'],
    final: '{orders}',
  },
  {
    name: 'averageBasket',
    title: 'Average order value',
    titleFr: 'Panier moyen',
    description: 'Revenue per booked sales order.',
    fact: 'sales',
    formula: 'revenue / orders',
    unit: MONEY,
    format: '#,##0.00',
    additivity: 'NON_ADDITIVE',
    components: ['net', 'orders'],
    final: 'round({net} / NULLIF({orders}, 0), 2)',
  },
  {
    name: 'customers',
    title: 'Buying customers',
    titleFr: 'Clients acheteurs',
    description:
      'Distinct customers (by business id, whatever their SCD2 version) with a booked sales order in the selection.',
    fact: 'sales',
    formula: 'COUNT(DISTINCT dim_customer.customer_id) over booked SALE orders',
    unit: 'customers',
    format: '#,##0',
    additivity: 'NON_ADDITIVE',
    components: ['customers'],
    final: '{customers}',
  },
  {
    name: 'placedValue',
    title: 'Orders placed (value)',
    titleFr: 'Commandes passées (valeur)',
    description:
      'Net value of every order placed, cancelled ones included (drafts excluded); returns subtract. Not revenue: use it to see demand before cancellations.',
    fact: 'sales',
    formula: 'SUM(fact_sales.net_amount) over orders CONFIRMED, SHIPPED, DELIVERED or CANCELLED',
    unit: MONEY,
    format: '#,##0.00',
    additivity: 'ADDITIVE',
    components: ['placed_net'],
    final: '{placed_net}',
  },
  {
    name: 'cancelledValue',
    title: 'Cancelled orders (value)',
    titleFr: 'Commandes annulées (valeur)',
    description: 'Net value of cancelled orders.',
    fact: 'sales',
    formula: 'SUM(fact_sales.net_amount) over CANCELLED orders',
    unit: MONEY,
    format: '#,##0.00',
    additivity: 'ADDITIVE',
    components: ['cancelled_net'],
    final: '{cancelled_net}',
  },
  {
    name: 'cancelledOrders',
    title: 'Cancelled orders',
    titleFr: 'Commandes annulées',
    description: 'Distinct cancelled orders.',
    fact: 'sales',
    formula: 'COUNT(DISTINCT fact_sales.order_id) over CANCELLED orders',
    unit: 'orders',
    format: '#,##0',
    additivity: 'NON_ADDITIVE',
    components: ['cancelled_orders'],
    final: '{cancelled_orders}',
  },
  {
    name: 'draftValue',
    title: 'Open drafts (value)',
    titleFr: 'Brouillons en cours (valeur)',
    description: 'Net value of orders still in draft (not yet confirmed).',
    fact: 'sales',
    formula: 'SUM(fact_sales.net_amount) over DRAFT orders',
    unit: MONEY,
    format: '#,##0.00',
    additivity: 'ADDITIVE',
    components: ['draft_net'],
    final: '{draft_net}',
  },
  {
    name: 'stockOnHand',
    title: 'Stock on hand',
    titleFr: 'Stock physique',
    description:
      'Units on hand at the last snapshot of the period (of each date member when grouped by date).',
    fact: 'inventory',
    formula: 'SUM(on_hand) at the last snapshot date',
    unit: 'units',
    format: '#,##0',
    additivity: 'SEMI_ADDITIVE',
    components: ['on_hand'],
    final: '{on_hand}',
  },
  {
    name: 'unitsOnOrder',
    title: 'Units on order',
    titleFr: 'Quantités en commande',
    description:
      'Units ordered from suppliers and not received yet, at the last snapshot of the period (of each date member when grouped by date).',
    fact: 'inventory',
    formula: 'SUM(on_order) at the last snapshot date',
    unit: 'units',
    format: '#,##0',
    additivity: 'SEMI_ADDITIVE',
    components: ['on_order'],
    final: '{on_order}',
  },
  {
    name: 'stockAvailable',
    title: 'Stock available',
    titleFr: 'Stock disponible',
    description: 'On hand minus reserved, at the last snapshot of the period.',
    fact: 'inventory',
    formula: 'SUM(available) at the last snapshot date',
    unit: 'units',
    format: '#,##0',
    additivity: 'SEMI_ADDITIVE',
    components: ['available'],
    final: '{available}',
  },
  {
    name: 'stockReserved',
    title: 'Stock reserved',
    titleFr: 'Stock réservé',
    description: 'Units reserved for confirmed orders not yet shipped, at the last snapshot of the period.',
    fact: 'inventory',
    formula: 'SUM(reserved) at the last snapshot date',
    unit: 'units',
    format: '#,##0',
    additivity: 'SEMI_ADDITIVE',
    components: ['reserved'],
    final: '{reserved}',
  },
  {
    name: 'reorderPoint',
    title: 'Reorder point',
    titleFr: 'Point de commande',
    description: 'Sum of the reorder points, at the last snapshot of the period.',
    fact: 'inventory',
    formula: 'SUM(reorder_point) at the last snapshot date',
    unit: 'units',
    format: '#,##0',
    additivity: 'SEMI_ADDITIVE',
    components: ['reorder_point'],
    final: '{reorder_point}',
  },
  {
    name: 'stockValue',
    title: 'Stock value',
    titleFr: 'Valeur du stock',
    description:
      'On hand valued at unit cost, at the last snapshot of the period (unknown costs count nothing).',
    fact: 'inventory',
    formula: 'SUM(stock_value) at the last snapshot date',
    unit: MONEY,
    format: '#,##0.00',
    additivity: 'SEMI_ADDITIVE',
    components: ['stock_value'],
    final: '{stock_value}',
  },
  {
    name: 'daysOfCover',
    title: 'Days of cover',
    titleFr: 'Jours de couverture',
    description:
      "Stock available (on hand minus reserved: what can still be sold) at the last snapshot, over the average daily units sold (booked orders, returns subtracting) in the 90 days up to the data's as-of date (or the snapshot, if earlier), for the same product/category/warehouse members; 0 when nothing is available, null when nothing was sold. Not groupable by date. The stock-out risk insight and its reorder recommendation read this measure.",
    fact: 'inventory',
    formula: 'max(SUM(available), 0) / (booked units sold over (as-of - 90 days, as-of] / 90)',
    unit: 'days',
    format: '0.0',
    additivity: 'NON_ADDITIVE',
    components: ['available', 'sold90'],
    final: 'round(GREATEST({available}, 0) / NULLIF({sold90} / 90.0, 0), 1)',
    noDateGrouping: true,
  },
  {
    name: 'unitsSold90Days',
    title: 'Units sold (last 90 days)',
    titleFr: 'Unités vendues (90 derniers jours)',
    description:
      "Units sold (booked orders, returns subtracting) in the 90 days up to the data's as-of date (or the stock snapshot, if earlier): the demand behind days of cover. Not groupable by date.",
    fact: 'inventory',
    formula: 'booked units sold over (as-of - 90 days, as-of]',
    unit: 'units',
    format: '#,##0',
    additivity: 'NON_ADDITIVE',
    components: ['sold90'],
    final: '{sold90}',
    noDateGrouping: true,
  },
  {
    name: 'revenue90Days',
    title: 'Revenue (last 90 days)',
    titleFr: "Chiffre d'affaires (90 derniers jours)",
    description:
      'Net revenue of booked orders (returns subtracting) in the same 90 days as units sold (last 90 days): what the stock covers. Not groupable by date.',
    fact: 'inventory',
    formula: 'booked net amount over (as-of - 90 days, as-of]',
    unit: MONEY,
    format: '#,##0.00',
    additivity: 'NON_ADDITIVE',
    components: ['sold90_net'],
    final: '{sold90_net}',
    noDateGrouping: true,
  },
  {
    name: 'stockUnitsIn',
    title: 'Units received into stock',
    titleFr: 'Unités entrées en stock',
    description:
      'Units that entered a warehouse, by the stock ledger: supplier receipts, transfers in, opening balances and upward adjustments (filter by movement kind for one of them), dated by the day the movement occurred.',
    fact: 'stockMovement',
    formula: 'SUM(fact_stock_movement.quantity_in)',
    unit: 'units',
    format: '#,##0',
    additivity: 'ADDITIVE',
    components: ['units_in'],
    final: '{units_in}',
    roles: NOT_SALES,
  },
  {
    name: 'stockUnitsOut',
    title: 'Units shipped out of stock',
    titleFr: 'Unités sorties du stock',
    description:
      'Units that left a warehouse, by the stock ledger: shipments to customers, transfers out and downward adjustments (filter by movement kind for one of them), dated by the day the movement occurred.',
    fact: 'stockMovement',
    formula: 'SUM(fact_stock_movement.quantity_out)',
    unit: 'units',
    format: '#,##0',
    additivity: 'ADDITIVE',
    components: ['units_out'],
    final: '{units_out}',
    roles: NOT_SALES,
  },
  {
    name: 'stockNetMovement',
    title: 'Net stock movement',
    titleFr: 'Variation nette du stock',
    description:
      'Units in minus units out, by the stock ledger: how much the stock on hand changed over the period (over all the data: the stock on hand).',
    fact: 'stockMovement',
    formula: 'SUM(fact_stock_movement.quantity) = units in - units out',
    unit: 'units',
    format: '#,##0',
    additivity: 'ADDITIVE',
    components: ['net_movement'],
    final: '{net_movement}',
    roles: NOT_SALES,
  },
  {
    name: 'stockMovementCount',
    title: 'Stock movements',
    titleFr: 'Mouvements de stock',
    description:
      'Movements recorded in the stock ledger (one per product, warehouse and posting: a transfer is two, one out and one in).',
    fact: 'stockMovement',
    formula: 'COUNT(fact_stock_movement)',
    unit: 'movements',
    format: '#,##0',
    additivity: 'ADDITIVE',
    components: ['movements'],
    final: '{movements}',
    roles: NOT_SALES,
  },
  {
    name: 'supplierDeliveries',
    title: 'Supplier deliveries',
    titleFr: 'Livraisons fournisseurs',
    description:
      'Deliveries received from suppliers: receipts of purchase order lines (one per line and receipt), dated by the day received.',
    fact: 'receipt',
    formula: 'COUNT(fact_purchase_receipt)',
    unit: 'deliveries',
    format: '#,##0',
    additivity: 'ADDITIVE',
    components: ['deliveries'],
    final: '{deliveries}',
    roles: NOT_SALES,
  },
  {
    name: 'supplierOnTimeDeliveries',
    title: 'On-time deliveries',
    titleFr: "Livraisons à l'heure",
    description: "Receipts on or before the purchase order line's expected date.",
    fact: 'receipt',
    formula: 'COUNT(fact_purchase_receipt) WHERE received date <= expected date',
    unit: 'deliveries',
    format: '#,##0',
    additivity: 'ADDITIVE',
    components: ['on_time'],
    final: '{on_time}',
    roles: NOT_SALES,
  },
  {
    name: 'supplierLateDeliveries',
    title: 'Late deliveries',
    titleFr: 'Livraisons en retard',
    description: "Receipts after the purchase order line's expected date.",
    fact: 'receipt',
    formula: 'COUNT(fact_purchase_receipt) WHERE received date > expected date',
    unit: 'deliveries',
    format: '#,##0',
    additivity: 'ADDITIVE',
    components: ['late'],
    final: '{late}',
    roles: NOT_SALES,
  },
  {
    name: 'supplierOnTimeRate',
    title: 'Supplier on-time rate',
    titleFr: 'Taux de ponctualité fournisseur',
    description:
      "Share of receipts (deliveries of purchase order lines) received on or before the line's expected date, in percent, measured on the receipts themselves — not the hand-entered evaluations. A ratio of counts, never an average of rates. Without a period: the 12 months ending with the as-of month.",
    fact: 'receipt',
    formula: '100 × COUNT(receipts on time) / COUNT(receipts)',
    unit: '%',
    format: '0.00',
    additivity: 'NON_ADDITIVE',
    components: ['on_time', 'deliveries'],
    final: 'round(100.0 * {on_time} / NULLIF({deliveries}, 0), 2)',
    roles: NOT_SALES,
    defaultPeriodMonths: 12,
  },
  {
    name: 'averageLeadTime',
    title: 'Average lead time',
    titleFr: "Délai moyen d'approvisionnement",
    description:
      'Days from the purchase order to its receipt, averaged over the receipts (measured, not the lead time the supplier quotes).',
    fact: 'receipt',
    formula: 'SUM(lead_time_days) / COUNT(receipts)',
    unit: 'days',
    format: '0.0',
    additivity: 'NON_ADDITIVE',
    components: ['lead_days', 'deliveries'],
    final: 'round({lead_days}::numeric / NULLIF({deliveries}, 0), 1)',
    roles: NOT_SALES,
  },
  {
    name: 'receivedQuantity',
    title: 'Units received',
    titleFr: 'Quantités reçues',
    description: 'Units received from suppliers against purchase orders, dated by the day received.',
    fact: 'receipt',
    formula: 'SUM(fact_purchase_receipt.quantity)',
    unit: 'units',
    format: '#,##0',
    additivity: 'ADDITIVE',
    components: ['received_qty'],
    final: '{received_qty}',
    roles: NOT_SALES,
  },
  {
    name: 'receivedValue',
    title: 'Receipts (value)',
    titleFr: 'Réceptions (valeur)',
    description: 'Units received valued at the purchase order unit cost, dated by the day received.',
    fact: 'receipt',
    formula: 'SUM(fact_purchase_receipt.quantity × unit_cost)',
    unit: MONEY,
    format: '#,##0.00',
    additivity: 'ADDITIVE',
    components: ['received_amount'],
    final: '{received_amount}',
    roles: NOT_SALES,
  },
  {
    name: 'purchaseAmount',
    title: 'Purchases (value)',
    titleFr: 'Achats (valeur)',
    description:
      'Value ordered from suppliers (quantity × unit cost) on purchase orders sent, partially received or received, dated by the order date; drafts and cancelled orders never count.',
    fact: 'purchase',
    formula: 'SUM(fact_purchase.ordered_amount) over orders SENT, PARTIALLY_RECEIVED, RECEIVED',
    unit: MONEY,
    format: '#,##0.00',
    additivity: 'ADDITIVE',
    components: ['ordered_amount'],
    final: '{ordered_amount}',
    roles: NOT_SALES,
  },
  {
    name: 'unitsPurchased',
    title: 'Units ordered from suppliers',
    titleFr: 'Quantités commandées aux fournisseurs',
    description: 'Units on purchase orders sent, partially received or received, dated by the order date.',
    fact: 'purchase',
    formula: 'SUM(fact_purchase.ordered_qty) over orders SENT, PARTIALLY_RECEIVED, RECEIVED',
    unit: 'units',
    format: '#,##0',
    additivity: 'ADDITIVE',
    components: ['ordered_qty'],
    final: '{ordered_qty}',
    roles: NOT_SALES,
  },
  {
    name: 'fillRate',
    title: 'Fill rate',
    titleFr: 'Taux de service quantité',
    description:
      'Units received (at most the quantity ordered, per line) over units ordered, in percent, on purchase orders sent, partially received or received, dated by the order date: a recent period counts orders still on their way.',
    fact: 'purchase',
    formula:
      '100 × SUM(LEAST(received_qty, ordered_qty)) / SUM(ordered_qty) over orders SENT, PARTIALLY_RECEIVED, RECEIVED',
    unit: '%',
    format: '0.00',
    additivity: 'NON_ADDITIVE',
    components: ['filled_qty', 'ordered_qty'],
    final: 'round(100.0 * {filled_qty} / NULLIF({ordered_qty}, 0), 2)',
    roles: NOT_SALES,
  },
  {
    name: 'supplierQualityScore',
    title: 'Supplier quality score',
    titleFr: 'Note qualité fournisseur',
    description: 'Mean of the hand-entered monthly quality scores of the supplier evaluations.',
    fact: 'supplier',
    formula: 'AVG(fact_supplier_evaluation.quality_score)',
    unit: 'score',
    format: '0.00',
    additivity: 'NON_ADDITIVE',
    components: ['quality_score'],
    final: 'round({quality_score}, 2)',
    roles: NOT_SALES,
  },
  {
    name: 'supplierPriceScore',
    title: 'Supplier price score',
    titleFr: 'Note prix fournisseur',
    description: 'Mean of the hand-entered monthly price scores of the supplier evaluations.',
    fact: 'supplier',
    formula: 'AVG(fact_supplier_evaluation.price_score)',
    unit: 'score',
    format: '0.00',
    additivity: 'NON_ADDITIVE',
    components: ['price_score'],
    final: 'round({price_score}, 2)',
    roles: NOT_SALES,
  },
  {
    name: 'productCount',
    title: 'Products',
    titleFr: 'Produits',
    description: 'Products in the catalog (every status), as of the last ETL run.',
    fact: 'catalog',
    formula: 'COUNT(DISTINCT dim_product.product_id) over current versions',
    unit: 'products',
    format: '#,##0',
    additivity: 'NON_ADDITIVE',
    components: ['products'],
    final: '{products}',
  },
  {
    name: 'customerCount',
    title: 'Customer records',
    titleFr: 'Fiches clients',
    description:
      'Customers in the ERP (every status), as of the last ETL run; not the customers who bought (see buying customers).',
    fact: 'customerBase',
    formula: 'COUNT(DISTINCT dim_customer.customer_id) over current versions',
    unit: 'customers',
    format: '#,##0',
    additivity: 'NON_ADDITIVE',
    components: ['customer_records'],
    final: '{customer_records}',
  },
];

export interface LevelDef {
  /** Full name: `dimension.level`. */
  name: string;
  dimension: string;
  level: string;
  title: string;
  /** Member key and label (SQL over the aliases above). */
  key: string;
  label: string;
  facts: FactName[];
  /** Names or identifies a person or a company: refused to ANALYST. */
  personal?: boolean;
  /** The same member over the rollup table, when the rollup has it. */
  rollup?: { key: string; label: string };
  /** Where members are looked up (validation): FROM clause using the same aliases. */
  membersFrom?: string;
  /**
   * The ERP record a member stands for (lookupMembers): its id, and the condition keeping one
   * version of it (SCD2 dimensions), over membersFrom.
   */
  record?: { id: string; current?: string };
  /** Fixed members (degenerate dimensions). */
  fixedMembers?: string[];
  /** The shape of a member, checked before any query (date levels). */
  pattern?: RegExp;
  /** A date level: the granularity it stands for. */
  granularity?: Granularity;
  parent?: string;
  child?: string;
}

export type Granularity = 'YEAR' | 'QUARTER' | 'MONTH' | 'DAY';

export interface DimensionDef {
  name: string;
  title: string;
  description: string;
  levels: Omit<LevelDef, 'name' | 'dimension' | 'parent' | 'child'>[];
}

const DATED_FACTS: FactName[] = ['sales', 'inventory', 'stockMovement', 'supplier', 'purchase', 'receipt'];
const BUY_FACTS: FactName[] = ['purchase', 'receipt'];

/** A geography level named by its own column, on sales and the customer base, kept as is in the rollups. */
const geographyArea = (level: 'region' | 'city', title: string): DimensionDef['levels'][number] => ({
  level,
  title,
  key: `g.${level}`,
  label: `g.${level}`,
  facts: ['sales', 'customerBase'],
  rollup: { key: `r.${level}`, label: `r.${level}` },
  membersFrom: 'dw.dim_geography g',
});

/** A level of the product tree: on sales, stock, its movements, the catalog and purchasing. */
const productTreeLevel = (
  level: string,
  title: string,
  key: string,
  label: string,
  rollup: { key: string; label: string },
  membersFrom = 'dw.dim_category cat',
): DimensionDef['levels'][number] => ({
  level,
  title,
  key,
  label,
  facts: ['sales', 'inventory', 'stockMovement', 'catalog', ...BUY_FACTS],
  rollup,
  membersFrom,
});

/** A category level (root or leaf): products without a category fall under '(none)' / 'No category'. */
const categoryLevel = (
  level: string,
  title: string,
  code: string,
  name: string,
  rollupKey: string,
  rollupLabel: string,
) =>
  productTreeLevel(level, title, `COALESCE(${code}, '(none)')`, `COALESCE(${name}, 'No category')`, {
    key: rollupKey,
    label: rollupLabel,
  });

export const DIMENSIONS: DimensionDef[] = [
  {
    name: 'date',
    title: 'Date',
    description:
      'Calendar (UTC days): year → quarter → month → day. Members: 2024, 2024-Q1, 2024-02, 2024-02-29.',
    levels: [
      {
        level: 'year',
        title: 'Year',
        key: 'd.year::text',
        label: 'd.year::text',
        facts: DATED_FACTS,
        rollup: { key: 'r.year::text', label: 'r.year::text' },
        membersFrom: 'dw.dim_date d',
        pattern: /^\d{4}$/,
        granularity: 'YEAR',
      },
      {
        level: 'quarter',
        title: 'Quarter',
        key: `d.year || '-Q' || d.quarter`,
        label: `d.year || '-Q' || d.quarter`,
        facts: DATED_FACTS,
        rollup: { key: `r.year || '-Q' || r.quarter`, label: `r.year || '-Q' || r.quarter` },
        membersFrom: 'dw.dim_date d',
        pattern: /^\d{4}-Q[1-4]$/,
        granularity: 'QUARTER',
      },
      {
        level: 'month',
        title: 'Month',
        key: 'd.year_month',
        label: 'd.year_month',
        facts: DATED_FACTS,
        rollup: { key: 'r.year_month', label: 'r.year_month' },
        membersFrom: 'dw.dim_date d',
        pattern: /^\d{4}-\d{2}$/,
        granularity: 'MONTH',
      },
      {
        level: 'day',
        title: 'Day',
        key: `to_char(d.full_date, 'YYYY-MM-DD')`,
        label: `to_char(d.full_date, 'YYYY-MM-DD')`,
        facts: DATED_FACTS,
        membersFrom: 'dw.dim_date d',
        pattern: /^\d{4}-\d{2}-\d{2}$/,
        granularity: 'DAY',
      },
    ],
  },
  {
    name: 'product',
    title: 'Product',
    description: 'Root category → category → product (SKU). Members are codes; labels are names.',
    levels: [
      categoryLevel('root', 'Root category', 'cat.root_code', 'cat.root_name', 'r.root_code', 'r.root_name'),
      categoryLevel('category', 'Category', 'cat.code', 'cat.name', 'r.category_code', 'r.category_name'),
      {
        ...productTreeLevel(
          'product',
          'Product',
          'p.sku',
          'p.name',
          { key: 'r.sku', label: 'r.product_name' },
          PRODUCT_FROM,
        ),
        record: { id: 'p.product_id', current: 'p.is_current' },
      },
    ],
  },
  {
    name: 'geography',
    title: 'Geography',
    description:
      "Country (ISO code) → region → city → customer (code). On sales: where the order ships (its ship-to address; the customer's address at the time of the order when it has none); on the customer base: the customer's address.",
    levels: [
      {
        level: 'country',
        title: 'Country',
        key: 'g.country_code',
        label: 'g.country_name',
        facts: ['sales', 'customerBase'],
        rollup: { key: 'r.country_code', label: 'r.country_name' },
        membersFrom: 'dw.dim_geography g',
      },
      geographyArea('region', 'Region'),
      geographyArea('city', 'City'),
      {
        level: 'customer',
        title: 'Customer',
        key: 'c.code',
        label: 'c.name',
        facts: ['sales'],
        personal: true,
        rollup: { key: 'r.customer_code', label: 'r.customer_name' },
        membersFrom: 'dw.dim_customer c',
        record: { id: 'c.customer_id', current: 'c.is_current' },
      },
    ],
  },
  {
    name: 'segment',
    title: 'Customer segment',
    description: 'The customer segment (SCD2: the segment at the time of the order).',
    levels: [
      {
        level: 'segment',
        title: 'Segment',
        key: 'c.segment',
        label: 'c.segment',
        facts: ['sales', 'customerBase'],
        rollup: { key: 'r.segment', label: 'r.segment' },
        membersFrom: 'dw.dim_customer c',
      },
    ],
  },
  {
    name: 'supplier',
    title: 'Supplier',
    description:
      "Suppliers by code. On purchases and receipts: the supplier of the purchase order; on sales, stock and the catalog: the product's main supplier (its preferred supply, else the shortest lead time), as of the last ETL run.",
    levels: [
      {
        level: 'supplier',
        title: 'Supplier',
        key: `COALESCE(sup.code, '(none)')`,
        label: `COALESCE(sup.name, 'No supplier')`,
        facts: ['supplier', 'sales', 'inventory', 'catalog', ...BUY_FACTS],
        membersFrom: 'dw.dim_supplier sup',
        record: { id: 'sup.supplier_id' },
      },
    ],
  },
  {
    name: 'salesRep',
    title: 'Sales representative',
    description: 'The employee owning the order (its sales rep), by user id; names the person.',
    levels: [
      {
        level: 'salesRep',
        title: 'Sales rep',
        key: `COALESCE(rep.sales_rep_id::text, '(none)')`,
        label: `COALESCE(rep.name, 'No sales rep')`,
        facts: ['sales'],
        personal: true,
        membersFrom: 'dw.dim_sales_rep rep',
      },
    ],
  },
  {
    name: 'carrier',
    title: 'Carrier',
    description: 'The carrier (shipper) taking the order, by code.',
    levels: [
      {
        level: 'carrier',
        title: 'Carrier',
        key: `COALESCE(car.code, '(none)')`,
        label: `COALESCE(car.name, 'No carrier')`,
        facts: ['sales'],
        membersFrom: 'dw.dim_carrier car',
      },
    ],
  },
  {
    name: 'order',
    title: 'Order',
    description: 'The order (its number): the grain of order amounts (unusual orders, order values).',
    levels: [
      {
        level: 'number',
        title: 'Order',
        key: 'f.order_number',
        label: 'f.order_number',
        facts: ['sales'],
        membersFrom: 'dw.fact_sales f',
      },
    ],
  },
  {
    name: 'productStatus',
    title: 'Product status',
    description:
      'ACTIVE or DISCONTINUED (of the product version: current in the catalog, at the order date in sales).',
    levels: [
      {
        level: 'status',
        title: 'Product status',
        key: 'p.status',
        label: 'p.status',
        facts: ['catalog', 'sales', 'inventory'],
        membersFrom: 'dw.dim_product p',
      },
    ],
  },
  {
    name: 'warehouse',
    title: 'Warehouse',
    description:
      'Warehouses by code (the shipping warehouse of a sale, the holding warehouse of stock, the warehouse a stock movement enters or leaves, the receiving warehouse of a purchase).',
    levels: [
      {
        level: 'warehouse',
        title: 'Warehouse',
        key: 'w.code',
        label: 'w.name',
        facts: ['sales', 'inventory', 'stockMovement', ...BUY_FACTS],
        rollup: { key: 'r.warehouse_code', label: 'r.warehouse_name' },
        membersFrom: 'dw.dim_warehouse w',
        record: { id: 'w.warehouse_id' },
      },
    ],
  },
  {
    name: 'orderStatus',
    title: 'Order status',
    description: 'DRAFT, CONFIRMED, SHIPPED, DELIVERED, CANCELLED (the current status of the order).',
    levels: [
      {
        level: 'status',
        title: 'Status',
        key: 's.status',
        label: 's.status',
        facts: ['sales'],
        rollup: { key: 'r.status', label: 'r.status' },
        membersFrom: 'dw.dim_order_status s',
      },
    ],
  },
  {
    name: 'orderKind',
    title: 'Order kind',
    description: 'SALE or RETURN (credit note, signed negative).',
    levels: [
      {
        level: 'kind',
        title: 'Kind',
        key: 'k.kind',
        label: 'k.kind',
        facts: ['sales'],
        rollup: { key: 'r.kind', label: 'r.kind' },
        membersFrom: 'dw.dim_order_kind k',
      },
    ],
  },
  {
    name: 'purchaseStatus',
    title: 'Purchase order status',
    description:
      'DRAFT, SENT, PARTIALLY_RECEIVED, RECEIVED, CANCELLED (the current status of the purchase order).',
    levels: [
      {
        level: 'status',
        title: 'Purchase status',
        key: 'po.status',
        label: 'po.status',
        facts: ['purchase'],
        fixedMembers: ['DRAFT', 'SENT', 'PARTIALLY_RECEIVED', 'RECEIVED', 'CANCELLED'],
      },
    ],
  },
  {
    name: 'stockMovementKind',
    title: 'Stock movement kind',
    description:
      'Why stock moved: OPENING (opening balance), RECEIPT (goods received), SHIPMENT (goods shipped to a customer), TRANSFER_OUT and TRANSFER_IN (between warehouses), ADJUSTMENT (a count or a correction, either way).',
    levels: [
      {
        level: 'kind',
        title: 'Movement kind',
        key: 'sm.movement_kind',
        label: 'sm.movement_kind',
        facts: ['stockMovement'],
        fixedMembers: ['OPENING', 'RECEIPT', 'SHIPMENT', 'ADJUSTMENT', 'TRANSFER_IN', 'TRANSFER_OUT'],
      },
    ],
  },
  {
    name: 'stockStatus',
    title: 'Stock status',
    description:
      'Of a stock line at a snapshot: OUT (nothing on hand), LOW (at or under its reorder point), OK.',
    levels: [
      {
        level: 'state',
        title: 'Stock state',
        key: `CASE WHEN i.on_hand = 0 THEN 'OUT' WHEN i.is_low THEN 'LOW' ELSE 'OK' END`,
        label: `CASE WHEN i.on_hand = 0 THEN 'OUT' WHEN i.is_low THEN 'LOW' ELSE 'OK' END`,
        facts: ['inventory'],
        fixedMembers: ['OUT', 'LOW', 'OK'],
      },
    ],
  },
];

/** Every level by full name, with its parent and child in the hierarchy. */
export const LEVELS: Map<string, LevelDef> = new Map(
  DIMENSIONS.flatMap((dim) =>
    dim.levels.map((l, i): [string, LevelDef] => {
      const name = `${dim.name}.${l.level}`;
      return [
        name,
        {
          ...l,
          name,
          dimension: dim.name,
          parent: i > 0 ? `${dim.name}.${dim.levels[i - 1]!.level}` : undefined,
          child: i < dim.levels.length - 1 ? `${dim.name}.${dim.levels[i + 1]!.level}` : undefined,
        },
      ];
    }),
  ),
);

export const MEASURE_BY_NAME: Map<string, MeasureDef> = new Map(MEASURES.map((m) => [m.name, m]));

/**
 * The rollup tables (pre-aggregations at month grain, refreshed by the ETL for the months it changed:
 * src/services/rollups.ts). Each says which levels it can group and filter by and which components it
 * holds; a query goes to the smallest fresh rollup that has all it needs, to the facts otherwise.
 */
export interface RollupDef {
  name: string;
  table: string;
  fact: FactName;
  levels: string[];
  components: string[];
  /** Keeps the customer: the SALES row-level filter can be applied to it (r.customer_id). */
  customerGrain: boolean;
  description: string;
}

const DATE_LEVELS = ['date.year', 'date.quarter', 'date.month'];
const AMOUNTS = ['net', 'margin', 'costed_net', 'units', 'placed_net', 'cancelled_net', 'draft_net'];

/**
 * A rollup of the sales fact: by month, by its own levels, then by status and kind (every rollup keeps
 * those, so the scoped variants of an amount come from the same column).
 */
const salesRollup = (
  name: string,
  levels: string[],
  components: string[],
  description: string,
  customerGrain = false,
): RollupDef => ({
  name,
  table: `analytics.${name}`,
  fact: 'sales',
  levels: [...DATE_LEVELS, ...levels, 'orderStatus.status', 'orderKind.kind'],
  components,
  customerGrain,
  description,
});

export const ROLLUPS: RollupDef[] = [
  salesRollup(
    'sales_segment_month',
    ['segment.segment'],
    [...AMOUNTS, 'orders', 'cancelled_orders'],
    'Sales by month × segment × status × kind: amounts, units and orders (a few rows a month: totals, trends, segment mix).',
  ),
  salesRollup(
    'sales_category_month',
    ['product.root', 'product.category'],
    AMOUNTS,
    'Sales by month × category (with root) × status × kind: net, margin, costed net, units.',
  ),
  salesRollup(
    'sales_region_month',
    ['geography.country', 'geography.region', 'segment.segment'],
    [...AMOUNTS, 'orders', 'cancelled_orders'],
    'Sales by month × country/region × segment × status × kind: amounts, units and orders.',
  ),
  salesRollup(
    'sales_order_month',
    ['geography.country', 'geography.region', 'geography.city', 'segment.segment'],
    [...AMOUNTS, 'orders', 'cancelled_orders'],
    'Sales by month × country/region/city × segment × status × kind: amounts, units and orders. No product level, so no row splits an order: the order count adds up (an order has one date, customer, place, status and kind).',
  ),
  salesRollup(
    'sales_month',
    ['product.root', 'product.category', 'geography.country', 'segment.segment'],
    AMOUNTS,
    'Sales by month × category (with root) × country × segment × status × kind: net, margin, costed net, units.',
  ),
  salesRollup(
    'sales_warehouse_month',
    ['warehouse.warehouse', 'product.root', 'product.category', 'product.product'],
    AMOUNTS,
    'Sales by month × shipping warehouse × product (with its category and root) × status × kind: net, margin, costed net, units.',
  ),
  salesRollup(
    'sales_product_month',
    ['product.root', 'product.category', 'product.product'],
    AMOUNTS,
    'Sales by month × product (with its category and root) × status × kind: net, margin, costed net, units.',
  ),
  salesRollup(
    'sales_customer_month',
    ['geography.country', 'geography.region', 'geography.city', 'geography.customer', 'segment.segment'],
    [...AMOUNTS, 'orders', 'cancelled_orders', 'customers'],
    'Sales by month × customer (with its place and segment at the time of the order) × status × kind: amounts, units, orders; distinct customers are counted over its rows. Serves SALES users (row-level security on the customer).',
    true,
  ),
];

/** A measure can come from a rollup when one rollup holds every component it needs. */
export const rollupable = (m: MeasureDef) =>
  ROLLUPS.some((r) => r.fact === m.fact && m.components.every((c) => r.components.includes(c)));

/** Levels that resolve to a granularity (the time dimension). */
export const GRANULARITY_LEVEL: Record<Granularity, string> = {
  YEAR: 'date.year',
  QUARTER: 'date.quarter',
  MONTH: 'date.month',
  DAY: 'date.day',
};

/** The semantic model as the `semanticModel` query serves it. */
export function describeModel(currency = 'EUR') {
  return {
    facts: Object.values(FACTS).map((f) => ({
      name: f.name,
      title: f.title,
      table: f.table,
      grain: f.grain,
    })),
    measures: MEASURES.map((m) => ({
      name: m.name,
      title: m.title,
      titleFr: m.titleFr,
      description: m.description,
      fact: m.fact,
      formula: m.formula,
      unit: m.unit === MONEY ? currency : m.unit,
      format: m.format,
      additivity: m.additivity,
      rollupable: rollupable(m),
      roles: m.roles ?? ['ADMIN', 'MANAGER', 'SALES', 'ANALYST'],
    })),
    dimensions: DIMENSIONS.map((d) => ({
      name: d.name,
      title: d.title,
      description: d.description,
      levels: [...LEVELS.values()]
        .filter((l) => l.dimension === d.name)
        .map((l) => ({
          name: l.name,
          title: l.title,
          facts: l.facts,
          personal: Boolean(l.personal),
          parent: l.parent ?? null,
          child: l.child ?? null,
        })),
    })),
    rollups: ROLLUPS.map((r) => ({
      name: r.name,
      table: r.table,
      fact: r.fact,
      levels: r.levels,
      measures: MEASURES.filter(
        (m) => m.fact === r.fact && m.components.every((c) => r.components.includes(c)),
      ).map((m) => m.name),
      description: r.description,
    })),
  };
}
