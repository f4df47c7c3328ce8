import { AppError, ConflictError, InvalidTransitionError, ValidationError } from '@erp/kit';
import type { Tx } from '@erp/kit/db/tx';
import { idempotencyScope, mutate, requiredText, storedResponse, type Audit } from '@erp/kit/graphql';
import type { SalesContext } from '../context';
import { ORDER_TRANSITIONS, type OrderStatus } from '../db/schema/constants';
import type { StockLine } from '../inventory';
import { forgetOrder } from '../loaders';
import { ORDER_COLUMNS, type OrderRow } from '../rows';
import { lockOrder, readOrder } from './order-access';
import { recordHistory, type Spec } from './order-writes';
import { withOrderLock } from './order-lock';

/** The timestamp column each status sets (whitelist: only these names enter the SQL). */
const STAMP: Partial<Record<OrderStatus, string>> = {
  CONFIRMED: 'confirmed_at',
  SHIPPED: 'shipped_at',
  DELIVERED: 'delivered_at',
  CANCELLED: 'cancelled_at',
};

export function assertTransition(order: OrderRow, to: OrderStatus): void {
  const from = order.status as OrderStatus;
  if (!(ORDER_TRANSITIONS[from] ?? []).includes(to))
    throw new InvalidTransitionError(`Order ${order.number}`, from, to);
}

/** Moves a locked order to `to`: status, its timestamp, a history row and an audit row. */
async function transition(
  ctx: SalesContext,
  tx: Tx,
  audit: Audit,
  before: OrderRow,
  to: OrderStatus,
  note: string | null,
): Promise<OrderRow> {
  const stamp = STAMP[to];
  if (!stamp) throw new Error(`no timestamp column for ${to}`);
  const { rows } = await tx.query<OrderRow>(
    `UPDATE sales.orders o SET status = $2, ${stamp} = now() WHERE id = $1 RETURNING ${ORDER_COLUMNS}`,
    [before.id, to],
  );
  await recordHistory(tx, ctx.identity, before.id, before.status, to, note);
  await audit({ entity: 'Order', entityId: before.id, before, after: rows[0] });
  return rows[0]!;
}

/** Goods only move for sales; a RETURN's workflow has no stock effect here. */
const movesStock = (order: OrderRow) => order.kind === 'SALE';

async function stockLines(tx: Tx, orderId: number): Promise<StockLine[]> {
  const { rows } = await tx.query<StockLine>(
    `SELECT product_id AS "productId", sum(quantity)::int AS quantity FROM sales.order_lines WHERE order_id = $1 GROUP BY product_id ORDER BY product_id`,
    [orderId],
  );
  return rows;
}

/** The workflow acts for a person; the stock calls carry the sales service's identity on their behalf. */
const actor = (ctx: SalesContext) => ctx.identity;

/** Runs a compensation; a failure is logged (the sweeper is the safety net) and never hides the first error. */
async function compensate(
  ctx: SalesContext,
  what: string,
  order: OrderRow,
  step: () => Promise<void>,
): Promise<void> {
  try {
    await step();
  } catch (err) {
    ctx.log.error(
      { err, orderId: order.id, number: order.number, requestId: ctx.identity.requestId },
      `${what}: compensation failed`,
    );
  }
}

/** The stored result of a finished request under the same idempotency key (no step runs again), or null. */
function replay(ctx: SalesContext, client: Tx, name: string, id: number, spec: Spec) {
  return storedResponse<OrderRow>(client, idempotencyScope(ctx, name), spec.idempotencyKey, { id });
}

/**
 * DRAFT → CONFIRMED, as a saga of three steps, under the order's workflow lock (so no other step
 * of this order's workflow, nor the sweeper, runs in between):
 *  1. read the order and its lines, check the transition (no transaction is held open);
 *  2. reserve the stock of the lines through the catalog, once (atomic there: all lines or nothing);
 *  3. in a sales transaction, move the order to CONFIRMED. A deadlock or lock timeout retries this
 *     step alone: the remote call of step 2 is never repeated.
 * When step 3 fails for good, the reservation is released (compensation). With an idempotency
 * key, a retry of a finished request gets its first result and reserves nothing.
 */
export async function confirmOrder(ctx: SalesContext, id: number, spec: Spec): Promise<OrderRow> {
  if (!spec.idempotencyKey) assertTransition(await readOrder(ctx.pool, ctx.identity, id), 'CONFIRMED'); // hopeless calls hold no connection
  const row = await withOrderLock(ctx.pool, id, async (client) => {
    const done = await replay(ctx, client, 'confirmOrder', id, spec);
    if (done) return done.response;
    // Step 1
    const before = await readOrder(client, ctx.identity, id);
    assertTransition(before, 'CONFIRMED');
    const lines = movesStock(before) ? await stockLines(client, id) : [];
    if (movesStock(before) && !lines.length)
      throw new ValidationError('id', String(id), 'an order without lines cannot be confirmed');
    // Step 2
    if (lines.length) await reserve(ctx, before, lines);
    // Step 3
    try {
      return await mutate(
        ctx,
        { ...spec, name: 'confirmOrder', payload: { id } },
        async (tx, audit) => {
          const current = await lockOrder(tx, ctx.identity, id);
          assertTransition(current, 'CONFIRMED');
          return transition(ctx, tx, audit, current, 'CONFIRMED', null);
        },
        client,
      );
    } catch (err) {
      if (lines.length)
        await compensate(ctx, 'confirmOrder', before, () => ctx.inventory.release(actor(ctx), id));
      throw err;
    }
  });
  forgetOrder(ctx.loaders, id);
  return row;
}

async function reserve(ctx: SalesContext, order: OrderRow, lines: StockLine[]): Promise<void> {
  const ref = { id: order.id, number: order.number, warehouseId: order.warehouseId };
  const attempt = async () => {
    try {
      await ctx.inventory.reserve(actor(ctx), ref, lines);
    } catch (err) {
      // Outcome unknown (network, timeout): release whatever may have been reserved.
      if (!(err instanceof AppError))
        await compensate(ctx, 'confirmOrder', order, () => ctx.inventory.release(actor(ctx), order.id));
      throw err;
    }
  };
  try {
    await attempt();
  } catch (err) {
    // Stock already held for this DRAFT order: a leftover of a confirmation that crashed (we hold
    // the order's workflow lock, so no confirmation of it is running). Release it and reserve anew.
    if (!(err instanceof ConflictError)) throw err;
    await ctx.inventory.release(actor(ctx), order.id);
    await attempt();
  }
}

/**
 * CONFIRMED → SHIPPED, the same saga: the reservation leaves as SHIPMENT movements (step 2, once),
 * then the order is marked shipped (step 3, retried alone); if step 3 fails for good, the shipment
 * is undone (the units come back, reserved again).
 */
export async function shipOrder(ctx: SalesContext, id: number, spec: Spec): Promise<OrderRow> {
  if (!spec.idempotencyKey) assertTransition(await readOrder(ctx.pool, ctx.identity, id), 'SHIPPED');
  const row = await withOrderLock(ctx.pool, id, async (client) => {
    const done = await replay(ctx, client, 'shipOrder', id, spec);
    if (done) return done.response;
    const before = await readOrder(client, ctx.identity, id);
    assertTransition(before, 'SHIPPED');
    const stock = movesStock(before);
    if (stock) await ctx.inventory.ship(actor(ctx), id);
    try {
      return await mutate(
        ctx,
        { ...spec, name: 'shipOrder', payload: { id } },
        async (tx, audit) => {
          const current = await lockOrder(tx, ctx.identity, id);
          assertTransition(current, 'SHIPPED');
          return transition(ctx, tx, audit, current, 'SHIPPED', null);
        },
        client,
      );
    } catch (err) {
      if (stock) await compensate(ctx, 'shipOrder', before, () => ctx.inventory.undoShipment(actor(ctx), id));
      throw err;
    }
  });
  forgetOrder(ctx.loaders, id);
  return row;
}

/** SHIPPED → DELIVERED. */
export async function deliverOrder(ctx: SalesContext, id: number, spec: Spec): Promise<OrderRow> {
  const row = await mutate(ctx, { ...spec, name: 'deliverOrder', payload: { id } }, async (tx, audit) => {
    const before = await lockOrder(tx, ctx.identity, id);
    assertTransition(before, 'DELIVERED');
    return transition(ctx, tx, audit, before, 'DELIVERED', null);
  });
  forgetOrder(ctx.loaders, id);
  return row;
}

/**
 * DRAFT (nothing held) or CONFIRMED → CANCELLED, with a reason. The cancellation commits first;
 * the reservation is released after it (a failed release leaves stock held by a dead order, which
 * the sweeper releases: holding stock too long is recoverable, overselling is not).
 */
export async function cancelOrder(
  ctx: SalesContext,
  id: number,
  reasonRaw: unknown,
  spec: Spec,
): Promise<OrderRow> {
  const reason = requiredText('reason', reasonRaw, 500);
  if (!spec.idempotencyKey) assertTransition(await readOrder(ctx.pool, ctx.identity, id), 'CANCELLED');
  const row = await withOrderLock(ctx.pool, id, async (client) => {
    const done = await storedResponse<OrderRow>(
      client,
      idempotencyScope(ctx, 'cancelOrder'),
      spec.idempotencyKey,
      { id, reason },
    );
    if (done) return done.response;
    let held = false;
    const after = await mutate(
      ctx,
      { ...spec, name: 'cancelOrder', payload: { id, reason } },
      async (tx, audit) => {
        const before = await lockOrder(tx, ctx.identity, id);
        assertTransition(before, 'CANCELLED');
        held = before.status === 'CONFIRMED' && movesStock(before);
        return transition(ctx, tx, audit, before, 'CANCELLED', reason);
      },
      client,
    );
    if (held) await compensate(ctx, 'cancelOrder', after, () => ctx.inventory.release(actor(ctx), id));
    return after;
  });
  forgetOrder(ctx.loaders, id);
  return row;
}
