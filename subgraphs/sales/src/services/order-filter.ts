import { ValidationError, type Identity } from '@erp/kit';
import { type Connection, decodeCursor, keysetSql, likePattern, parseId, sortOrder } from '@erp/kit/graphql';
import { ORDER_STATUSES } from '../db/schema/constants';
import { ORDER_COLUMNS, type OrderRow } from '../rows';
import { rowLevelSql } from './order-access';

// The filters, sort keys, cursors and page query of the order lists (Query.orders and Customer.orders).

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

const sortOf = (orderBy: OrderListArgs['orderBy']) =>
  sortOrder(orderBy, SORT_COLUMNS, { field: 'ORDERED_AT', direction: 'DESC' });

/** The WHERE conditions of a filter on `o`, the row-level rule included. Values are bound parameters. */
export function filterSql(identity: Identity, f: OrderFilterArgs, params: unknown[]): string[] {
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

export const whereClause = (where: string[]) => (where.length ? `WHERE ${where.join(' AND ')}` : '');

/**
 * The SELECT of one page of the orders matching `where`, in the sort order from the cursor on:
 * `limit + 1` rows (the one more tells whether a next page exists), each with its sort key as text.
 */
export function pageSql(
  where: string[],
  params: unknown[],
  args: Pick<OrderListArgs, 'after' | 'orderBy'>,
  limit: number,
): string {
  const { column, dir, cmp } = sortOf(args.orderBy);
  const cursor = orderCursor(args.after);
  const conditions = cursor
    ? [
        ...where,
        keysetSql(`o.${column}`, 'o.id', cmp, `$${params.push(cursor[0])}`, `$${params.push(cursor[1])}`),
      ]
    : where;
  return `SELECT ${ORDER_COLUMNS}, o.${column}::text AS "sortKey" FROM sales.orders o ${whereClause(conditions)}
    ORDER BY o.${column} ${dir}, o.id ${dir} LIMIT $${params.push(limit + 1)}`;
}
