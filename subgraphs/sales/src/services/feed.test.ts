import type { BaseContext, Subgraph } from '@erp/kit/graphql';
import type { TestDatabase } from '@erp/kit/test/db';
import { dataOf, execute, identity } from '@erp/kit/test/graphql';
import { LINE_SELECT, type OrderLineRow } from '../rows';
import type { OrderLineFeedPage } from './feed';
import { salesAlone } from './test-helpers';

/** The ETL's flat order-line feed: keyset pages of whole orders, flat tuples, the ETL's identity only. */
const etl = identity('ETL_SERVICE', 9);
const FEED = `query($first: Int, $after: String, $updatedFrom: DateTime) {
  salesOrderLineFeed(first: $first, after: $after, updatedFrom: $updatedFrom) {
    columns rows orders lines hasNextPage endCursor lastUpdatedAt lastId carriers { id code name } shipToCities { id } } }`;

/** A page as GraphQL serves it: the carriers' ids are IDs (text). */
type FeedPage = Omit<OrderLineFeedPage, 'carriers'> & {
  carriers: { id: string; code: string; name: string }[];
};

let db: TestDatabase;
let sales: Subgraph<BaseContext>;
beforeAll(async () => {
  ({ db, sales } = await salesAlone());
  // 250 orders sharing one updated_at (ties across page boundaries), 3 lines each but every 10th
  // order without lines; 5 later orders, one with a carrier and a ship-to city.
  await db.pool.query(`
    INSERT INTO sales.carriers (id, code, name) VALUES (4, 'DHL', 'DHL Express');
    INSERT INTO sales.orders (number, customer_id, warehouse_id, updated_at)
      SELECT 'TIE-' || lpad(i::text, 3, '0'), 1 + i % 7, 1, timestamptz '2025-03-01 10:00:00.123456+00' FROM generate_series(1, 250) i;
    INSERT INTO sales.orders (number, customer_id, warehouse_id, carrier_id, ship_to_city_id, updated_at)
      SELECT 'NEW-' || i, 2, 1, CASE WHEN i = 3 THEN 4 END, CASE WHEN i = 3 THEN 77 END,
             timestamptz '2025-03-02 08:00:00.000250+00' + i * interval '1 microsecond' FROM generate_series(1, 5) i;
    INSERT INTO sales.order_lines (order_id, line_no, product_id, quantity, unit_price, discount, tax_rate)
      SELECT o.id, n, 10 + n, n * 3, 19.99 + n, 0.0333, 0.19 FROM sales.orders o, generate_series(1, 3) n WHERE o.id % 10 <> 0;`);
});
afterAll(async () => {
  await sales.stop();
  await db.drop();
});

async function extract(first: number, updatedFrom: string | null = null) {
  const pages: FeedPage[] = [];
  let after: string | null = null;
  for (;;) {
    const d: { salesOrderLineFeed: FeedPage } = dataOf(
      await execute(sales, etl, FEED, { first, after, updatedFrom }),
    );
    pages.push(d.salesOrderLineFeed);
    if (!d.salesOrderLineFeed.hasNextPage || pages.length > 20) return pages;
    after = d.salesOrderLineFeed.endCursor;
  }
}

test('pages of whole orders in (updatedAt, id) order: each order and each line exactly once, ties across pages included', async () => {
  const pages = await extract(100);
  expect(pages.map((p) => p.orders)).toEqual([100, 100, 55]);
  const rows = pages.flatMap((p) => JSON.parse(p.rows) as unknown[][]);
  const col = (name: string) => pages[0]!.columns.indexOf(name);
  const { rows: oltp } = await db.pool.query<{ orders: number; lines: number; empty: number }>(
    `SELECT (SELECT count(*) FROM sales.orders)::int AS orders, (SELECT count(*) FROM sales.order_lines)::int AS lines,
            (SELECT count(*) FROM sales.orders o WHERE NOT EXISTS (SELECT 1 FROM sales.order_lines l WHERE l.order_id = o.id))::int AS empty`,
  );
  expect(pages.reduce((a, p) => a + p.lines, 0)).toBe(oltp[0]!.lines);
  // an order without lines is one row with null line columns
  expect(rows.length).toBe(oltp[0]!.lines + oltp[0]!.empty);
  expect(rows.filter((r) => r[col('line_no')] === null).length).toBe(oltp[0]!.empty);
  const keys = rows.map((r) => `${r[col('order_id')]}:${r[col('line_no')]}`);
  expect(new Set(keys).size).toBe(keys.length);
  expect(new Set(rows.map((r) => r[col('order_id')])).size).toBe(oltp[0]!.orders);
  // the last page ends on the newest order
  const last = pages.at(-1)!;
  expect(last.lastId).toBe(
    String(
      (await db.pool.query<{ id: number }>(`SELECT id FROM sales.orders WHERE number = 'NEW-5'`)).rows[0]!.id,
    ),
  );
  expect(last.carriers).toEqual([{ id: '4', code: 'DHL', name: 'DHL Express' }]);
  expect(last.shipToCities).toEqual([{ id: '77' }]);
});

test('the amounts are the ones OrderLine serves (rounded to the cent line by line), the ids scalar (JSON numbers)', async () => {
  const pages = await extract(1000);
  expect(pages).toHaveLength(1);
  const cols = pages[0]!.columns;
  const rows = (JSON.parse(pages[0]!.rows) as unknown[][]).filter((r) => r[cols.indexOf('line_no')] !== null);
  const { rows: lines } = await db.pool.query<OrderLineRow>(LINE_SELECT);
  const byKey = new Map(lines.map((l) => [`${l.orderId}:${l.lineNo}`, l]));
  for (const r of rows) {
    const l = byKey.get(`${r[cols.indexOf('order_id')]}:${r[cols.indexOf('line_no')]}`)!;
    expect(Number(r[cols.indexOf('net_amount')])).toBe(Number(l.netAmount));
    expect(Number(r[cols.indexOf('tax_amount')])).toBe(Number(l.taxAmount));
    expect(Number(r[cols.indexOf('gross_amount')])).toBe(Number(l.grossAmount));
    expect(r[cols.indexOf('product_id')]).toBe(l.productId);
  }
  expect(rows.length).toBe(lines.length);
});

test('updatedFrom keeps only the orders changed at or after it', async () => {
  const pages = await extract(100, '2025-03-02T08:00:00.000Z');
  expect(pages.map((p) => p.orders)).toEqual([5]);
  expect(
    (await extract(100, '2030-01-01T00:00:00Z')).map((p) => [p.orders, p.rows, p.endCursor, p.hasNextPage]),
  ).toEqual([[0, '[]', null, false]]);
});

test('the ETL identity alone may read it; a forged cursor is a validation error', async () => {
  for (const role of ['ADMIN', 'MANAGER', 'SALES', 'WAREHOUSE', 'PURCHASING', 'ANALYST'] as const) {
    const r = await execute(sales, identity(role, 1), FEED, { first: 10 });
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  }
  const forged = Buffer.from(JSON.stringify([{ x: 1 }, 'a'])).toString('base64url');
  const r = await execute(sales, etl, FEED, { first: 10, after: forged });
  expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
});
