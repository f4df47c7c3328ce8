import { ORDER_LINE_FEED, ORDER_LINE_FEED_COLUMNS, type OrderLineFeedColumn, type Tx } from '@erp/kit';
import { EtlOrderLineFeedDocument, type EtlOrderLineFeedQuery } from '@erp/sdk';
import {
  deleteGone,
  ensureDates,
  inferMembers,
  upsertDimension,
  type PageCounts,
  updateChangedFact,
} from '../load';
import { placeOf, upsertGeography } from './geography';
import { defineEntity, eachPage, flatFeed, type LoadContext } from './spec';

type OrderFeedPage = EtlOrderLineFeedQuery['salesOrderLineFeed'];
/**
 * Orders changed since the watermark, from the flat order-line feed (salesOrderLineFeed, the ETL's
 * identity only): a page is the lines of up to `first` orders as one JSON text of tuples, which goes
 * to PostgreSQL as it came (no object per row in Node). The page is loaded set-based: tuples into a
 * temporary table, one checksum per order in SQL (staging keeps changed orders only), the fact
 * upserted for the changed orders with an IS DISTINCT FROM guard, deleted lines removed.
 */
export const orders = defineEntity<OrderFeedPage>({
  name: 'orders',
  tables: [
    'staging.orders',
    'dw.dim_date',
    'dw.dim_product',
    'dw.dim_customer',
    'dw.dim_warehouse',
    'dw.dim_carrier',
    'dw.dim_geography',
    'dw.fact_sales',
  ],
  watermark: true,
  fetch: flatFeed(EtlOrderLineFeedDocument, 'orders', {
    page: (r) => r.salesOrderLineFeed,
    checkColumns: feedPositions,
    count: (page) => page.orders,
  }),
  load: eachPage(loadOrderFeedPage),
});

/** The feed's columns this load reads (all of the contract); found by name in the page's `columns`. */
const FEED_COLUMNS = ORDER_LINE_FEED_COLUMNS;
const sqlType = (c: OrderLineFeedColumn) => ORDER_LINE_FEED[c].type;

/** Where each column this load reads is in the page's tuples: a column the server no longer sends is refused, not misread. */
function feedPositions(columns: readonly string[]): number[] {
  const missing = FEED_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length)
    throw new Error(
      `salesOrderLineFeed no longer sends ${missing.join(', ')} (it sends ${columns.join(', ')})`,
    );
  return FEED_COLUMNS.map((c) => columns.indexOf(c));
}

/** The order header columns (the checksum covers them and the lines; staging's payload keeps them). */
const HEADER = FEED_COLUMNS.filter((c) => ORDER_LINE_FEED[c].of === 'order');
const LINE = FEED_COLUMNS.filter((c) => ORDER_LINE_FEED[c].of === 'line');
const camel = (c: string) => c.replace(/_([a-z])/g, (_m, x: string) => x.toUpperCase());

async function loadOrderFeedPage(
  tx: Tx,
  page: OrderFeedPage,
  ctx: LoadContext,
  counts: PageCounts,
): Promise<void> {
  // The members the page's orders bring themselves: carriers and ship-to places (type 1, few per page).
  counts.written += await upsertDimension(
    tx,
    { table: 'dim_carrier', idCol: 'carrier_id', types: { code: 'text', name: 'text' } },
    page.carriers.map((c) => ({ carrier_id: Number(c.id), code: c.code, name: c.name })),
  );
  if (page.shipToCities.length) counts.written += await upsertGeography(tx, page.shipToCities.map(placeOf));
  if (!page.orders) return;

  // The tuples, as they came, into a temporary table (one per connection, emptied at commit).
  await tx.query(
    `CREATE TEMP TABLE IF NOT EXISTS etl_order_lines (${FEED_COLUMNS.map((c) => `${c} ${sqlType(c)}`).join(', ')}) ON COMMIT DELETE ROWS`,
  );
  await tx.query(
    `INSERT INTO etl_order_lines SELECT ${feedPositions(page.columns)
      .map((at, i) => `(r->>${at})::${sqlType(FEED_COLUMNS[i]!)}`)
      .join(', ')} FROM jsonb_array_elements($1::jsonb) AS r`,
    [page.rows],
  );
  // One checksum per order over its header and its lines in line order; only changed orders go on.
  const header = HEADER.join(', ');
  const staged = await tx.query<{ order_id: number; inserted: boolean }>(
    `WITH o AS (
       SELECT order_id, max(updated_at) AS updated_at, ${header},
              md5(json_build_array(${header}, json_agg(json_build_array(${LINE.join(', ')}) ORDER BY line_no) FILTER (WHERE line_no IS NOT NULL))::text) AS checksum
         FROM etl_order_lines GROUP BY order_id, ${header})
     INSERT INTO staging.orders AS st (order_id, payload, checksum, source_updated_at, run_id)
     SELECT order_id, jsonb_build_object('id', order_id, ${HEADER.map((c) => `'${camel(c)}', ${c}`).join(', ')}, 'updatedAt', updated_at), checksum, updated_at, $1 FROM o
     ON CONFLICT (order_id) DO UPDATE SET payload = excluded.payload, checksum = excluded.checksum, source_updated_at = excluded.source_updated_at, run_id = excluded.run_id
     WHERE st.checksum <> excluded.checksum
     RETURNING order_id, (xmax = 0) AS inserted`,
    [ctx.runId],
  );
  const inserted = staged.rows.filter((r) => r.inserted).length;
  counts.inserted += inserted;
  counts.updated += staged.rows.length - inserted;
  counts.unchanged += page.orders - staged.rows.length;
  counts.written += staged.rows.length;
  if (!staged.rows.length) return;
  const changed = staged.rows.map((r) => r.order_id);

  const { rows: span } = await tx.query<{
    from: string | null;
    to: string | null;
    products: number[] | null;
    customers: number[] | null;
    warehouses: number[] | null;
  }>(
    `SELECT min((ordered_at AT TIME ZONE 'UTC')::date)::text AS from, max((ordered_at AT TIME ZONE 'UTC')::date)::text AS to,
            array_agg(DISTINCT product_id) FILTER (WHERE product_id IS NOT NULL) AS products, array_agg(DISTINCT customer_id) AS customers,
            array_agg(DISTINCT warehouse_id) AS warehouses
       FROM etl_order_lines WHERE order_id = ANY($1::int[])`,
    [changed],
  );
  const s = span[0]!;
  if (s.from && s.to) counts.written += await ensureDates(tx, [s.from, s.to]);
  counts.written += await inferMembers(tx, {
    products: s.products ?? [],
    customers: s.customers ?? [],
    warehouses: s.warehouses ?? [],
  });

  const cols =
    `order_number, order_date_key, product_key, customer_key, geography_key, warehouse_key, status_key, kind_key, sales_rep_id, currency,
      ordered_at, quantity, unit_price, discount, tax_rate, net_amount, tax_amount, gross_amount, unit_cost, cost_amount, margin_amount,
      carrier_id, ship_to_city_id`
      .split(',')
      .map((c) => c.trim());
  const up = await tx.query(
    `INSERT INTO dw.fact_sales AS f (order_id, line_no, ${cols.join(', ')}, run_id)
     SELECT l.order_id, l.line_no, l.number, to_char((l.ordered_at AT TIME ZONE 'UTC')::date, 'YYYYMMDD')::int,
            p.product_key, c.customer_key, coalesce(sg.geography_key, c.geography_key), w.warehouse_key, s.status_key, k.kind_key, l.sales_rep_id, l.currency,
            l.ordered_at, k.sign * l.quantity, l.unit_price, l.discount, l.tax_rate,
            k.sign * l.net_amount, k.sign * l.tax_amount, k.sign * l.gross_amount,
            p.unit_cost, round(k.sign * l.quantity * p.unit_cost, 2), k.sign * l.net_amount - round(k.sign * l.quantity * p.unit_cost, 2),
            l.carrier_id, sg.city_id, $2
     FROM etl_order_lines l
     LEFT JOIN dw.dim_geography sg ON sg.city_id = l.ship_to_city_id
     JOIN dw.dim_order_kind k ON k.kind = l.kind
     JOIN dw.dim_order_status s ON s.status = l.status
     JOIN dw.dim_product p ON p.product_id = l.product_id AND l.ordered_at >= p.valid_from AND l.ordered_at < p.valid_to
     JOIN dw.dim_customer c ON c.customer_id = l.customer_id AND l.ordered_at >= c.valid_from AND l.ordered_at < c.valid_to
     JOIN dw.dim_warehouse w ON w.warehouse_id = l.warehouse_id
     WHERE l.order_id = ANY($1::int[]) AND l.line_no IS NOT NULL
     ${updateChangedFact(['order_id', 'line_no'], cols)}`,
    [changed, ctx.runId],
  );
  counts.written += up.rowCount ?? 0;
  // Lines no longer on a re-extracted order (deleted lines) leave the fact.
  await deleteGone(tx, counts, {
    fact: 'fact_sales',
    parentCol: 'order_id',
    parentIds: changed,
    kept: 'EXISTS (SELECT 1 FROM etl_order_lines s WHERE s.order_id = f.order_id AND s.line_no = f.line_no)',
  });
  // Every line of a changed order must be in the fact now (a join that drops a row would lose it silently).
  const { rows: check } = await tx.query<{ missing: number }>(
    `SELECT count(*)::int AS missing FROM etl_order_lines l
      WHERE l.order_id = ANY($1::int[]) AND l.line_no IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM dw.fact_sales f WHERE f.order_id = l.order_id AND f.line_no = l.line_no)`,
    [changed],
  );
  if (check[0]!.missing)
    throw new Error(`fact_sales: ${check[0]!.missing} lines of this page found no dimension member`);
}
