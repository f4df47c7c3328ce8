import { allowedRoles, NotFoundError, type Identity } from '@erp/kit';
import type { Tx } from '@erp/kit/db/tx';
import { ORDER_COLUMNS, type OrderRow } from '../rows';

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
export function rowLevelSql(identity: Identity, params: unknown[]): string | null {
  if (!mayReadOrders(identity)) return 'FALSE';
  if (identity.role !== 'SALES') return null;
  if (identity.userId === null) return 'FALSE';
  return `o.sales_rep_id = $${params.push(identity.userId)}`;
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
