import { ConflictError, ForbiddenError, ValidationError, type Identity } from '@erp/kit';
import type { Tx } from '@erp/kit/db/tx';
import { mutate, type MutationSpec, optionalId, parseId, type RowInputService } from '@erp/kit/graphql';
import type { SalesContext } from '../context';
import type { DirectoryCustomer } from '../inventory';
import { forgetOrder } from '../loaders';
import { ORDER_COLUMNS, type OrderRow } from '../rows';
import { lockOrder, readOrder } from './order-access';
import { insertLines, linesIn, parseLines, priced, taxed } from './order-lines';
import { withOrderLock } from './order-lock';

export type Spec = Omit<MutationSpec, 'name' | 'payload'>;

function optionalText(field: string, value: unknown, max: number): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw new ValidationError(field, value, 'must be text');
  if (value.length > max) throw new ValidationError(field, value, `must be at most ${max} characters`);
  return value.trim() === '' ? null : value;
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
export const updateOrder: RowInputService<SalesContext, OrderRow> = async (ctx, id, input, spec) => {
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
};
