import {
  ConflictError,
  InvalidTransitionError,
  NotFoundError,
  ValidationError,
  type Identity,
} from '@erp/kit';
import type { Tx } from '@erp/kit/db/tx';
import {
  keysetPage,
  likePattern,
  mutate,
  pageSize,
  parseId,
  positiveInt,
  requiredText,
  sortOrder,
  type Audit,
  type MutationSpec,
  listPage,
  type RowInputService,
} from '@erp/kit/graphql';
import type { SuppliersContext } from '../context';
import {
  PURCHASE_ORDER_STATUSES,
  PURCHASE_ORDER_TRANSITIONS,
  type PurchaseOrderStatus,
} from '../db/schema/constants';
import type { PurchaseOrderLineRow, PurchaseOrderRow, SupplyRow } from '../rows';
import { LINE_COLUMNS, PO_COLUMNS } from '../rows-purchasing';
import { SUPPLY_COLUMNS } from '../rows';

export type Spec = Omit<MutationSpec, 'name' | 'payload'>;

const SORT_COLUMNS = {
  ORDERED_AT: 'ordered_at',
  EXPECTED_DATE: 'expected_date',
  NUMBER: 'number',
  UPDATED_AT: 'updated_at',
} as const;
type SortField = keyof typeof SORT_COLUMNS;

export interface PurchaseOrderListArgs {
  first?: number | null;
  after?: string | null;
  filter?: {
    status?: string | null;
    supplierId?: string | null;
    warehouseId?: string | null;
    productId?: string | null;
    from?: string | Date | null;
    to?: string | Date | null;
    search?: string | null;
    overdueOnly?: boolean | null;
    updatedFrom?: string | Date | null;
  } | null;
  orderBy?: { field: SortField; direction?: 'ASC' | 'DESC' | null } | null;
}

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A calendar date YYYY-MM-DD that exists (2000 to 2100). */
export function calendarDate(field: string, value: unknown): string {
  if (typeof value !== 'string' || !DATE.test(value))
    throw new ValidationError(field, value, 'must be a date, YYYY-MM-DD');
  const d = new Date(`${value}T00:00:00Z`);
  if (
    Number.isNaN(d.getTime()) ||
    d.toISOString().slice(0, 10) !== value ||
    value < '2000-01-01' ||
    value > '2100-12-31'
  ) {
    throw new ValidationError(field, value, 'is not a calendar date between 2000 and 2100');
  }
  return value;
}

export const todayUtc = (now = new Date()) => now.toISOString().slice(0, 10);
export const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

function poStatus(field: string, value: unknown): PurchaseOrderStatus {
  if (typeof value !== 'string' || !(PURCHASE_ORDER_STATUSES as readonly string[]).includes(value))
    throw new ValidationError(field, value, 'unknown status');
  return value as PurchaseOrderStatus;
}

function optionalText(field: string, value: unknown, max: number): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw new ValidationError(field, value, 'must be text');
  const v = value.trim();
  if (v.length > max) throw new ValidationError(field, value, `must be at most ${max} characters`);
  return v === '' ? null : v;
}

function currency(value: unknown): string {
  if (value == null) return 'EUR';
  if (typeof value !== 'string' || !/^[A-Za-z]{3}$/.test(value.trim()))
    throw new ValidationError('input.currency', value, 'must be an ISO 4217 code (3 letters)');
  return value.trim().toUpperCase();
}

function unitCost(field: string, value: unknown): string {
  if (typeof value !== 'string' || !/^\d{1,10}(\.\d{1,4})?$/.test(value.trim()))
    throw new ValidationError(field, value, 'must be a decimal ≥ 0 with at most 4 decimals');
  return value.trim();
}

export function assertTransition(
  po: Pick<PurchaseOrderRow, 'number' | 'status'>,
  to: PurchaseOrderStatus,
): void {
  const from = po.status as PurchaseOrderStatus;
  if (!(PURCHASE_ORDER_TRANSITIONS[from] ?? []).includes(to))
    throw new InvalidTransitionError(`Purchase order ${po.number}`, from, to);
}

// ---------------------------------------------------------------- reads

export async function readPurchaseOrder(
  db: Pick<Tx, 'query'>,
  id: number,
  lock = false,
): Promise<PurchaseOrderRow> {
  const { rows } = await db.query<PurchaseOrderRow>(
    `SELECT ${PO_COLUMNS} FROM suppliers.purchase_orders po WHERE po.id = $1 ${lock ? 'FOR UPDATE OF po' : ''}`,
    [id],
  );
  if (!rows[0]) throw new NotFoundError('Purchase order', id);
  return rows[0];
}

export async function readLines(db: Pick<Tx, 'query'>, id: number): Promise<PurchaseOrderLineRow[]> {
  const { rows } = await db.query<PurchaseOrderLineRow>(
    `SELECT ${LINE_COLUMNS} FROM suppliers.purchase_order_lines l JOIN suppliers.purchase_orders po ON po.id = l.purchase_order_id
     WHERE l.purchase_order_id = $1 ORDER BY l.line_no`,
    [id],
  );
  return rows;
}

/** A page of purchase orders: bound parameters only, whitelisted column names. */
export async function listPurchaseOrders(
  ctx: SuppliersContext,
  args: PurchaseOrderListArgs,
  supplierId?: number,
) {
  const limit = pageSize(args.first, ctx.identity);
  const { column, desc } = sortOrder(args.orderBy, SORT_COLUMNS, {
    field: 'ORDERED_AT',
    direction: 'DESC',
  });
  // expected_date lives on the lines: the order's is the latest of them
  const sortExpr =
    column === 'expected_date'
      ? `(SELECT max(x.expected_date) FROM suppliers.purchase_order_lines x WHERE x.purchase_order_id = po.id)`
      : `po.${column}`;
  const where: string[] = [];
  const params: unknown[] = [];
  const f = args.filter ?? {};
  if (supplierId) where.push(`po.supplier_id = $${params.push(supplierId)}`);
  if (f.status) where.push(`po.status = $${params.push(poStatus('filter.status', f.status))}`);
  if (f.supplierId)
    where.push(`po.supplier_id = $${params.push(parseId('filter.supplierId', f.supplierId))}`);
  if (f.warehouseId)
    where.push(`po.warehouse_id = $${params.push(parseId('filter.warehouseId', f.warehouseId))}`);
  if (f.productId) {
    where.push(
      `EXISTS (SELECT 1 FROM suppliers.purchase_order_lines pl WHERE pl.purchase_order_id = po.id AND pl.product_id = $${params.push(parseId('filter.productId', f.productId))})`,
    );
  }
  if (f.from) where.push(`po.ordered_at >= $${params.push(f.from)}`);
  if (f.to) where.push(`po.ordered_at < $${params.push(f.to)}`);
  if (f.search) where.push(`po.number ILIKE $${params.push(likePattern(f.search))}`);
  if (f.overdueOnly) {
    where.push(`po.status IN ('SENT', 'PARTIALLY_RECEIVED') AND EXISTS (SELECT 1 FROM suppliers.purchase_order_lines pl
      WHERE pl.purchase_order_id = po.id AND pl.received_quantity < pl.quantity AND pl.expected_date < (now() AT TIME ZONE 'UTC')::date)`);
  }
  return keysetPage<PurchaseOrderRow>(ctx.pool, {
    table: 'suppliers.purchase_orders',
    alias: 'po',
    columns: PO_COLUMNS,
    where,
    params,
    sortExpr,
    desc,
    sortCast: column === 'expected_date' ? '::date' : column === 'number' ? '' : '::timestamptz',
    ...listPage(args, limit, ctx.loaders.purchaseOrder),
  });
}

export async function getPurchaseOrder(
  ctx: SuppliersContext,
  args: { id?: unknown; number?: unknown },
): Promise<PurchaseOrderRow | null> {
  if (args.id != null && args.number != null)
    throw new ValidationError('number', args.number, 'give either id or number, not both');
  if (args.id != null) return ctx.loaders.purchaseOrder.load(parseId('id', args.id));
  if (args.number != null) {
    const { rows } = await ctx.pool.query<PurchaseOrderRow>(
      `SELECT ${PO_COLUMNS} FROM suppliers.purchase_orders po WHERE po.number = $1`,
      [requiredText('number', args.number, 40)],
    );
    return rows[0] ?? null;
  }
  throw new ValidationError('id', null, 'give id or number');
}

// ---------------------------------------------------------------- writes

interface LineInput {
  productId: number;
  quantity: number;
  unitCost: string;
  expectedDate: string;
}

/** Raw lines checked for shape (costs and dates may still be missing: filled from the supplies). */
function parseLineShapes(raw: unknown, field: string) {
  if (!Array.isArray(raw) || raw.length === 0)
    throw new ValidationError(field, raw, 'needs at least one line');
  if (raw.length > 500) throw new ValidationError(field, raw.length, 'at most 500 lines');
  const seen = new Set<number>();
  return raw.map((l: Record<string, unknown>, i) => {
    const productId = parseId(`${field}[${i}].productId`, l.productId);
    if (seen.has(productId))
      throw new ValidationError(
        `${field}[${i}].productId`,
        l.productId,
        'a product may appear on one line only',
      );
    seen.add(productId);
    return {
      productId,
      quantity: positiveInt(`${field}[${i}].quantity`, l.quantity),
      unitCost: l.unitCost == null ? null : unitCost(`${field}[${i}].unitCost`, l.unitCost),
      expectedDate:
        l.expectedDate == null ? null : calendarDate(`${field}[${i}].expectedDate`, l.expectedDate),
    };
  });
}

async function supplies(
  db: Pick<Tx, 'query'>,
  supplierId: number,
  productIds: number[],
): Promise<Map<number, SupplyRow>> {
  const { rows } = await db.query<SupplyRow>(
    `SELECT ${SUPPLY_COLUMNS} FROM suppliers.product_supplies WHERE supplier_id = $1 AND product_id = ANY($2)`,
    [supplierId, productIds],
  );
  return new Map(rows.map((r) => [r.productId, r]));
}

/** Every line complete: a missing cost is the supplier's for the product, a missing date the order's or today + lead time. */
async function completeLines(
  db: Pick<Tx, 'query'>,
  supplierId: number,
  shapes: ReturnType<typeof parseLineShapes>,
  defaultDate: string | null,
  field: string,
): Promise<LineInput[]> {
  const offers = await supplies(
    db,
    supplierId,
    shapes.map((s) => s.productId),
  );
  return shapes.map((s, i) => {
    const offer = offers.get(s.productId);
    const cost = s.unitCost ?? offer?.unitCost;
    if (cost == null)
      throw new ValidationError(
        `${field}[${i}].unitCost`,
        null,
        `is required: supplier ${supplierId} has no offer for product ${s.productId}`,
      );
    const date = s.expectedDate ?? defaultDate ?? (offer ? addDays(todayUtc(), offer.leadTimeDays) : null);
    if (!date)
      throw new ValidationError(
        `${field}[${i}].expectedDate`,
        null,
        'is required: no order expected date and no supplier lead time for the product',
      );
    return { productId: s.productId, quantity: s.quantity, unitCost: String(cost), expectedDate: date };
  });
}

/** The catalog must know the warehouse and every product (another domain: asked through its API). */
async function assertCatalogRefs(
  ctx: SuppliersContext,
  warehouseId: number | null,
  productIds: number[],
  field: string,
): Promise<void> {
  if (warehouseId !== null && !(await ctx.stock().warehouseExists(ctx.identity, warehouseId))) {
    throw new ValidationError('input.warehouseId', String(warehouseId), 'no such warehouse');
  }
  if (!productIds.length) return;
  const found = await ctx.stock().products(ctx.identity, productIds);
  productIds.forEach((id, i) => {
    const p = found.get(id);
    if (!p) throw new ValidationError(`${field}[${i}].productId`, String(id), 'no such product');
    if (p.status !== 'ACTIVE')
      throw new ValidationError(`${field}[${i}].productId`, String(id), 'the product is discontinued');
  });
}

async function insertLines(tx: Tx, poId: number, lines: LineInput[]): Promise<void> {
  await tx.query(
    `INSERT INTO suppliers.purchase_order_lines (purchase_order_id, line_no, product_id, quantity, unit_cost, expected_date)
     SELECT $1, n, p, q, c, d FROM unnest($2::int[], $3::int[], $4::int[], $5::numeric[], $6::date[]) AS l(n, p, q, c, d)`,
    [
      poId,
      lines.map((_, i) => i + 1),
      lines.map((l) => l.productId),
      lines.map((l) => l.quantity),
      lines.map((l) => l.unitCost),
      lines.map((l) => l.expectedDate),
    ],
  );
}

export async function recordHistory(
  tx: Tx,
  who: Identity,
  poId: number,
  from: string | null,
  to: string,
  note: string | null,
): Promise<void> {
  await tx.query(
    `INSERT INTO suppliers.purchase_order_history (purchase_order_id, from_status, to_status, changed_by, note) VALUES ($1, $2, $3, $4, $5)`,
    [poId, from, to, who.userId, note],
  );
}

async function activeSupplier(tx: Tx, supplierId: number, field: string): Promise<void> {
  const { rows } = await tx.query<{ status: string }>(
    'SELECT status FROM suppliers.suppliers WHERE id = $1 FOR SHARE',
    [supplierId],
  );
  if (!rows[0]) throw new ValidationError(field, String(supplierId), 'no such supplier');
  if (rows[0].status !== 'ACTIVE')
    throw new ValidationError(field, String(supplierId), 'the supplier is INACTIVE');
}

/** Inserts a DRAFT order and its lines (number PO-<year>-<id> when not given), with its history row. */
async function insertOrder(
  ctx: SuppliersContext,
  tx: Tx,
  audit: Audit,
  o: {
    supplierId: number;
    warehouseId: number;
    lines: LineInput[];
    currency: string;
    number: string | null;
    notes: string | null;
    recommendationId: string | null;
  },
): Promise<PurchaseOrderRow> {
  const { rows } = await tx.query<{ id: number }>(
    `WITH n AS (SELECT nextval(pg_get_serial_sequence('suppliers.purchase_orders', 'id')) AS id)
     INSERT INTO suppliers.purchase_orders (id, number, supplier_id, warehouse_id, currency, notes, source_recommendation_id, created_by)
     SELECT n.id, coalesce($1, format('PO-%s-%s', to_char(now() AT TIME ZONE 'UTC', 'YYYY'), lpad(n.id::text, 6, '0'))), $2, $3, $4, $5, $6, $7 FROM n
     ON CONFLICT (number) DO NOTHING RETURNING id`,
    [o.number, o.supplierId, o.warehouseId, o.currency, o.notes, o.recommendationId, ctx.identity.userId],
  );
  if (!rows[0])
    throw new ConflictError(`input.number: purchase order number "${o.number}" already exists`, {
      field: 'input.number',
    });
  await insertLines(tx, rows[0].id, o.lines);
  await recordHistory(
    tx,
    ctx.identity,
    rows[0].id,
    null,
    'DRAFT',
    o.recommendationId ? `from recommendation ${o.recommendationId}` : null,
  );
  const after = await readPurchaseOrder(tx, rows[0].id);
  await audit({
    entity: 'PurchaseOrder',
    entityId: after.id,
    before: null,
    after: { ...after, lines: o.lines },
  });
  return after;
}

export async function createPurchaseOrder(
  ctx: SuppliersContext,
  input: Record<string, unknown>,
  spec: Spec,
): Promise<PurchaseOrderRow> {
  const supplierId = parseId('input.supplierId', input.supplierId);
  const warehouseId = parseId('input.warehouseId', input.warehouseId);
  const shapes = parseLineShapes(input.lines, 'input.lines');
  const defaultDate =
    input.expectedDate == null ? null : calendarDate('input.expectedDate', input.expectedDate);
  const o = {
    supplierId,
    warehouseId,
    currency: currency(input.currency),
    number: input.number == null ? null : requiredText('input.number', input.number, 40),
    notes: optionalText('input.notes', input.notes, 2000),
    recommendationId: null,
  };
  await assertCatalogRefs(
    ctx,
    warehouseId,
    shapes.map((s) => s.productId),
    'input.lines',
  );
  const row = await mutate(
    ctx,
    { ...spec, name: 'createPurchaseOrder', payload: { ...o, shapes, defaultDate } },
    async (tx, audit) => {
      await activeSupplier(tx, supplierId, 'input.supplierId');
      const lines = await completeLines(tx, supplierId, shapes, defaultDate, 'input.lines');
      return insertOrder(ctx, tx, audit, { ...o, lines });
    },
  );
  ctx.loaders.purchaseOrder.clear(row.id);
  return row;
}

/** Changes a DRAFT order: lines replaced as a whole, warehouse, notes. */
export const updatePurchaseOrder: RowInputService<SuppliersContext, PurchaseOrderRow> = async (
  ctx,
  id,
  input,
  spec,
) => {
  const shapes = input.lines == null ? null : parseLineShapes(input.lines, 'input.lines');
  const warehouseId = input.warehouseId == null ? null : parseId('input.warehouseId', input.warehouseId);
  const notes = input.notes === undefined ? undefined : optionalText('input.notes', input.notes, 2000);
  await assertCatalogRefs(ctx, warehouseId, shapes?.map((s) => s.productId) ?? [], 'input.lines');
  const row = await mutate(
    ctx,
    { ...spec, name: 'updatePurchaseOrder', payload: { id, shapes, warehouseId, notes } },
    async (tx, audit) => {
      const before = await readPurchaseOrder(tx, id, true);
      if (before.status !== 'DRAFT')
        throw new InvalidTransitionError(`Purchase order ${before.number}`, before.status, 'DRAFT');
      const beforeLines = await readLines(tx, id);
      if (shapes) {
        const lines = await completeLines(tx, before.supplierId, shapes, null, 'input.lines');
        await tx.query('DELETE FROM suppliers.purchase_order_lines WHERE purchase_order_id = $1', [id]);
        await insertLines(tx, id, lines);
      }
      // Always an UPDATE of the order: its updated_at moves with its lines (the ETL's watermark).
      await tx.query(
        `UPDATE suppliers.purchase_orders SET warehouse_id = coalesce($2, warehouse_id), notes = CASE WHEN $3 THEN $4 ELSE notes END WHERE id = $1`,
        [id, warehouseId, notes !== undefined, notes ?? null],
      );
      const after = await readPurchaseOrder(tx, id);
      await audit({
        entity: 'PurchaseOrder',
        entityId: id,
        before: { ...before, lines: beforeLines },
        after: { ...after, lines: await readLines(tx, id) },
      });
      return after;
    },
  );
  ctx.loaders.purchaseOrder.clear(id);
  return row;
};

const STAMP: Partial<Record<PurchaseOrderStatus, string>> = {
  SENT: 'sent_at',
  CANCELLED: 'cancelled_at',
  RECEIVED: 'received_at',
};

/** Moves a locked order to `to` (its timestamp, a history row, an audit row). */
export async function transition(
  ctx: SuppliersContext,
  tx: Tx,
  audit: Audit,
  before: PurchaseOrderRow,
  to: PurchaseOrderStatus,
  note: string | null,
): Promise<PurchaseOrderRow> {
  const stamp = STAMP[to];
  await tx.query(
    `UPDATE suppliers.purchase_orders SET status = $2${stamp ? `, ${stamp} = now()` : ''} WHERE id = $1`,
    [before.id, to],
  );
  if (before.status !== to) await recordHistory(tx, ctx.identity, before.id, before.status, to, note);
  const after = await readPurchaseOrder(tx, before.id);
  await audit({ entity: 'PurchaseOrder', entityId: before.id, before, after });
  return after;
}

async function simpleTransition(
  ctx: SuppliersContext,
  name: string,
  id: number,
  to: PurchaseOrderStatus,
  note: string | null,
  spec: Spec,
  check?: (tx: Tx, po: PurchaseOrderRow) => Promise<void>,
) {
  const row = await mutate(ctx, { ...spec, name, payload: { id, note } }, async (tx, audit) => {
    const before = await readPurchaseOrder(tx, id, true);
    assertTransition(before, to);
    await check?.(tx, before);
    return transition(ctx, tx, audit, before, to, note);
  });
  ctx.loaders.purchaseOrder.clear(id);
  return row;
}

/** DRAFT → SENT: from now on its units are on order and its lead times count. */
export function sendPurchaseOrder(ctx: SuppliersContext, id: number, spec: Spec) {
  return simpleTransition(ctx, 'sendPurchaseOrder', id, 'SENT', null, spec, async (tx, po) => {
    if (!(await readLines(tx, id)).length)
      throw new ValidationError('id', String(id), `purchase order ${po.number} has no line`);
  });
}

/** DRAFT or SENT → CANCELLED (SENT means nothing was received yet). */
export function cancelPurchaseOrder(ctx: SuppliersContext, id: number, reason: unknown, spec: Spec) {
  return simpleTransition(
    ctx,
    'cancelPurchaseOrder',
    id,
    'CANCELLED',
    requiredText('reason', reason, 500),
    spec,
  );
}

/** PARTIALLY_RECEIVED → RECEIVED: the rest will not come. */
export function closePurchaseOrder(ctx: SuppliersContext, id: number, reason: unknown, spec: Spec) {
  const note = requiredText('reason', reason, 500);
  return simpleTransition(ctx, 'closePurchaseOrder', id, 'RECEIVED', note, spec, async (_tx, po) => {
    if (po.status !== 'PARTIALLY_RECEIVED')
      throw new InvalidTransitionError(
        `Purchase order ${po.number} (only a partially received order is closed)`,
        po.status,
        'RECEIVED',
      );
  });
}

/**
 * A REORDER recommendation as a DRAFT order: one line, the supply's cost and minimum, expected in
 * the measured lead time (else the quoted one). One open order per recommendation: while an order
 * made from it is DRAFT or SENT, that order is the answer (a second click creates nothing).
 */
export async function createPurchaseOrderFromRecommendation(
  ctx: SuppliersContext,
  input: Record<string, unknown>,
  spec: Spec,
): Promise<PurchaseOrderRow> {
  const recommendationId = requiredText('input.recommendationId', input.recommendationId, 200);
  const productId = parseId('input.productId', input.productId);
  const supplierId = parseId('input.supplierId', input.supplierId);
  const warehouseId = parseId('input.warehouseId', input.warehouseId);
  const quantity = positiveInt('input.quantity', input.quantity);
  await assertCatalogRefs(ctx, warehouseId, [productId], 'input.productId');
  const row = await mutate(
    ctx,
    {
      ...spec,
      name: 'createPurchaseOrderFromRecommendation',
      payload: { recommendationId, productId, supplierId, warehouseId, quantity },
    },
    async (tx, audit) => {
      // One open order per recommendation: serialize the creations from the same recommendation.
      await tx.query(`SELECT pg_advisory_xact_lock(7402115, hashtext($1))`, [recommendationId]);
      const open = await tx.query<PurchaseOrderRow>(
        `SELECT ${PO_COLUMNS} FROM suppliers.purchase_orders po WHERE po.source_recommendation_id = $1 AND po.status IN ('DRAFT', 'SENT') ORDER BY po.id LIMIT 1`,
        [recommendationId],
      );
      if (open.rows[0]) return open.rows[0];
      await activeSupplier(tx, supplierId, 'input.supplierId');
      const offer = (await supplies(tx, supplierId, [productId])).get(productId);
      if (!offer)
        throw new ValidationError(
          'input.supplierId',
          String(supplierId),
          `the supplier has no offer for product ${productId}`,
        );
      const measured = await tx.query<{ days: number | null }>(
        `SELECT ceil(avg(r.lead_time_days))::int AS days FROM suppliers.purchase_receipts r
       JOIN suppliers.purchase_order_lines l ON l.id = r.line_id JOIN suppliers.purchase_orders po ON po.id = r.purchase_order_id
       WHERE po.supplier_id = $1 AND l.product_id = $2`,
        [supplierId, productId],
      );
      const leadDays = measured.rows[0]?.days ?? offer.leadTimeDays;
      const lines = [
        {
          productId,
          quantity: Math.ceil(quantity / offer.minOrderQuantity) * offer.minOrderQuantity,
          unitCost: offer.unitCost,
          expectedDate: addDays(todayUtc(), leadDays),
        },
      ];
      return insertOrder(ctx, tx, audit, {
        supplierId,
        warehouseId,
        lines,
        currency: 'EUR',
        number: null,
        notes: null,
        recommendationId,
      });
    },
  );
  ctx.loaders.purchaseOrder.clear(row.id);
  return row;
}
