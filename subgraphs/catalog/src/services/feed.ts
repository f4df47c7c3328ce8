import { ForbiddenError, prepared, STOCK_MOVEMENT_FEED_COLUMNS, ValidationError } from '@erp/kit';
import { decodeCursor, encodeCursor, keysetSql, MAX_BULK_PAGE_SIZE } from '@erp/kit/graphql';
import type { CatalogContext } from '../context';

export interface StockMovementFeedPage {
  columns: readonly string[];
  rows: string;
  movements: number;
  hasNextPage: boolean;
  endCursor: string | null;
  lastUpdatedAt: string | null;
  lastId: string | null;
}

export interface StockMovementFeedArgs {
  first?: number | null;
  after?: string | null;
  updatedFrom?: Date | string | null;
}

/**
 * One page of the stock ledger for the ETL, built whole by PostgreSQL: the next `first` movements in
 * the order they were recorded, (updated_at, id) from the cursor, as one JSON text of tuples. The
 * ledger is append-only (a trigger refuses UPDATE), so a movement's updated_at is its created_at:
 * the existing (updated_at, id) index serves this keyset, and a movement is sent once by a run.
 * Every movement of every warehouse, so the ETL's identity alone may read it.
 */
export async function stockMovementFeed(
  ctx: CatalogContext,
  args: StockMovementFeedArgs,
): Promise<StockMovementFeedPage> {
  if (ctx.identity?.role !== 'ETL_SERVICE')
    throw new ForbiddenError('stockMovementFeed is the ETL service identity’s');
  const first = args.first ?? 2000;
  if (!Number.isInteger(first) || first < 1)
    throw new ValidationError('first', first, 'must be a whole number ≥ 1');
  const limit = Math.min(first, MAX_BULK_PAGE_SIZE);
  const cursor = decodeCursor(args.after, 2);
  if (cursor && (typeof cursor[0] !== 'string' || !Number.isSafeInteger(cursor[1])))
    throw new ValidationError('after', args.after, 'is not a cursor from this feed');
  const params: unknown[] = [];
  const where: string[] = [];
  if (args.updatedFrom != null) where.push(`m.updated_at >= $${params.push(args.updatedFrom)}`);
  if (cursor)
    where.push(
      keysetSql(
        'm.updated_at',
        'm.id',
        '>',
        `$${params.push(cursor[0])}::timestamptz`,
        `$${params.push(cursor[1])}::bigint`,
      ),
    );
  const { rows } = await ctx.pool.query<{
    fetched: number;
    movements: number;
    lastId: string | null;
    sortKey: string | null;
    lastUpdatedAt: Date | null;
    rows: string;
  }>(
    prepared(
      `WITH fetched AS (
         SELECT m.id, m.updated_at, m.product_id, m.warehouse_id, m.kind, m.quantity, m.reference, m.external_key, m.occurred_at, m.created_at
           FROM inventory.stock_movements m ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY m.updated_at, m.id LIMIT $${params.push(limit + 1)}),
       page AS (SELECT * FROM fetched ORDER BY updated_at, id LIMIT $${params.push(limit)}),
       last AS (SELECT id, updated_at FROM page ORDER BY updated_at DESC, id DESC LIMIT 1)
       SELECT (SELECT count(*) FROM fetched)::int AS fetched, (SELECT count(*) FROM page)::int AS movements,
              (SELECT id::text FROM last) AS "lastId", (SELECT updated_at::text FROM last) AS "sortKey",
              (SELECT updated_at FROM last) AS "lastUpdatedAt",
              (SELECT coalesce(json_agg(json_build_array(${STOCK_MOVEMENT_FEED_COLUMNS.join(', ')}) ORDER BY updated_at, id), '[]'::json)::text
                 FROM page) AS rows`,
      params,
    ),
  );
  const r = rows[0]!;
  return {
    columns: STOCK_MOVEMENT_FEED_COLUMNS,
    rows: r.rows,
    movements: r.movements,
    hasNextPage: r.fetched > r.movements,
    endCursor: r.lastId === null ? null : encodeCursor([r.sortKey, Number(r.lastId)]),
    lastUpdatedAt: r.lastUpdatedAt === null ? null : r.lastUpdatedAt.toISOString(),
    lastId: r.lastId,
  };
}
