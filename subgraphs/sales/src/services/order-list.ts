import { NotFoundError, prepared, ValidationError } from '@erp/kit';
import { lazyCount, pageSize, parseId, toConnection } from '@erp/kit/graphql';
import type { SalesContext } from '../context';
import { ORDER_COLUMNS, type OrderRow } from '../rows';
import { canSee } from './order-access';
import { filterSql, pageSql, whereClause, type OrderListArgs, type OrderPage } from './order-filter';

/**
 * A page of orders (keyset on the sort key and id: an index scan that stops after the page) and,
 * only when the client selects totalCount, the count of all that match.
 */
export async function listOrders(ctx: SalesContext, args: OrderListArgs): Promise<OrderPage> {
  const limit = pageSize(args.first, ctx.identity);
  const params: unknown[] = [];
  const where = filterSql(ctx.identity, args.filter ?? {}, params);
  const countSql = `SELECT count(*)::int AS n FROM sales.orders o ${whereClause(where)}`;
  const countParams = [...params];
  const page = await ctx.pool.query<OrderRow & { sortKey: string }>(
    prepared(pageSql(where, params, args, limit), params),
  );
  for (const row of page.rows) ctx.loaders.order.prime(row.id, row);
  return {
    ...toConnection(page.rows, limit, (r) => [r.sortKey, r.id]),
    totalCount: lazyCount(
      async () => (await ctx.pool.query<{ n: number }>(countSql, countParams)).rows[0]!.n,
    ),
  };
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
