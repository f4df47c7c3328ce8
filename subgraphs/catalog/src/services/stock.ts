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
  if (!Array.isArray(raw) || raw.length === 0) throw new ValidationError('input.lines', raw, 'needs at least one line');
  if (raw.length > 500) throw new ValidationError('input.lines', raw.length, 'at most 500 lines');
  const merged = new Map<number, number>();
  raw.forEach((l: { productId?: unknown; quantity?: unknown }, i) => {
    const productId = parseId(`input.lines[${i}].productId`, l.productId);
    const quantity = positiveInt(`input.lines[${i}].quantity`, l.quantity);
    merged.set(productId, (merged.get(productId) ?? 0) + quantity);
  });
  return [...merged].map(([productId, quantity]) => ({ productId, quantity })).sort((a, b) => a.productId - b.productId);
}

async function assertWarehouse(tx: Tx, field: string, id: number): Promise<void> {
  if (!(await tx.query('SELECT 1 FROM inventory.warehouses WHERE id = $1', [id])).rowCount) throw new ValidationError(field, String(id), 'no such warehouse');
}

async function assertProducts(tx: Tx, ids: number[]): Promise<Map<number, string>> {
  const { rows } = await tx.query<{ id: number; sku: string }>('SELECT id, sku FROM catalog.products WHERE id = ANY($1)', [ids]);
  const skus = new Map(rows.map((r) => [r.id, r.sku]));
  const missing = ids.find((id) => !skus.has(id));
  if (missing) throw new ValidationError('input.lines.productId', String(missing), 'no such product');
  return skus;
}

/**
 * Locks the stock levels of the lines in product-id order (so two reservations never deadlock)
 * and checks that each has enough available stock; throws before anything is written.
 */
async function lockAvailable(tx: Tx, warehouseId: number, lines: Line[], skus: Map<number, string>): Promise<void> {
  const { rows } = await tx.query<{ productId: number; onHand: number; reserved: number }>(
    `SELECT product_id AS "productId", on_hand AS "onHand", reserved FROM inventory.stock_levels
     WHERE warehouse_id = $1 AND product_id = ANY($2) ORDER BY product_id FOR UPDATE`,
    [warehouseId, lines.map((l) => l.productId)],
  );
  const levels = new Map(rows.map((r) => [r.productId, r]));
  for (const line of lines) {
    const level = levels.get(line.productId);
    const available = level ? level.onHand - level.reserved : 0;
    if (available < line.quantity) {
      throw new InsufficientStockError({ productId: line.productId, sku: skus.get(line.productId), warehouseId, requested: line.quantity, available });
    }
  }
}

async function insertMovements(
  tx: Tx,
  movements: { productId: number; warehouseId: number; kind: string; quantity: number; reference: string | null; note: string | null }[],
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
  return mutate(ctx, { ...spec, name: 'recordReceipt', payload: { warehouseId, reference, lines, note } }, async (tx, audit) => {
    await assertWarehouse(tx, 'input.warehouseId', warehouseId);
    await assertProducts(tx, lines.map((l) => l.productId));
    const rows = await insertMovements(tx, lines.map((l) => ({ ...l, warehouseId, kind: 'RECEIPT', reference, note })));
    for (const m of rows) await audit({ entity: 'StockMovement', entityId: m.id, before: null, after: m });
    return rows;
  });
}

export function recordAdjustment(ctx: CatalogContext, input: Record<string, unknown>, spec: Spec) {
  const warehouseId = parseId('input.warehouseId', input.warehouseId);
  const productId = parseId('input.productId', input.productId);
  const quantity = input.quantity;
  if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity === 0) {
    throw new ValidationError('input.quantity', quantity, 'must be a non-zero whole number');
  }
  const reason = requiredText('input.reason', input.reason, 500);
  return mutate(ctx, { ...spec, name: 'recordAdjustment', payload: { warehouseId, productId, quantity, reason } }, async (tx, audit) => {
    await assertWarehouse(tx, 'input.warehouseId', warehouseId);
    const skus = await assertProducts(tx, [productId]);
    if (quantity < 0) await lockAvailable(tx, warehouseId, [{ productId, quantity: -quantity }], skus);
    const [row] = await insertMovements(tx, [{ productId, warehouseId, kind: 'ADJUSTMENT', quantity, reference: null, note: reason }]);
    await audit({ entity: 'StockMovement', entityId: row!.id, before: null, after: row });
    return row!;
  });
}

export function transferStock(ctx: CatalogContext, input: Record<string, unknown>, spec: Spec) {
  const from = parseId('input.fromWarehouseId', input.fromWarehouseId);
  const to = parseId('input.toWarehouseId', input.toWarehouseId);
  if (from === to) throw new ValidationError('input.toWarehouseId', input.toWarehouseId, 'must differ from fromWarehouseId');
  const productId = parseId('input.productId', input.productId);
  const quantity = positiveInt('input.quantity', input.quantity);
  const reference = typeof input.reference === 'string' ? input.reference : null;
  return mutate(ctx, { ...spec, name: 'transferStock', payload: { from, to, productId, quantity, reference } }, async (tx, audit) => {
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
  });
}

export function setReorderPoint(ctx: CatalogContext, args: { productId: unknown; warehouseId: unknown; reorderPoint: unknown }, spec: Spec) {
  const productId = parseId('productId', args.productId);
  const warehouseId = parseId('warehouseId', args.warehouseId);
  const rp = args.reorderPoint;
  if (typeof rp !== 'number' || !Number.isInteger(rp) || rp < 0) throw new ValidationError('reorderPoint', rp, 'must be a whole number ≥ 0');
  return mutate(ctx, { ...spec, name: 'setReorderPoint', payload: { productId, warehouseId, rp } }, async (tx, audit) => {
    await assertWarehouse(tx, 'warehouseId', warehouseId);
    await assertProducts(tx, [productId]);
    const before = (await tx.query<StockLevelRow>(`SELECT ${STOCK_COLUMNS} FROM inventory.stock_levels WHERE product_id = $1 AND warehouse_id = $2 FOR UPDATE`, [productId, warehouseId])).rows[0];
    const { rows } = await tx.query<StockLevelRow>(
      `INSERT INTO inventory.stock_levels (product_id, warehouse_id, reorder_point) VALUES ($1, $2, $3)
       ON CONFLICT (product_id, warehouse_id) DO UPDATE SET reorder_point = EXCLUDED.reorder_point RETURNING ${STOCK_COLUMNS}`,
      [productId, warehouseId, rp],
    );
    await audit({ entity: 'StockLevel', entityId: `${productId}:${warehouseId}`, before: before ?? null, after: rows[0] });
    return rows[0]!;
  });
}

/** Reserves every line for `reference`, atomically: all lines or none (INSUFFICIENT_STOCK names the product). */
export function reserveStock(ctx: CatalogContext, input: Record<string, unknown>, spec: Spec) {
  const reference = requiredText('input.reference', input.reference, 100);
  const warehouseId = parseId('input.warehouseId', input.warehouseId);
  const lines = parseLines(input.lines);
  return mutate(ctx, { ...spec, name: 'reserveStock', payload: { reference, warehouseId, lines } }, async (tx, audit) => {
    await assertWarehouse(tx, 'input.warehouseId', warehouseId);
    const skus = await assertProducts(tx, lines.map((l) => l.productId));
    const existing = await tx.query(`SELECT 1 FROM inventory.stock_reservations WHERE reference = $1 AND status = 'ACTIVE' LIMIT 1`, [reference]);
    if (existing.rowCount) throw new ConflictError(`Stock is already reserved for ${reference}`, { field: 'input.reference' });
    await lockAvailable(tx, warehouseId, lines, skus);
    await tx.query(
      `UPDATE inventory.stock_levels s SET reserved = s.reserved + l.quantity
       FROM unnest($2::int[], $3::int[]) AS l(product_id, quantity)
       WHERE s.warehouse_id = $1 AND s.product_id = l.product_id`,
      [warehouseId, lines.map((l) => l.productId), lines.map((l) => l.quantity)],
    );
    const { rows } = await tx.query<ReservationRow>(
      `INSERT INTO inventory.stock_reservations (reference, product_id, warehouse_id, quantity)
       SELECT $1, l.product_id, $2, l.quantity FROM unnest($3::int[], $4::int[]) AS l(product_id, quantity)
       ON CONFLICT (reference, product_id, warehouse_id) DO UPDATE SET quantity = EXCLUDED.quantity, status = 'ACTIVE'
       RETURNING ${RESERVATION_COLUMNS}`,
      [reference, warehouseId, lines.map((l) => l.productId), lines.map((l) => l.quantity)],
    );
    await audit({ entity: 'StockReservation', entityId: reference, before: null, after: rows });
    return rows;
  });
}

async function lockReservations(tx: Tx, reference: string): Promise<ReservationRow[]> {
  const { rows } = await tx.query<ReservationRow>(
    `SELECT ${RESERVATION_COLUMNS} FROM inventory.stock_reservations WHERE reference = $1 AND status = 'ACTIVE'
     ORDER BY product_id, warehouse_id FOR UPDATE`,
    [reference],
  );
  if (!rows.length) throw new NotFoundError('Active stock reservation for', reference);
  // Lock the stock levels in the same order as reserveStock does.
  await tx.query(
    `SELECT 1 FROM inventory.stock_levels WHERE (product_id, warehouse_id) IN (SELECT * FROM unnest($1::int[], $2::int[]))
     ORDER BY product_id, warehouse_id FOR UPDATE`,
    [rows.map((r) => r.productId), rows.map((r) => r.warehouseId)],
  );
  return rows;
}

async function unreserve(tx: Tx, rows: ReservationRow[], reference: string, status: 'RELEASED' | 'SHIPPED'): Promise<ReservationRow[]> {
  await tx.query(
    `UPDATE inventory.stock_levels s SET reserved = s.reserved - r.quantity
     FROM unnest($1::int[], $2::int[], $3::int[]) AS r(product_id, warehouse_id, quantity)
     WHERE s.product_id = r.product_id AND s.warehouse_id = r.warehouse_id`,
    [rows.map((r) => r.productId), rows.map((r) => r.warehouseId), rows.map((r) => r.quantity)],
  );
  return (
    await tx.query<ReservationRow>(
      `UPDATE inventory.stock_reservations SET status = $2 WHERE reference = $1 AND status = 'ACTIVE' RETURNING ${RESERVATION_COLUMNS}`,
      [reference, status],
    )
  ).rows;
}

export function releaseStock(ctx: CatalogContext, referenceRaw: unknown, spec: Spec) {
  const reference = requiredText('reference', referenceRaw, 100);
  return mutate(ctx, { ...spec, name: 'releaseStock', payload: { reference } }, async (tx, audit) => {
    const rows = await lockReservations(tx, reference);
    const after = await unreserve(tx, rows, reference, 'RELEASED');
    await audit({ entity: 'StockReservation', entityId: reference, before: rows, after });
    return after;
  });
}

/** Shipping: the reserved units leave (SHIPMENT movements) and the reservation is closed. */
export function shipStock(ctx: CatalogContext, referenceRaw: unknown, spec: Spec) {
  const reference = requiredText('reference', referenceRaw, 100);
  return mutate(ctx, { ...spec, name: 'shipStock', payload: { reference } }, async (tx, audit) => {
    const rows = await lockReservations(tx, reference);
    await unreserve(tx, rows, reference, 'SHIPPED');
    const movements = await insertMovements(
      tx,
      rows.map((r) => ({ productId: r.productId, warehouseId: r.warehouseId, kind: 'SHIPMENT', quantity: -r.quantity, reference, note: null })),
    );
    for (const m of movements) await audit({ entity: 'StockMovement', entityId: m.id, before: null, after: m });
    return movements;
  });
}

export async function listStockLevels(
  ctx: CatalogContext,
  args: { first?: number | null; after?: string | null; filter?: { warehouseId?: string | null; productId?: string | null; lowOnly?: boolean | null } | null },
) {
  const limit = pageSize(args.first, ctx.identity);
  const params: unknown[] = [];
  const where: string[] = [];
  const f = args.filter ?? {};
  if (f.warehouseId) where.push(`warehouse_id = $${params.push(parseId('filter.warehouseId', f.warehouseId))}`);
  if (f.productId) where.push(`product_id = $${params.push(parseId('filter.productId', f.productId))}`);
  if (f.lowOnly) where.push(`on_hand - reserved <= reorder_point`);
  const cursor = decodeCursor(args.after, 2);
  if (cursor) where.push(`(product_id, warehouse_id) > ($${params.push(cursor[0])}, $${params.push(cursor[1])})`);
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
  const params: unknown[] = [];
  const where: string[] = [];
  const f = args.filter ?? {};
  if (f.warehouseId) where.push(`warehouse_id = $${params.push(parseId('filter.warehouseId', f.warehouseId))}`);
  if (f.productId) where.push(`product_id = $${params.push(parseId('filter.productId', f.productId))}`);
  if (f.kind) {
    if (!(STOCK_MOVEMENT_KINDS as readonly unknown[]).includes(f.kind)) throw new ValidationError('filter.kind', f.kind, 'unknown kind');
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
