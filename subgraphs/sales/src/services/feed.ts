import { ORDER_LINE_FEED_COLUMNS, prepared, withTransaction } from '@erp/kit';
import { encodeCursor, etlFeedKeyset, type EtlFeedArgs } from '@erp/kit/graphql';
import type { SalesContext } from '../context';

export interface OrderLineFeedPage {
  columns: readonly string[];
  rows: string;
  orders: number;
  lines: number;
  hasNextPage: boolean;
  endCursor: string | null;
  lastUpdatedAt: string | null;
  lastId: string | null;
  carriers: { id: number; code: string; name: string }[];
  shipToCities: { id: string }[];
}

/**
 * One page of the order-line change feed, built whole by PostgreSQL: the next `first` orders in
 * (updated_at, id) order from the cursor (the orders_updated_idx index), joined with their lines,
 * aggregated into one JSON text of tuples. The amounts are computed as OrderLine's (rounded to the
 * cent line by line). Every order of the ERP, so the ETL's identity alone may read it.
 */
export async function orderLineFeed(ctx: SalesContext, args: EtlFeedArgs): Promise<OrderLineFeedPage> {
  const { limit, params, where } = etlFeedKeyset(ctx.identity, 'salesOrderLineFeed', args, {
    sort: 'o.updated_at',
    id: 'o.id',
    idType: 'int',
  });
  // The orders by the (updated_at, id) index; each one's lines by the (order_id, line_no) index
  // (the ORDER BY keeps the LATERAL a per-order index scan, never a scan of every line per page).
  const sql = `
    WITH fetched AS (
      SELECT o.id, o.updated_at, o.number, o.kind, o.status, o.currency, o.sales_rep_id, o.ordered_at, o.confirmed_at, o.shipped_at,
             o.delivered_at, o.cancelled_at, o.customer_id, o.warehouse_id, o.carrier_id, o.ship_to_city_id
        FROM sales.orders o ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY o.updated_at, o.id LIMIT $${params.push(limit + 1)}),
    page AS (SELECT * FROM fetched ORDER BY updated_at, id LIMIT $${params.push(limit)}),
    last AS (SELECT id, updated_at FROM page ORDER BY updated_at DESC, id DESC LIMIT 1),
    -- a tuple's values in ORDER_LINE_FEED_COLUMNS order
    rows AS (
      SELECT p.id, l.line_no, json_build_array(p.id, l.line_no, p.number, p.kind, p.status, p.currency, p.sales_rep_id, p.ordered_at, p.confirmed_at,
               p.shipped_at, p.delivered_at, p.cancelled_at, p.updated_at, p.customer_id, p.warehouse_id, p.carrier_id, p.ship_to_city_id,
               l.product_id, l.quantity, l.unit_price, l.discount, l.tax_rate, l.net, l.tax, l.net + l.tax) AS r,
             p.carrier_id, p.ship_to_city_id
        FROM page p
        LEFT JOIN LATERAL (
          SELECT l.line_no, l.product_id, l.quantity, l.unit_price, l.discount, l.tax_rate, n.net, round(n.net * l.tax_rate, 2) AS tax
            FROM sales.order_lines l CROSS JOIN LATERAL (SELECT round(l.quantity * l.unit_price * (1 - l.discount), 2) AS net) n
           WHERE l.order_id = p.id ORDER BY l.line_no) l ON true)
    SELECT (SELECT count(*) FROM fetched)::int AS fetched, (SELECT count(*) FROM page)::int AS orders,
           (SELECT count(line_no) FROM rows)::int AS lines,
           (SELECT id FROM last) AS "lastId", (SELECT updated_at::text FROM last) AS "sortKey", (SELECT updated_at FROM last) AS "lastUpdatedAt",
           (SELECT coalesce(json_agg(r), '[]'::json)::text FROM rows) AS rows,
           (SELECT coalesce(array_agg(DISTINCT carrier_id) FILTER (WHERE carrier_id IS NOT NULL), '{}') FROM rows) AS carriers,
           (SELECT coalesce(array_agg(DISTINCT ship_to_city_id) FILTER (WHERE ship_to_city_id IS NOT NULL), '{}') FROM rows) AS cities`;
  // Without JIT: the page's plan is estimated dear (the lines per order are guessed high) and compiling
  // it took seconds on a loaded server for a query that runs in a fraction of one.
  const r = await withTransaction(ctx.pool, async (tx) => {
    await tx.query('SET LOCAL jit = off');
    const { rows } = await tx.query<{
      fetched: number;
      orders: number;
      lines: number;
      lastId: number | null;
      sortKey: string | null;
      lastUpdatedAt: Date | null;
      rows: string;
      carriers: number[];
      cities: number[];
    }>(prepared(sql, params));
    return rows[0]!;
  });
  const carriers = (await ctx.loaders.carrier.loadMany(r.carriers)).flatMap((c) =>
    c && !(c instanceof Error) ? [{ id: c.id, code: c.code, name: c.name }] : [],
  );
  return {
    columns: ORDER_LINE_FEED_COLUMNS,
    rows: r.rows,
    orders: r.orders,
    lines: r.lines,
    hasNextPage: r.fetched > r.orders,
    endCursor: r.lastId === null ? null : encodeCursor([r.sortKey, r.lastId]),
    lastUpdatedAt: r.lastUpdatedAt === null ? null : r.lastUpdatedAt.toISOString(),
    lastId: r.lastId === null ? null : String(r.lastId),
    carriers,
    shipToCities: r.cities.map((id) => ({ id: String(id) })),
  };
}
