import path from 'node:path';
import { repoRoot } from '@erp/kit';
import { sharedDatasetsOrSkip, testDatabase, type TestDatabase } from '@erp/kit/test/db';
import { usDate } from '../../mappings/superstore';
import { formatSummary, importDirectory } from './index';

/** The worked example of data/MAPPINGS.md: the Superstore mapping file on the real file. */
const DATASETS = path.join(repoRoot(), '..', 'shared', 'datasets');
const available = sharedDatasetsOrSkip(DATASETS);
const MAPPING = path.join(repoRoot(), 'data', 'mappings', 'superstore.ts');

test('US dates M/D/YYYY become ISO dates; anything else is left for the date check to refuse', () => {
  expect(usDate('11/8/2020')).toBe('2020-11-08');
  expect(usDate(' 1/31/2021 ')).toBe('2021-01-31');
  expect(usDate('2020-11-08')).toBe('2020-11-08');
  expect(usDate('31/1/21')).toBe('31/1/21');
});

(available ? describe : describe.skip)('superstore mapping file', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await testDatabase();
  });
  afterAll(() => db?.drop());
  const one = async (sql: string) => (await db.pool.query(sql)).rows[0];

  test('9,994 lines, 5,009 orders, 793 customers; net amounts give back Sales within the rounding of the unit price; dates, segment and city as the source says', async () => {
    const s = await importDirectory({
      pool: db.pool,
      mapping: MAPPING,
      dir: path.join(DATASETS, 'superstore'),
      quiet: true,
    });
    if (s.status !== 'committed') throw new Error(formatSummary(s));
    expect(await one(`SELECT count(*)::int AS n FROM sales.order_lines`)).toEqual({ n: 9994 });
    expect(await one(`SELECT count(*)::int AS n FROM sales.orders`)).toEqual({ n: 5009 });
    expect(await one(`SELECT count(*)::int AS n FROM customers.customers`)).toEqual({ n: 793 });
    expect(await one(`SELECT sum(quantity)::int AS n FROM sales.order_lines`)).toEqual({ n: 37873 });
    // unit price = Sales / (Quantity × (1 − Discount)) rounded to the cent: each line's net is Sales within a few cents
    const net = await one(
      `SELECT sum(round(quantity * unit_price * (1 - discount), 2))::float8 AS total FROM sales.order_lines`,
    );
    expect(Math.abs(net.total - 2297200.8603)).toBeLessThan(9994 * 0.03);
    // row 1: CA-2020-152156 on 11/8/2020, shipped 11/11/2020, Claire Gute (Consumer) in Henderson, Kentucky, South
    const first =
      await one(`SELECT to_char(o.ordered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS ordered, to_char(o.shipped_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS shipped,
                                    o.currency, c.name, c.segment FROM sales.orders o JOIN customers.customers c ON c.id = o.customer_id WHERE o.number = 'CA-2020-152156'`);
    expect(first).toEqual({
      ordered: '2020-11-08',
      shipped: '2020-11-11',
      currency: 'USD',
      name: 'Claire Gute',
      segment: 'CONSUMER',
    });
    const line =
      await one(`SELECT l.quantity, l.unit_price::text AS price, l.discount::float8 AS discount FROM sales.order_lines l JOIN sales.orders o ON o.id = l.order_id
                             WHERE o.number = 'CA-2020-152156' ORDER BY l.line_no LIMIT 1`);
    expect(line).toEqual({ quantity: 2, price: '130.98', discount: 0 }); // 261.96 / 2
    expect(s.facts).toEqual(expect.objectContaining({ 'order lines': 9994, 'orders (Order ID)': 5009 }));
    expect(
      s.facts['customers with orders in several regions (placed in the region of their first order)'],
    ).toBeGreaterThan(0);
  });
});
