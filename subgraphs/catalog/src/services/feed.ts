import { prepared, STOCK_MOVEMENT_FEED_COLUMNS } from '@erp/kit';
import { encodeCursor, etlFeedKeyset, type EtlFeedArgs } from '@erp/kit/graphql';
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

/**
 * One page of the stock ledger for the ETL, built whole by PostgreSQL: the next `first` movements in
 * the order they were recorded, (updated_at, id) from the cursor, as one JSON text of tuples. The
 * ledger is append-only (a trigger refuses UPDATE), so a movement's updated_at is its created_at:
 * the existing (updated_at, id) index serves this keyset, and a movement is sent once by a run.
 * Every movement of every warehouse, so the ETL's identity alone may read it.
 */
export async function stockMovementFeed(
  ctx: CatalogContext,
  args: EtlFeedArgs,
): Promise<StockMovementFeedPage> {
  const { limit, params, where } = etlFeedKeyset(ctx.identity, 'stockMovementFeed', args, {
    sort: 'm.updated_at',
    id: 'm.id',
    idType: 'bigint',
  });
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
