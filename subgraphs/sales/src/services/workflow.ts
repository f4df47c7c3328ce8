import { AppError, ConflictError, InvalidTransitionError, ValidationError } from '@erp/kit';
import type { Tx } from '@erp/kit/db/tx';
import { mutate, requiredText, type Audit } from '@erp/kit/graphql';
import type { SalesContext } from '../context';
import { ORDER_TRANSITIONS, type OrderStatus } from '../db/schema/constants';
import type { StockLine } from '../inventory';
import { forgetOrder } from '../loaders';
import { ORDER_COLUMNS, type OrderRow } from '../rows';
import { lockOrder, recordHistory, type Spec } from './orders';

/** The timestamp column each status sets (whitelist: only these names enter the SQL). */
const STAMP: Partial<Record<OrderStatus, string>> = {
  CONFIRMED: 'confirmed_at',
  SHIPPED: 'shipped_at',
  DELIVERED: 'delivered_at',
  CANCELLED: 'cancelled_at',
};

export function assertTransition(order: OrderRow, to: OrderStatus): void {
  const from = order.status as OrderStatus;
  if (!(ORDER_TRANSITIONS[from] ?? []).includes(to)) throw new InvalidTransitionError(`Order ${order.number}`, from, to);
}

/** Moves a locked order to `to`: status, its timestamp, a history row and an audit row. */
async function transition(ctx: SalesContext, tx: Tx, audit: Audit, before: OrderRow, to: OrderStatus, note: string | null): Promise<OrderRow> {
  const stamp = STAMP[to];
  if (!stamp) throw new Error(`no timestamp column for ${to}`);
  const { rows } = await tx.query<OrderRow>(`UPDATE sales.orders o SET status = $2, ${stamp} = now() WHERE id = $1 RETURNING ${ORDER_COLUMNS}`, [
    before.id,
    to,
  ]);
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

/**
 * DRAFT → CONFIRMED, in named steps:
 *  1. lock the order row (FOR UPDATE) and check the transition;
 *  2. reserve the stock of every line through the catalog (atomic there: all lines or nothing);
 *  3. update status, confirmed_at, history and audit in the sales transaction.
 * When anything fails after step 2 succeeded (step 3, the commit, a retried attempt), the
 * reservation is released (compensation). With an idempotency key, a retry gets the first result
 * and reserves nothing (the key is claimed first, in the same transaction).
 */
export async function confirmOrder(ctx: SalesContext, id: number, spec: Spec): Promise<OrderRow> {
  let held: string | null = null; // a reservation made by this call and not committed with the order yet
  const compensate = async () => {
    const reference = held;
    held = null;
    if (!reference) return;
    try {
      await ctx.inventory.release(ctx.identity, reference);
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'NOT_FOUND')) {
        ctx.log.error({ err, reference, requestId: ctx.identity.requestId }, 'confirmOrder: could not release the reservation (compensation)');
      }
    }
  };
  try {
    const row = await mutate(ctx, { ...spec, name: 'confirmOrder', payload: { id } }, async (tx, audit) => {
      await compensate(); // a previous attempt of this transaction (deadlock retry) reserved already
      // Step 1
      const before = await lockOrder(tx, ctx.identity, id);
      assertTransition(before, 'CONFIRMED');
      // Step 2
      if (movesStock(before)) {
        const lines = await stockLines(tx, id);
        if (!lines.length) throw new ValidationError('id', String(id), 'an order without lines cannot be confirmed');
        await reserve(ctx, before, lines, (reference) => (held = reference));
      }
      // Step 3
      return transition(ctx, tx, audit, before, 'CONFIRMED', null);
    });
    held = null; // committed with the order
    forgetOrder(ctx.loaders, id);
    return row;
  } catch (err) {
    await compensate();
    throw err;
  }
}

async function reserve(ctx: SalesContext, order: OrderRow, lines: StockLine[], reserved: (reference: string) => void): Promise<void> {
  const attempt = async () => {
    try {
      await ctx.inventory.reserve(ctx.identity, order.number, order.warehouseId, lines);
    } catch (err) {
      // Outcome unknown (network, timeout): release whatever may have been reserved.
      if (!(err instanceof AppError)) reserved(order.number);
      throw err;
    }
    reserved(order.number);
  };
  try {
    await attempt();
  } catch (err) {
    // An active reservation under this DRAFT order's number is an orphan of an earlier failed
    // confirmation (we hold the order's lock, so no other confirmation runs): replace it.
    if (!(err instanceof ConflictError)) throw err;
    await ctx.inventory.release(ctx.identity, order.number);
    await attempt();
  }
}

/** CONFIRMED → SHIPPED: the reservation becomes SHIPMENT movements (called last, so a refusal rolls back). */
export async function shipOrder(ctx: SalesContext, id: number, spec: Spec): Promise<OrderRow> {
  const row = await mutate(ctx, { ...spec, name: 'shipOrder', payload: { id } }, async (tx, audit) => {
    const before = await lockOrder(tx, ctx.identity, id);
    assertTransition(before, 'SHIPPED');
    const after = await transition(ctx, tx, audit, before, 'SHIPPED', null);
    if (movesStock(before)) await ctx.inventory.ship(ctx.identity, before.number);
    return after;
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

/** DRAFT (nothing held) or CONFIRMED (the reservation is released) → CANCELLED, with a reason. */
export async function cancelOrder(ctx: SalesContext, id: number, reasonRaw: unknown, spec: Spec): Promise<OrderRow> {
  const reason = requiredText('reason', reasonRaw, 500);
  const row = await mutate(ctx, { ...spec, name: 'cancelOrder', payload: { id, reason } }, async (tx, audit) => {
    const before = await lockOrder(tx, ctx.identity, id);
    assertTransition(before, 'CANCELLED');
    const after = await transition(ctx, tx, audit, before, 'CANCELLED', reason);
    if (before.status === 'CONFIRMED' && movesStock(before)) {
      try {
        await ctx.inventory.release(ctx.identity, before.number);
      } catch (err) {
        // No active reservation (e.g. an imported order): nothing to release.
        if (!(err instanceof AppError && err.code === 'NOT_FOUND')) throw err;
      }
    }
    return after;
  });
  forgetOrder(ctx.loaders, id);
  return row;
}
