import { ConflictError, InsufficientStockError, NotFoundError, ValidationError } from '@erp/kit';
import type { Tx } from '@erp/kit/db/tx';
import {
  decodeCursor,
  mutate,
  pageSize,
  parseId,
  positiveInt,
  requiredText,
  toConnection,
  type MutationSpec,
} from '@erp/kit/graphql';
import type { CatalogContext } from '../context';
import { STOCK_MOVEMENT_KINDS } from '../db/schema/constants';
import {
  MOVEMENT_COLUMNS,
  RESERVATION_COLUMNS,
  STOCK_COLUMNS,
  type ReservationRow,
  type StockLevelRow,
  type StockMovementRow,
} from '../rows';

type Spec = Omit<MutationSpec, 'name' | 'payload'>;

interface Line {
  productId: number;
  quantity: number;
}

/** Validates lines and merges repeated products, sorted by product id (the lock order). */
function parseLines(raw: unknown): Line[] {
  if (!Array.isArray(raw) || raw.length === 0)
    throw new ValidationError('input.lines', raw, 'needs at least one line');
  if (raw.length > 500) throw new ValidationError('input.lines', raw.length, 'at most 500 lines');
  const merged = new Map<number, number>();
  raw.forEach((l: { productId?: unknown; quantity?: unknown }, i) => {
    const productId = parseId(`input.lines[${i}].productId`, l.productId);
    const quantity = positiveInt(`input.lines[${i}].quantity`, l.quantity);
    merged.set(productId, (merged.get(productId) ?? 0) + quantity);
  });
  return [...merged]
    .map(([productId, quantity]) => ({ productId, quantity }))
    .sort((a, b) => a.productId - b.productId);
}

async function assertWarehouse(tx: Tx, field: string, id: number): Promise<void> {
  if (!(await tx.query('SELECT 1 FROM inventory.warehouses WHERE id = $1', [id])).rowCount)
    throw new ValidationError(field, String(id), 'no such warehouse');
}

async function assertProducts(tx: Tx, ids: number[]): Promise<Map<number, string>> {
  const { rows } = await tx.query<{ id: number; sku: string }>(
    'SELECT id, sku FROM catalog.products WHERE id = ANY($1)',
    [ids],
  );
  const skus = new Map(rows.map((r) => [r.id, r.sku]));
  const missing = ids.find((id) => !skus.has(id));
  if (missing) throw new ValidationError('input.lines.productId', String(missing), 'no such product');
  return skus;
}

/**
 * Locks the stock levels of the lines in product-id order (so two reservations never deadlock)
 * and checks that each has enough available stock; throws before anything is written.
 */
function lockAvailable(tx: Tx, warehouseId: number, lines: Line[], skus: Map<number, string>): Promise<void> {
  return checkAvailable(tx, warehouseId, lines, skus, true);
}

async function checkAvailable(
  tx: Tx,
  warehouseId: number,
  lines: Line[],
  skus: Map<number, string>,
  lock: boolean,
): Promise<void> {
  const { rows } = await tx.query<{ productId: number; onHand: number; reserved: number }>(
    `SELECT product_id AS "productId", on_hand AS "onHand", reserved FROM inventory.stock_levels
     WHERE warehouse_id = $1 AND product_id = ANY($2) ORDER BY product_id ${lock ? 'FOR UPDATE' : ''}`,
    [warehouseId, lines.map((l) => l.productId)],
  );
  const levels = new Map(rows.map((r) => [r.productId, r]));
  for (const line of lines) {
    const level = levels.get(line.productId);
    const available = level ? level.onHand - level.reserved : 0;
    if (available < line.quantity) {
      throw new InsufficientStockError({
        productId: line.productId,
        sku: skus.get(line.productId),
        warehouseId,
        requested: line.quantity,
        available,
      });
    }
  }
}

async function insertMovements(
  tx: Tx,
  movements: {
    productId: number;
    warehouseId: number;
    kind: string;
    quantity: number;
    reference: string | null;
    note: string | null;
  }[],
): Promise<StockMovementRow[]> {
  const { rows } = await tx.query<StockMovementRow>(
    `INSERT INTO inventory.stock_movements (product_id, warehouse_id, kind, quantity, reference, note)
     SELECT * FROM unnest($1::int[], $2::int[], $3::inventory.stock_movement_kind[], $4::int[], $5::text[], $6::text[])
     RETURNING ${MOVEMENT_COLUMNS}`,
    [
      movements.map((m) => m.productId),
      movements.map((m) => m.warehouseId),
      movements.map((m) => m.kind),
      movements.map((m) => m.quantity),
      movements.map((m) => m.reference),
      movements.map((m) => m.note),
    ],
  );
  return rows;
}

export function recordReceipt(ctx: CatalogContext, input: Record<string, unknown>, spec: Spec) {
  const warehouseId = parseId('input.warehouseId', input.warehouseId);
  const reference = requiredText('input.reference', input.reference, 100);
  const lines = parseLines(input.lines);
  const note = typeof input.note === 'string' ? input.note : null;
  return mutate(
    ctx,
    { ...spec, name: 'recordReceipt', payload: { warehouseId, reference, lines, note } },
    async (tx, audit) => {
      await assertWarehouse(tx, 'input.warehouseId', warehouseId);
      await assertProducts(
        tx,
        lines.map((l) => l.productId),
      );
      const rows = await insertMovements(
        tx,
        lines.map((l) => ({ ...l, warehouseId, kind: 'RECEIPT', reference, note })),
      );
      for (const m of rows) await audit({ entity: 'StockMovement', entityId: m.id, before: null, after: m });
      return rows;
    },
  );
}

export function recordAdjustment(ctx: CatalogContext, input: Record<string, unknown>, spec: Spec) {
  const warehouseId = parseId('input.warehouseId', input.warehouseId);
  const productId = parseId('input.productId', input.productId);
  const quantity = input.quantity;
  if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity === 0) {
    throw new ValidationError('input.quantity', quantity, 'must be a non-zero whole number');
  }
  const reason = requiredText('input.reason', input.reason, 500);
  return mutate(
    ctx,
    { ...spec, name: 'recordAdjustment', payload: { warehouseId, productId, quantity, reason } },
    async (tx, audit) => {
      await assertWarehouse(tx, 'input.warehouseId', warehouseId);
      const skus = await assertProducts(tx, [productId]);
      if (quantity < 0) await lockAvailable(tx, warehouseId, [{ productId, quantity: -quantity }], skus);
      const [row] = await insertMovements(tx, [
        { productId, warehouseId, kind: 'ADJUSTMENT', quantity, reference: null, note: reason },
      ]);
      await audit({ entity: 'StockMovement', entityId: row!.id, before: null, after: row });
      return row!;
    },
  );
}

export function transferStock(ctx: CatalogContext, input: Record<string, unknown>, spec: Spec) {
  const from = parseId('input.fromWarehouseId', input.fromWarehouseId);
  const to = parseId('input.toWarehouseId', input.toWarehouseId);
  if (from === to)
    throw new ValidationError('input.toWarehouseId', input.toWarehouseId, 'must differ from fromWarehouseId');
  const productId = parseId('input.productId', input.productId);
  const quantity = positiveInt('input.quantity', input.quantity);
  const reference = typeof input.reference === 'string' ? input.reference : null;
  return mutate(
    ctx,
    { ...spec, name: 'transferStock', payload: { from, to, productId, quantity, reference } },
    async (tx, audit) => {
      await assertWarehouse(tx, 'input.fromWarehouseId', from);
      await assertWarehouse(tx, 'input.toWarehouseId', to);
      const skus = await assertProducts(tx, [productId]);
      await lockAvailable(tx, from, [{ productId, quantity }], skus);
      const rows = await insertMovements(tx, [
        { productId, warehouseId: from, kind: 'TRANSFER_OUT', quantity: -quantity, reference, note: null },
        { productId, warehouseId: to, kind: 'TRANSFER_IN', quantity, reference, note: null },
      ]);
      for (const m of rows) await audit({ entity: 'StockMovement', entityId: m.id, before: null, after: m });
      return rows;
    },
  );
}

export function setReorderPoint(
  ctx: CatalogContext,
  args: { productId: unknown; warehouseId: unknown; reorderPoint: unknown },
  spec: Spec,
) {
  const productId = parseId('productId', args.productId);
  const warehouseId = parseId('warehouseId', args.warehouseId);
  const rp = args.reorderPoint;
  if (typeof rp !== 'number' || !Number.isInteger(rp) || rp < 0)
    throw new ValidationError('reorderPoint', rp, 'must be a whole number ≥ 0');
  return mutate(
    ctx,
    { ...spec, name: 'setReorderPoint', payload: { productId, warehouseId, rp } },
    async (tx, audit) => {
      await assertWarehouse(tx, 'warehouseId', warehouseId);
      await assertProducts(tx, [productId]);
      const before = (
        await tx.query<StockLevelRow>(
          `SELECT ${STOCK_COLUMNS} FROM inventory.stock_levels WHERE product_id = $1 AND warehouse_id = $2 FOR UPDATE`,
          [productId, warehouseId],
        )
      ).rows[0];
      const { rows } = await tx.query<StockLevelRow>(
        `INSERT INTO inventory.stock_levels (product_id, warehouse_id, reorder_point) VALUES ($1, $2, $3)
       ON CONFLICT (product_id, warehouse_id) DO UPDATE SET reorder_point = EXCLUDED.reorder_point RETURNING ${STOCK_COLUMNS}`,
        [productId, warehouseId, rp],
      );
      await audit({
        entity: 'StockLevel',
        entityId: `${productId}:${warehouseId}`,
        before: before ?? null,
        after: rows[0],
      });
      return rows[0]!;
    },
  );
}

// ---------------------------------------------------------------------------------------------
// Order stock: internal operations of the sales workflow. The matrix grants them to the sales
// service's identity alone, and they are not in the public API: a person can neither hold stock
// under a made-up reference nor release or ship another order's stock. Each acts on one order,
// by its id, with the lines the sales domain read from that order.

/** Reserves every line of one order, atomically: all lines or none (INSUFFICIENT_STOCK names the product). */
export function reserveOrderStock(ctx: CatalogContext, input: Record<string, unknown>) {
  const orderId = parseId('input.orderId', input.orderId);
  const reference = requiredText('input.orderNumber', input.orderNumber, 100);
  const warehouseId = parseId('input.warehouseId', input.warehouseId);
  const lines = parseLines(input.lines);
  return mutate(
    ctx,
    { name: 'reserveOrderStock', payload: { orderId, reference, warehouseId, lines } },
    async (tx, audit) => {
      await assertWarehouse(tx, 'input.warehouseId', warehouseId);
      const skus = await assertProducts(
        tx,
        lines.map((l) => l.productId),
      );
      const existing = await tx.query(
        `SELECT 1 FROM inventory.stock_reservations WHERE order_id = $1 AND status = 'ACTIVE' LIMIT 1`,
        [orderId],
      );
      if (existing.rowCount)
        throw new ConflictError(`Stock is already reserved for order ${reference}`, {
          field: 'input.orderId',
        });
      // Without a lock first: when the stock is already short, refuse at once instead of queueing
      // behind every other confirmation for the row lock just to be told the same.
      await checkAvailable(tx, warehouseId, lines, skus, false);
      await lockAvailable(tx, warehouseId, lines, skus);
      await tx.query(
        `UPDATE inventory.stock_levels s SET reserved = s.reserved + l.quantity
       FROM unnest($2::int[], $3::int[]) AS l(product_id, quantity)
       WHERE s.warehouse_id = $1 AND s.product_id = l.product_id`,
        [warehouseId, lines.map((l) => l.productId), lines.map((l) => l.quantity)],
      );
      const { rows } = await tx.query<ReservationRow>(
        `INSERT INTO inventory.stock_reservations (order_id, reference, product_id, warehouse_id, quantity)
       SELECT $1, $2, l.product_id, $3, l.quantity FROM unnest($4::int[], $5::int[]) AS l(product_id, quantity)
       ON CONFLICT (reference, product_id, warehouse_id) DO UPDATE SET order_id = EXCLUDED.order_id, quantity = EXCLUDED.quantity, status = 'ACTIVE'
       RETURNING ${RESERVATION_COLUMNS}`,
        [orderId, reference, warehouseId, lines.map((l) => l.productId), lines.map((l) => l.quantity)],
      );
      await audit({ entity: 'StockReservation', entityId: reference, before: null, after: rows });
      return rows;
    },
  );
}

/** The active reservation lines of an order and their stock levels, locked in the order reserveOrderStock locks them. */
async function lockReservations(
  tx: Tx,
  orderId: number,
  status: 'ACTIVE' | 'SHIPPED' = 'ACTIVE',
): Promise<ReservationRow[]> {
  const { rows } = await tx.query<ReservationRow>(
    `SELECT ${RESERVATION_COLUMNS} FROM inventory.stock_reservations WHERE order_id = $1 AND status = $2
     ORDER BY product_id, warehouse_id FOR UPDATE`,
    [orderId, status],
  );
  if (rows.length) {
    await tx.query(
      `SELECT 1 FROM inventory.stock_levels WHERE (product_id, warehouse_id) IN (SELECT * FROM unnest($1::int[], $2::int[]))
       ORDER BY product_id, warehouse_id FOR UPDATE`,
      [rows.map((r) => r.productId), rows.map((r) => r.warehouseId)],
    );
  }
  return rows;
}

async function setReserved(tx: Tx, rows: ReservationRow[], sign: 1 | -1): Promise<void> {
  await tx.query(
    `UPDATE inventory.stock_levels s SET reserved = s.reserved + $4 * r.quantity
     FROM unnest($1::int[], $2::int[], $3::int[]) AS r(product_id, warehouse_id, quantity)
     WHERE s.product_id = r.product_id AND s.warehouse_id = r.warehouse_id`,
    [rows.map((r) => r.productId), rows.map((r) => r.warehouseId), rows.map((r) => r.quantity), sign],
  );
}

async function setStatus(tx: Tx, orderId: number, from: string, to: string): Promise<ReservationRow[]> {
  return (
    await tx.query<ReservationRow>(
      `UPDATE inventory.stock_reservations SET status = $3 WHERE order_id = $1 AND status = $2 RETURNING ${RESERVATION_COLUMNS}`,
      [orderId, from, to],
    )
  ).rows;
}

/** Releases what one order holds; an order holding nothing gets an empty list (a retried compensation is harmless). */
export function releaseOrderStock(ctx: CatalogContext, orderIdRaw: unknown) {
  const orderId = parseId('orderId', orderIdRaw);
  return mutate(ctx, { name: 'releaseOrderStock', payload: { orderId } }, async (tx, audit) => {
    const rows = await lockReservations(tx, orderId);
    if (!rows.length) return [];
    await setReserved(tx, rows, -1);
    const after = await setStatus(tx, orderId, 'ACTIVE', 'RELEASED');
    await audit({ entity: 'StockReservation', entityId: rows[0]!.reference, before: rows, after });
    return after;
  });
}

/** The movements of an order's reservations (one per reserved line): `kind`, with each line's quantity and note. */
function reservationMovements(
  rows: ReservationRow[],
  kind: 'SHIPMENT' | 'ADJUSTMENT',
  each: (r: ReservationRow) => { quantity: number; note: string | null },
) {
  return rows.map((r) => {
    const { quantity, note } = each(r);
    return {
      productId: r.productId,
      warehouseId: r.warehouseId,
      kind,
      quantity,
      reference: r.reference,
      note,
    };
  });
}

/** Shipping one order: its reserved units leave (SHIPMENT movements) and its reservation is closed. */
export function shipOrderStock(ctx: CatalogContext, orderIdRaw: unknown) {
  const orderId = parseId('orderId', orderIdRaw);
  return mutate(ctx, { name: 'shipOrderStock', payload: { orderId } }, async (tx, audit) => {
    const rows = await lockReservations(tx, orderId);
    if (!rows.length) throw new NotFoundError('Active stock reservation of order', orderId);
    await setReserved(tx, rows, -1);
    await setStatus(tx, orderId, 'ACTIVE', 'SHIPPED');
    const movements = await insertMovements(
      tx,
      reservationMovements(rows, 'SHIPMENT', (r) => ({ quantity: -r.quantity, note: null })),
    );
    for (const m of movements)
      await audit({ entity: 'StockMovement', entityId: m.id, before: null, after: m });
    return movements;
  });
}

/**
 * Compensation of shipOrderStock when the order could not be marked shipped: the ledger is
 * append-only, so the units come back as ADJUSTMENT movements saying why, and are reserved again
 * for the order (which is still CONFIRMED; if it is not, the sweeper releases them).
 */
export function undoOrderShipment(ctx: CatalogContext, orderIdRaw: unknown) {
  const orderId = parseId('orderId', orderIdRaw);
  return mutate(ctx, { name: 'undoOrderShipment', payload: { orderId } }, async (tx, audit) => {
    const rows = await lockReservations(tx, orderId, 'SHIPPED');
    if (!rows.length) return [];
    const movements = await insertMovements(
      tx,
      reservationMovements(rows, 'ADJUSTMENT', (r) => ({
        quantity: r.quantity,
        note: `shipment of ${r.reference} undone: the order could not be marked shipped`,
      })),
    );
    await setReserved(tx, rows, 1);
    await setStatus(tx, orderId, 'SHIPPED', 'ACTIVE');
    for (const m of movements)
      await audit({ entity: 'StockMovement', entityId: m.id, before: null, after: m });
    return movements;
  });
}

/** Orders holding active reservations, by order id (keyset): what the sweeper checks against live orders. */
export async function orderStockHolds(
  ctx: CatalogContext,
  args: { afterOrderId?: unknown; first?: number | null },
) {
  const after = args.afterOrderId == null ? 0 : parseId('afterOrderId', args.afterOrderId);
  const first = args.first ?? 500;
  if (!Number.isInteger(first) || first < 1 || first > 5000)
    throw new ValidationError('first', first, 'must be between 1 and 5000');
  const { rows } = await ctx.pool.query<{ orderId: number; reference: string; since: Date }>(
    `SELECT order_id AS "orderId", min(reference) AS reference, min(created_at) AS since FROM inventory.stock_reservations
     WHERE status = 'ACTIVE' AND order_id > $1 GROUP BY order_id ORDER BY order_id LIMIT $2`,
    [after, first],
  );
  return rows;
}

/** The conditions of a stock list's filter on the warehouse and the product (the lists' other filters add theirs). */
function stockPlaceFilter(f: { warehouseId?: unknown; productId?: unknown }) {
  const params: unknown[] = [];
  const where: string[] = [];
  if (f.warehouseId)
    where.push(`warehouse_id = $${params.push(parseId('filter.warehouseId', f.warehouseId))}`);
  if (f.productId) where.push(`product_id = $${params.push(parseId('filter.productId', f.productId))}`);
  return { where, params };
}

export async function listStockLevels(
  ctx: CatalogContext,
  args: {
    first?: number | null;
    after?: string | null;
    filter?: { warehouseId?: string | null; productId?: string | null; lowOnly?: boolean | null } | null;
  },
) {
  const limit = pageSize(args.first, ctx.identity);
  const f = args.filter ?? {};
  const { where, params } = stockPlaceFilter(f);
  if (f.lowOnly) where.push(`on_hand - reserved <= reorder_point`);
  const cursor = decodeCursor(args.after, 2);
  if (cursor)
    where.push(`(product_id, warehouse_id) > ($${params.push(cursor[0])}, $${params.push(cursor[1])})`);
  const { rows } = await ctx.pool.query<StockLevelRow>(
    `SELECT ${STOCK_COLUMNS} FROM inventory.stock_levels ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY product_id, warehouse_id LIMIT $${params.push(limit + 1)}`,
    params,
  );
  return toConnection(rows, limit, (r) => [r.productId, r.warehouseId]);
}

export async function listStockMovements(
  ctx: CatalogContext,
  args: { first?: number | null; after?: string | null; filter?: Record<string, unknown> | null },
) {
  const limit = pageSize(args.first, ctx.identity);
  const f = args.filter ?? {};
  const { where, params } = stockPlaceFilter(f);
  if (f.kind) {
    if (!(STOCK_MOVEMENT_KINDS as readonly unknown[]).includes(f.kind))
      throw new ValidationError('filter.kind', f.kind, 'unknown kind');
    where.push(`kind = $${params.push(f.kind)}`);
  }
  if (typeof f.reference === 'string') where.push(`reference = $${params.push(f.reference)}`);
  if (f.from) where.push(`occurred_at >= $${params.push(f.from)}`);
  if (f.to) where.push(`occurred_at < $${params.push(f.to)}`);
  const cursor = decodeCursor(args.after, 1);
  if (cursor) where.push(`id < $${params.push(cursor[0])}`);
  const { rows } = await ctx.pool.query<StockMovementRow>(
    `SELECT ${MOVEMENT_COLUMNS} FROM inventory.stock_movements ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY id DESC LIMIT $${params.push(limit + 1)}`,
    params,
  );
  return toConnection(rows, limit, (r) => [r.id]);
}

/** A receipt key as the suppliers service builds it (PO id and receipt number or idempotency key): no LIKE wildcards. */
function receiptKey(field: string, raw: unknown): string {
  const key = requiredText(field, raw, 200);
  if (!/^[A-Za-z0-9:._-]+$/.test(key))
    throw new ValidationError(field, raw, 'letters, digits and : . _ - only');
  return key;
}
/** The ledger's natural key of one product's posting under a receipt key, and of its undoing. */
const postedKey = (key: string, productId: number) => `purchase-receipt:${key}:${productId}`;
const undoneKey = (key: string, productId: number) => `purchase-receipt-undone:${key}:${productId}`;

/** The movements posted under these ledger keys (the unique index answers). */
async function movementsByKeys(tx: Tx, keys: string[]): Promise<StockMovementRow[]> {
  const { rows } = await tx.query<StockMovementRow>(
    `SELECT ${MOVEMENT_COLUMNS} FROM inventory.stock_movements WHERE external_key = ANY($1::text[]) ORDER BY product_id`,
    [keys],
  );
  return rows;
}

/** A purchase stock posting's input, checked. */
function purchaseStockInput(input: Record<string, unknown>) {
  const occurredAt = input.occurredAt == null ? null : new Date(String(input.occurredAt));
  if (occurredAt && Number.isNaN(occurredAt.getTime()))
    throw new ValidationError('input.occurredAt', input.occurredAt, 'is not a date-time');
  return {
    key: receiptKey('input.receiptKey', input.receiptKey),
    warehouseId: parseId('input.warehouseId', input.warehouseId),
    reference: requiredText('input.reference', input.reference, 100),
    lines: parseLines(input.lines),
    occurredAt,
  };
}

/**
 * One purchase receipt's goods enter the warehouse: one RECEIPT movement per product, each under
 * the ledger's unique external key derived from `receiptKey`. A second call with the same key
 * (a retry after a lost answer) inserts nothing and returns the first call's movements, so the
 * stock is never posted twice; two concurrent calls with one key post once (the unique key makes
 * the second wait for the first, then find its rows).
 */
export function receivePurchaseStock(ctx: CatalogContext, input: Record<string, unknown>) {
  const { key, warehouseId, reference, lines, occurredAt } = purchaseStockInput(input);
  return mutate(
    ctx,
    { name: 'receivePurchaseStock', payload: { key, warehouseId, reference, lines } },
    async (tx, audit) => {
      await assertWarehouse(tx, 'input.warehouseId', warehouseId);
      await assertProducts(
        tx,
        lines.map((l) => l.productId),
      );
      const { rows } = await tx.query<StockMovementRow>(
        `INSERT INTO inventory.stock_movements (product_id, warehouse_id, kind, quantity, reference, external_key, occurred_at)
       SELECT p, $1, 'RECEIPT', q, $2, k, coalesce($6::timestamptz, now()) FROM unnest($3::int[], $4::int[], $5::text[]) AS l(p, q, k)
       ON CONFLICT (external_key) DO NOTHING RETURNING ${MOVEMENT_COLUMNS}`,
        [
          warehouseId,
          reference,
          lines.map((l) => l.productId),
          lines.map((l) => l.quantity),
          lines.map((l) => postedKey(key, l.productId)),
          occurredAt,
        ],
      );
      if (rows.length < lines.length) {
        // Already posted under this key (all of it: a posting is one transaction): the first result.
        if (rows.length)
          throw new ConflictError(`input.receiptKey: receipt ${key} was posted with other lines`, {
            field: 'input.receiptKey',
          });
        return movementsByKeys(
          tx,
          lines.map((l) => postedKey(key, l.productId)),
        );
      }
      for (const m of rows) await audit({ entity: 'StockMovement', entityId: m.id, before: null, after: m });
      return rows;
    },
  );
}

/**
 * Compensation of receivePurchaseStock, given the same input, when the suppliers service could not
 * record the receipt: the ledger is append-only, so the units posted under the key leave again as
 * ADJUSTMENT movements saying why, once (a retried compensation finds them). Nothing posted under
 * the key is not an error. When the units are already held by orders (on hand would drop below
 * reserved), it fails with CONFLICT and the posting stays: the stock is real.
 */
export function undoPurchaseStock(ctx: CatalogContext, input: Record<string, unknown>) {
  const { key, lines } = purchaseStockInput(input);
  return mutate(ctx, { name: 'undoPurchaseStock', payload: { key, lines } }, async (tx, audit) => {
    const undone = await movementsByKeys(
      tx,
      lines.map((l) => undoneKey(key, l.productId)),
    );
    if (undone.length) return undone;
    const posted = await movementsByKeys(
      tx,
      lines.map((l) => postedKey(key, l.productId)),
    );
    if (!posted.length) return [];
    const levels = await tx.query<{ productId: number; onHand: number; reserved: number }>(
      `SELECT product_id AS "productId", on_hand AS "onHand", reserved FROM inventory.stock_levels
       WHERE warehouse_id = $1 AND product_id = ANY($2) ORDER BY product_id FOR UPDATE`,
      [posted[0]!.warehouseId, posted.map((m) => m.productId)],
    );
    const level = new Map(levels.rows.map((l) => [l.productId, l]));
    const short = posted.find((m) => {
      const l = level.get(m.productId);
      return !l || l.onHand - m.quantity < l.reserved;
    });
    if (short)
      throw new ConflictError(
        `input.receiptKey: the units of receipt ${key} are already held or gone (product ${short.productId}); the posting stays`,
        { field: 'input.receiptKey' },
      );
    const { rows } = await tx.query<StockMovementRow>(
      `INSERT INTO inventory.stock_movements (product_id, warehouse_id, kind, quantity, reference, note, external_key)
       SELECT p, $1, 'ADJUSTMENT', -q, $2, $3, k FROM unnest($4::int[], $5::int[], $6::text[]) AS l(p, q, k) RETURNING ${MOVEMENT_COLUMNS}`,
      [
        posted[0]!.warehouseId,
        posted[0]!.reference,
        `receipt ${posted[0]!.reference ?? key} undone: the purchase receipt could not be recorded`,
        posted.map((m) => m.productId),
        posted.map((m) => m.quantity),
        posted.map((m) => undoneKey(key, m.productId)),
      ],
    );
    for (const m of rows) await audit({ entity: 'StockMovement', entityId: m.id, before: null, after: m });
    return rows;
  });
}

/**
 * Stock and recent outflow per product and warehouse (the suppliers service's replenishment input):
 * on hand, reserved, and the units shipped (SHIPMENT movements) since `since`.
 */
export async function stockDemand(
  ctx: CatalogContext,
  args: { since: unknown; productIds?: readonly unknown[] | null; warehouseId?: unknown },
) {
  const since = new Date(String(args.since));
  if (Number.isNaN(since.getTime())) throw new ValidationError('since', args.since, 'is not a date-time');
  const productIds = args.productIds?.map((p, i) => parseId(`productIds[${i}]`, p)) ?? null;
  const warehouseId = args.warehouseId == null ? null : parseId('warehouseId', args.warehouseId);
  const { rows } = await ctx.pool.query<{
    productId: number;
    warehouseId: number;
    onHand: number;
    reserved: number;
    shipped: number;
  }>(
    `WITH out AS (
       SELECT product_id, warehouse_id, -sum(quantity)::int AS shipped FROM inventory.stock_movements
       WHERE kind = 'SHIPMENT' AND occurred_at >= $1 AND ($2::int[] IS NULL OR product_id = ANY($2)) AND ($3::int IS NULL OR warehouse_id = $3)
       GROUP BY product_id, warehouse_id)
     SELECT s.product_id AS "productId", s.warehouse_id AS "warehouseId", s.on_hand AS "onHand", s.reserved, coalesce(o.shipped, 0) AS shipped
     FROM inventory.stock_levels s LEFT JOIN out o USING (product_id, warehouse_id)
     WHERE ($2::int[] IS NULL AND o.shipped IS NOT NULL OR s.product_id = ANY($2)) AND ($3::int IS NULL OR s.warehouse_id = $3)
     ORDER BY s.product_id, s.warehouse_id`,
    [since, productIds, warehouseId],
  );
  return rows;
}
