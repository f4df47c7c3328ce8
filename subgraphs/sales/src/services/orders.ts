import {
  allowedRoles,
  prepared,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  type Identity,
} from '@erp/kit';
import type { Tx } from '@erp/kit/db/tx';
import {
  type Connection,
  decodeCursor,
  keysetSql,
  lazyCount,
  lazyOnce,
  likePattern,
  mutate,
  type MutationSpec,
  optionalId,
  pageSize,
  parseId,
  positiveInt,
  sortOrder,
  toConnection,
} from '@erp/kit/graphql';
import type pg from 'pg';
import type { SalesContext } from '../context';
import type { DirectoryCustomer } from '../inventory';
import { ORDER_STATUSES } from '../db/schema/constants';
import { forgetOrder } from '../loaders';
import { LINE_SELECT, ORDER_COLUMNS, type OrderLineRow, type OrderRow } from '../rows';
import { withOrderLock } from './order-lock';

export type Spec = Omit<MutationSpec, 'name' | 'payload'>;

// ---------------------------------------------------------------------------------------------
// Row-level rules: a SALES user sees and acts on the orders whose sales rep they are; the other
// roles allowed to read orders (matrix) see them all; anyone else (reaching an order through
// `_entities`) sees none.

function mayReadOrders(identity: Identity): boolean {
  return identity.role === 'SERVICE' || (allowedRoles('Query', 'order') ?? []).includes(identity.role);
}

export function canSee(identity: Identity, row: Pick<OrderRow, 'salesRepId'>): boolean {
  if (!mayReadOrders(identity)) return false;
  return identity.role !== 'SALES' || (identity.userId !== null && row.salesRepId === identity.userId);
}

/** The row-level condition on `o`, as SQL with bound parameters (null: no restriction). */
function rowLevelSql(identity: Identity, params: unknown[]): string | null {
  if (!mayReadOrders(identity)) return 'FALSE';
  if (identity.role !== 'SALES') return null;
  if (identity.userId === null) return 'FALSE';
  return `o.sales_rep_id = $${params.push(identity.userId)}`;
}

// ---------------------------------------------------------------------------------------------
// Lists

const SORT_COLUMNS = { ORDERED_AT: 'ordered_at', NUMBER: 'number', UPDATED_AT: 'updated_at' } as const;
type SortField = keyof typeof SORT_COLUMNS;

export interface OrderFilterArgs {
  status?: string | null;
  customerId?: string | null;
  salesRepId?: string | null;
  warehouseId?: string | null;
  from?: Date | string | null;
  to?: Date | string | null;
  search?: string | null;
  updatedFrom?: Date | string | null;
}
export interface OrderListArgs {
  first?: number | null;
  after?: string | null;
  filter?: OrderFilterArgs | null;
  orderBy?: { field: SortField; direction?: 'ASC' | 'DESC' | null } | null;
}
export type OrderPage = Connection<OrderRow> & Required<Pick<Connection<OrderRow>, 'totalCount'>>;
export interface CustomerOrdersKey {
  customerId: number;
  args: OrderListArgs;
}

const sortOf = (orderBy: OrderListArgs['orderBy']) =>
  sortOrder(orderBy, SORT_COLUMNS, { field: 'ORDERED_AT', direction: 'DESC' });

/** The WHERE conditions of a filter on `o`, the row-level rule included. Values are bound parameters. */
function filterSql(identity: Identity, f: OrderFilterArgs, params: unknown[]): string[] {
  const where: string[] = [];
  const rowLevel = rowLevelSql(identity, params);
  if (rowLevel) where.push(rowLevel);
  if (f.status != null) {
    if (!(ORDER_STATUSES as readonly string[]).includes(f.status))
      throw new ValidationError('filter.status', f.status, 'unknown status');
    where.push(`o.status = $${params.push(f.status)}`);
  }
  if (f.customerId != null)
    where.push(`o.customer_id = $${params.push(parseId('filter.customerId', f.customerId))}`);
  if (f.salesRepId != null)
    where.push(`o.sales_rep_id = $${params.push(parseId('filter.salesRepId', f.salesRepId))}`);
  if (f.warehouseId != null)
    where.push(`o.warehouse_id = $${params.push(parseId('filter.warehouseId', f.warehouseId))}`);
  if (f.from != null) where.push(`o.ordered_at >= $${params.push(f.from)}`);
  if (f.to != null) where.push(`o.ordered_at < $${params.push(f.to)}`);
  if (f.updatedFrom != null) where.push(`o.updated_at >= $${params.push(f.updatedFrom)}`);
  if (f.search != null && f.search.trim() !== '') {
    if (f.search.length > 100)
      throw new ValidationError('filter.search', f.search, 'must be at most 100 characters');
    where.push(`o.number ILIKE $${params.push(likePattern(f.search))}`);
  }
  return where;
}

/** A cursor of an order list: the sort value as PostgreSQL printed it (text) and the id. */
function orderCursor(after: string | null | undefined): [string, number] | null {
  const cursor = decodeCursor(after, 2);
  if (!cursor) return null;
  if (typeof cursor[0] !== 'string' || !Number.isSafeInteger(cursor[1]))
    throw new ValidationError('after', after, 'is not a cursor from this list');
  return [cursor[0], cursor[1] as number];
}

const whereClause = (where: string[]) => (where.length ? `WHERE ${where.join(' AND ')}` : '');

/**
 * A page of orders (keyset on the sort key and id: an index scan that stops after the page) and,
 * only when the client selects totalCount, the count of all that match.
 */
export async function listOrders(ctx: SalesContext, args: OrderListArgs): Promise<OrderPage> {
  const limit = pageSize(args.first, ctx.identity);
  const { column, dir, cmp } = sortOf(args.orderBy);
  const params: unknown[] = [];
  const where = filterSql(ctx.identity, args.filter ?? {}, params);
  const countSql = `SELECT count(*)::int AS n FROM sales.orders o ${whereClause(where)}`;
  const countParams = [...params];
  const cursor = orderCursor(args.after);
  if (cursor)
    where.push(
      keysetSql(`o.${column}`, 'o.id', cmp, `$${params.push(cursor[0])}`, `$${params.push(cursor[1])}`),
    );
  const pageSql = `SELECT ${ORDER_COLUMNS}, o.${column}::text AS "sortKey" FROM sales.orders o ${whereClause(where)}
    ORDER BY o.${column} ${dir}, o.id ${dir} LIMIT $${params.push(limit + 1)}`;
  const page = await ctx.pool.query<OrderRow & { sortKey: string }>(prepared(pageSql, params));
  for (const row of page.rows) ctx.loaders.order.prime(row.id, row);
  return {
    ...toConnection(page.rows, limit, (r) => [r.sortKey, r.id]),
    totalCount: lazyCount(
      async () => (await ctx.pool.query<{ n: number }>(countSql, countParams)).rows[0]!.n,
    ),
  };
}

/**
 * Customer.orders for many customers at once (DataLoader batch): per distinct set of arguments,
 * one windowed query for the pages and, when totalCount is selected, one grouped query for the counts.
 */
export async function customerOrderPages(
  pool: pg.Pool,
  identity: Identity,
  keys: readonly CustomerOrdersKey[],
): Promise<(OrderPage | Error)[]> {
  const results: (OrderPage | Error)[] = new Array(keys.length);
  const groups = new Map<string, { args: OrderListArgs; at: number[] }>();
  keys.forEach((k, i) => {
    const sig = JSON.stringify([k.args.first, k.args.after, k.args.filter, k.args.orderBy]);
    const g = groups.get(sig) ?? { args: k.args, at: [] };
    g.at.push(i);
    groups.set(sig, g);
  });
  await Promise.all(
    [...groups.values()].map(async ({ args, at }) => {
      try {
        const limit = pageSize(args.first);
        const { column, dir, cmp } = sortOf(args.orderBy);
        const customerIds = [...new Set(at.map((i) => keys[i]!.customerId))];
        const params: unknown[] = [];
        const where = filterSql(identity, { ...(args.filter ?? {}), customerId: null }, params);
        const countParams = [...params];
        const countWhere = [...where, `o.customer_id = ANY($${countParams.push(customerIds)})`];
        const countSql = `SELECT o.customer_id AS "customerId", count(*)::int AS n FROM sales.orders o ${whereClause(countWhere)} GROUP BY o.customer_id`;
        // Each customer's page on its own (LATERAL … LIMIT): an index scan per customer that stops
        // after the page, whatever the number of orders the customer has.
        where.push('o.customer_id = c.id');
        const cursor = orderCursor(args.after);
        if (cursor)
          where.push(
            keysetSql(`o.${column}`, 'o.id', cmp, `$${params.push(cursor[0])}`, `$${params.push(cursor[1])}`),
          );
        const pageSql = `SELECT p.* FROM unnest($${params.push(customerIds)}::int[]) AS c(id) CROSS JOIN LATERAL (
            SELECT ${ORDER_COLUMNS}, o.${column}::text AS "sortKey" FROM sales.orders o ${whereClause(where)}
            ORDER BY o.${column} ${dir}, o.id ${dir} LIMIT $${params.push(limit + 1)}) p`;
        const page = await pool.query<OrderRow & { sortKey: string }>(pageSql, params);
        // One grouped count for all the customers of the group, run when a first totalCount is asked.
        const counts = lazyOnce(async () => {
          const { rows } = await pool.query<{ customerId: number; n: number }>(countSql, countParams);
          return new Map(rows.map((r) => [r.customerId, r.n]));
        });
        const rows = new Map<number, OrderRow[]>();
        for (const row of page.rows) rows.set(row.customerId, [...(rows.get(row.customerId) ?? []), row]);
        for (const i of at) {
          const id = keys[i]!.customerId;
          const mine = (rows.get(id) ?? []) as (OrderRow & { sortKey: string })[];
          results[i] = {
            ...toConnection(mine, limit, (r) => [r.sortKey, r.id]),
            totalCount: () => counts().then((n) => n.get(id) ?? 0),
          };
        }
      } catch (err) {
        for (const i of at) results[i] = err as Error;
      }
    }),
  );
  return results;
}

/** An order by id or number; NOT_FOUND when it does not exist or is not the caller's to see. */
export async function getOrder(
  ctx: SalesContext,
  args: { id?: unknown; number?: unknown },
): Promise<OrderRow> {
  let row: OrderRow | null = null;
  if (args.id != null) row = await ctx.loaders.order.load(parseId('id', args.id));
  else if (typeof args.number === 'string' && args.number.trim() !== '') {
    const { rows } = await ctx.pool.query<OrderRow>(
      `SELECT ${ORDER_COLUMNS} FROM sales.orders o WHERE o.number = $1`,
      [args.number.trim()],
    );
    row = rows[0] ?? null;
    if (row) ctx.loaders.order.prime(row.id, row);
  } else throw new ValidationError('id', args.id ?? null, 'give an id or a number');
  if (!row || !canSee(ctx.identity, row)) throw new NotFoundError('Order', args.id ?? args.number);
  return row;
}

/** An order for `_entities`: null when absent or not visible to the caller. */
export async function orderReference(ctx: SalesContext, id: unknown): Promise<OrderRow | null> {
  const row = await ctx.loaders.order.load(parseId('id', id));
  return row && canSee(ctx.identity, row) ? row : null;
}

// ---------------------------------------------------------------------------------------------
// Source totals (reconciliation of the warehouse)

export interface SalesTotals {
  orders: number;
  lines: number;
  units: number;
  netRevenue: string;
  byStatus: { status: string; orders: number; netRevenue: string }[];
}

/**
 * Totals over every order, in one query, exact: PostgreSQL numeric, each line's net amount rounded
 * to the cent as OrderLine.netAmount (LINE_SELECT), RETURN orders' units and amounts negative.
 * Only for roles that see every order (the matrix lets no one else call it; checked again here).
 */
export async function salesTotals(ctx: SalesContext): Promise<SalesTotals> {
  if (rowLevelSql(ctx.identity, []) !== null)
    throw new ForbiddenError('salesTotals covers every order: only roles that see all orders may call it');
  const { rows } = await ctx.pool.query<{
    status: string | null;
    orders: number;
    lines: number;
    units: number;
    netRevenue: string;
  }>(
    `WITH per_order AS (
       SELECT o.status, CASE WHEN o.kind = 'RETURN' THEN -1 ELSE 1 END AS sign,
              count(l.id) AS lines, coalesce(sum(l.quantity), 0) AS units,
              coalesce(sum(round(l.quantity * l.unit_price * (1 - l.discount), 2)), 0) AS net
       FROM sales.orders o LEFT JOIN sales.order_lines l ON l.order_id = o.id
       GROUP BY o.id)
     SELECT s.status::text AS status, count(p.sign)::bigint AS orders, coalesce(sum(p.lines), 0)::bigint AS lines,
            coalesce(sum(p.sign * p.units), 0)::bigint AS units, round(coalesce(sum(p.sign * p.net), 0), 2)::text AS "netRevenue"
     FROM unnest(enum_range(NULL::sales.order_status)) AS s(status) LEFT JOIN per_order p ON p.status = s.status
     GROUP BY GROUPING SETS ((s.status), ())
     ORDER BY grouping(s.status), s.status`,
  );
  const all = rows.find((r) => r.status === null)!;
  return {
    orders: all.orders,
    lines: all.lines,
    units: all.units,
    netRevenue: all.netRevenue,
    byStatus: rows
      .filter((r) => r.status !== null)
      .map((r) => ({ status: r.status!, orders: r.orders, netRevenue: r.netRevenue })),
  };
}

// ---------------------------------------------------------------------------------------------
// Amounts: exact, with integer cents (the line amounts come rounded to the cent from SQL).

export function toCents(value: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!m) throw new Error(`not a decimal: ${value}`);
  const frac = (m[3] ?? '').padEnd(2, '0');
  if (/[^0]/.test(frac.slice(2))) throw new Error(`more than 2 decimals: ${value}`);
  const cents = BigInt(m[2]!) * 100n + BigInt(frac.slice(0, 2));
  return m[1] ? -cents : cents;
}

export function fromCents(cents: bigint): string {
  const neg = cents < 0n;
  const abs = neg ? -cents : cents;
  return `${neg ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

export function totalsOf(lines: OrderLineRow[]) {
  let net = 0n;
  let tax = 0n;
  for (const l of lines) {
    net += toCents(String(l.netAmount));
    tax += toCents(String(l.taxAmount));
  }
  return { netAmount: fromCents(net), taxAmount: fromCents(tax), grossAmount: fromCents(net + tax) };
}

// ---------------------------------------------------------------------------------------------
// Writes

interface LineInput {
  productId: number;
  quantity: number;
  /** null: the catalog's list price, looked up when the order is written. */
  unitPrice: string | null;
  discount: string;
  /** null: the default (the product's category rate, else the customer's country standard rate). */
  taxRate: string | null;
}

function price(field: string, value: unknown): string {
  if (typeof value !== 'string' || !/^\d{1,10}(\.\d{1,2})?$/.test(value.trim())) {
    throw new ValidationError(field, value, 'must be a decimal number ≥ 0 with at most 2 decimals');
  }
  return value.trim();
}

function fraction(field: string, value: unknown): string {
  if (value === null || value === undefined) return '0';
  if (typeof value !== 'string' || !/^(0(\.\d{1,4})?|1(\.0{1,4})?)$/.test(value.trim())) {
    throw new ValidationError(
      field,
      value,
      'must be a fraction between 0 and 1 with at most 4 decimals (0.2 = 20 %)',
    );
  }
  return value.trim();
}

function parseLines(raw: unknown, field = 'input.lines'): LineInput[] {
  if (!Array.isArray(raw) || raw.length === 0)
    throw new ValidationError(field, raw, 'needs at least one line');
  if (raw.length > 500) throw new ValidationError(field, raw.length, 'at most 500 lines');
  return raw.map((l: Record<string, unknown>, i) => ({
    productId: parseId(`${field}[${i}].productId`, l.productId),
    quantity: positiveInt(`${field}[${i}].quantity`, l.quantity),
    unitPrice: l.unitPrice == null ? null : price(`${field}[${i}].unitPrice`, l.unitPrice),
    discount: fraction(`${field}[${i}].discount`, l.discount),
    taxRate: l.taxRate == null ? null : fraction(`${field}[${i}].taxRate`, l.taxRate),
  }));
}

function optionalText(field: string, value: unknown, max: number): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw new ValidationError(field, value, 'must be text');
  if (value.length > max) throw new ValidationError(field, value, `must be at most ${max} characters`);
  return value.trim() === '' ? null : value;
}

/**
 * Checks every line's product against the catalog (it must exist and be ACTIVE: a DISCONTINUED
 * product is not sold any more) and fills the missing unit prices with its list price; one call
 * for all the lines.
 */
async function priced(
  ctx: SalesContext,
  lines: LineInput[],
  field: string,
): Promise<(LineInput & { unitPrice: string })[]> {
  const products = await ctx.inventory.products(
    ctx.identity,
    lines.map((l) => l.productId),
  );
  return lines.map((l, i) => {
    const product = products.get(l.productId);
    if (!product)
      throw new ValidationError(
        `${field}[${i}].productId`,
        String(l.productId),
        'no such product in the catalog',
      );
    if (product.status !== 'ACTIVE')
      throw new ValidationError(
        `${field}[${i}].productId`,
        String(l.productId),
        `the product is ${product.status.toLowerCase()}: it cannot be ordered`,
      );
    return {
      ...l,
      unitPrice: l.unitPrice ?? product.listPrice,
      taxRate: l.taxRate ?? product.taxRate ?? null,
    };
  });
}

/** The country whose standard rate applies when a customer's country has no row of its own: the seller's. */
const HOME_COUNTRY = 'FR';

/**
 * Fills the tax rate of the lines that still have none (neither given nor set on the product's
 * category) with the standard rate of the customer's country (sales.country_tax_rates), or the
 * seller's home country's when that country has no row. Never 0 % by omission.
 */
async function taxed<L extends { taxRate: string | null }>(
  db: Pick<Tx, 'query'>,
  lines: L[],
  countryCode: string | null | undefined,
): Promise<(L & { taxRate: string })[]> {
  if (lines.every((l) => l.taxRate !== null)) return lines as (L & { taxRate: string })[];
  const { rows } = await db.query<{ rate: string }>(
    `SELECT coalesce((SELECT standard_rate FROM sales.country_tax_rates WHERE country_code = $1),
                     (SELECT standard_rate FROM sales.country_tax_rates WHERE country_code = $2))::text AS rate`,
    [countryCode ?? null, HOME_COUNTRY],
  );
  const rate = rows[0]?.rate;
  if (rate == null)
    throw new Error(`sales.country_tax_rates has no row for ${HOME_COUNTRY}, the default country`);
  return lines.map((l) => ({ ...l, taxRate: l.taxRate ?? rate }));
}

async function insertLines(
  tx: Tx,
  orderId: number,
  lines: (LineInput & { unitPrice: string; taxRate: string })[],
): Promise<void> {
  await tx.query(
    `INSERT INTO sales.order_lines (order_id, line_no, product_id, quantity, unit_price, discount, tax_rate)
     SELECT $1, l.ord::int, l.product_id, l.quantity, l.unit_price, l.discount, l.tax_rate
     FROM unnest($2::int[], $3::int[], $4::numeric[], $5::numeric[], $6::numeric[]) WITH ORDINALITY
       AS l(product_id, quantity, unit_price, discount, tax_rate, ord)`,
    [
      orderId,
      lines.map((l) => l.productId),
      lines.map((l) => l.quantity),
      lines.map((l) => l.unitPrice),
      lines.map((l) => l.discount),
      lines.map((l) => l.taxRate),
    ],
  );
}

export async function linesIn(tx: Tx, orderId: number): Promise<OrderLineRow[]> {
  return (await tx.query<OrderLineRow>(`${LINE_SELECT} WHERE l.order_id = $1 ORDER BY l.line_no`, [orderId]))
    .rows;
}

export async function recordHistory(
  tx: Tx,
  identity: Identity,
  orderId: number,
  from: string | null,
  to: string,
  note: string | null,
) {
  await tx.query(
    `INSERT INTO sales.order_status_history (order_id, from_status, to_status, changed_by, note) VALUES ($1, $2, $3, $4, $5)`,
    [orderId, from, to, identity.userId, note],
  );
}

/** An order as its workflow reads it (under the order's workflow lock); NOT_FOUND when absent or not the caller's. */
export async function readOrder(db: Pick<Tx, 'query'>, identity: Identity, id: number): Promise<OrderRow> {
  const row = (await db.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM sales.orders o WHERE o.id = $1`, [id]))
    .rows[0];
  if (!row || !canSee(identity, row)) throw new NotFoundError('Order', id);
  return row;
}

/** Locks an order for a change; NOT_FOUND when absent or not the caller's (same answer: no leak). */
export async function lockOrder(tx: Tx, identity: Identity, id: number): Promise<OrderRow> {
  const row = (
    await tx.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM sales.orders o WHERE o.id = $1 FOR UPDATE`, [id])
  ).rows[0];
  if (!row || !canSee(identity, row)) throw new NotFoundError('Order', id);
  return row;
}

/** Who the new order belongs to: a SALES user's own orders; ADMIN and MANAGER may assign anyone. */
function salesRepFor(identity: Identity, raw: unknown): number | null {
  const asked = optionalId('input.salesRepId', raw);
  if (identity.role === 'SALES') {
    if (asked !== null && asked !== identity.userId)
      throw new ForbiddenError('A SALES user creates orders for themselves only (input.salesRepId)');
    return identity.userId;
  }
  return asked;
}

export async function createOrder(
  ctx: SalesContext,
  input: Record<string, unknown>,
  spec: Spec,
): Promise<OrderRow> {
  const o = {
    customerId: parseId('input.customerId', input.customerId),
    warehouseId: parseId('input.warehouseId', input.warehouseId),
    lines: parseLines(input.lines),
    notes: optionalText('input.notes', input.notes, 2000),
    number: input.number == null ? null : orderNumber(input.number),
    currency: input.currency == null ? 'EUR' : currency(input.currency),
    salesRepId: salesRepFor(ctx.identity, input.salesRepId),
  };
  // The references are checked before anything is written (the other domains are asked once, outside the transaction).
  const [pricedLines] = await Promise.all([priced(ctx, o.lines, 'input.lines'), checkReferences(ctx, o)]);
  // The customer's country only for a line neither the input nor the product's category gives a
  // rate (the country is three lookups away in the customers domain: not paid on every order).
  const countryCode = pricedLines.some((l) => l.taxRate === null)
    ? (await ctx.customers.customer(ctx.identity, o.customerId, { country: true }))?.countryCode
    : null;
  const row = await mutate(ctx, { ...spec, name: 'createOrder', payload: o }, async (tx, audit) => {
    // A generated number is the next of the order-number sequence (SO-0039607 after an import that
    // ended at SO-0039606: one scheme for both). It can only be taken already by a number given by hand
    // or an import running meanwhile: then the next one is drawn.
    let order: OrderRow | undefined;
    for (let attempt = 0; !order && attempt < (o.number ? 1 : 5); attempt++) {
      const { rows } = await tx.query<OrderRow>(
        `INSERT INTO sales.orders AS o (number, customer_id, sales_rep_id, warehouse_id, currency, notes)
         VALUES (coalesce($1, sales.next_order_number()), $2, $3, $4, $5, $6)
         ON CONFLICT (number) DO NOTHING RETURNING ${ORDER_COLUMNS}`,
        [o.number, o.customerId, o.salesRepId, o.warehouseId, o.currency, o.notes],
      );
      order = rows[0];
    }
    if (!order)
      throw new ConflictError(
        o.number
          ? `Order number "${o.number}" already exists`
          : 'No free order number: the order-number sequence is behind the numbers in use (run an import or npm run db:migrate)',
        { field: 'input.number' },
      );
    // The country's rate is read in the order's own transaction: no second connection per order.
    await insertLines(tx, order.id, await taxed(tx, pricedLines, countryCode));
    await recordHistory(tx, ctx.identity, order.id, null, 'DRAFT', null);
    await audit({
      entity: 'Order',
      entityId: order.id,
      before: null,
      after: { ...order, lines: await linesIn(tx, order.id) },
    });
    return order;
  });
  forgetOrder(ctx.loaders, row.id);
  return row;
}

function orderNumber(value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$/.test(value.trim())) {
    throw new ValidationError('input.number', value, 'must be 1 to 40 letters, digits, ".", "_", "/" or "-"');
  }
  return value.trim();
}

function currency(value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Z]{3}$/.test(value))
    throw new ValidationError('input.currency', value, 'must be an ISO 4217 code such as "EUR"');
  return value;
}

/**
 * No order without real references: the customer exists, is ACTIVE and (for a SALES user) is one
 * of theirs; the warehouse exists. Another rep's customer gets the same answer as a missing one.
 */
async function checkReferences(
  ctx: SalesContext,
  o: { customerId?: number | null; warehouseId?: number | null },
): Promise<DirectoryCustomer | null> {
  const [customer, warehouse] = await Promise.all([
    o.customerId == null ? null : ctx.customers.customer(ctx.identity, o.customerId),
    o.warehouseId == null ? true : ctx.inventory.warehouseExists(ctx.identity, o.warehouseId),
  ]);
  if (o.customerId != null) {
    const theirs =
      ctx.identity.role !== 'SALES' || (customer !== null && customer.salesRepId === ctx.identity.userId);
    if (!customer || !theirs)
      throw new ValidationError('input.customerId', String(o.customerId), 'no such customer');
    if (customer.status !== 'ACTIVE')
      throw new ValidationError(
        'input.customerId',
        String(o.customerId),
        `the customer is ${customer.status.toLowerCase()}: orders may not be taken`,
      );
  }
  if (!warehouse) throw new ValidationError('input.warehouseId', String(o.warehouseId), 'no such warehouse');
  return customer;
}

/** Changes a DRAFT order: lines replaced as a whole, notes, warehouse. */
export async function updateOrder(
  ctx: SalesContext,
  id: number,
  input: Record<string, unknown>,
  spec: Spec,
): Promise<OrderRow> {
  const patch = {
    lines: input.lines == null ? null : parseLines(input.lines),
    notes: input.notes === undefined ? undefined : optionalText('input.notes', input.notes, 2000),
    warehouseId: optionalId('input.warehouseId', input.warehouseId),
  };
  const [pricedLines] = await Promise.all([
    patch.lines ? priced(ctx, patch.lines, 'input.lines') : null,
    checkReferences(ctx, { warehouseId: patch.warehouseId }),
  ]);
  // Lines without a rate take the default of the order's customer's country (asked only when needed).
  const country = async () => {
    const order = await readOrder(ctx.pool, ctx.identity, id);
    return (await ctx.customers.customer(ctx.identity, order.customerId, { country: true }))?.countryCode;
  };
  const countryCode = pricedLines?.some((l) => l.taxRate === null) ? await country() : null;
  // Under the order's workflow lock: a confirmation reserving the lines it read is never overtaken by a change of them.
  const row = await withOrderLock(ctx.pool, id, (client) =>
    mutate(
      ctx,
      { ...spec, name: 'updateOrder', payload: { id, ...patch } },
      async (tx, audit) => {
        const before = await lockOrder(tx, ctx.identity, id);
        if (before.status !== 'DRAFT') {
          throw new ConflictError(
            `Order ${before.number} is ${before.status}: only a DRAFT order can be changed`,
            { field: 'id' },
          );
        }
        const linesBefore = await linesIn(tx, id);
        const { rows } = await tx.query<OrderRow>(
          `UPDATE sales.orders o SET notes = CASE WHEN $2 THEN $3 ELSE notes END, warehouse_id = coalesce($4, warehouse_id)
       WHERE id = $1 RETURNING ${ORDER_COLUMNS}`,
          [id, patch.notes !== undefined, patch.notes ?? null, patch.warehouseId],
        );
        if (pricedLines) {
          await tx.query('DELETE FROM sales.order_lines WHERE order_id = $1', [id]);
          await insertLines(tx, id, await taxed(tx, pricedLines, countryCode));
        }
        await audit({
          entity: 'Order',
          entityId: id,
          before: { ...before, lines: linesBefore },
          after: { ...rows[0], lines: await linesIn(tx, id) },
        });
        return rows[0]!;
      },
      client,
    ),
  );
  forgetOrder(ctx.loaders, id);
  return row;
}
