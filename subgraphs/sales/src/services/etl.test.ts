import type { BaseContext, Subgraph } from '@erp/kit/graphql';
import type { TestDatabase } from '@erp/kit/test/db';
import { dataOf, execute, identity, testUpdatedAtFeed } from '@erp/kit/test/graphql';
import { LINE_SELECT, type OrderLineRow } from '../rows';
import { salesAlone } from './test-helpers';
import { fromCents, toCents } from './order-totals';

/** What the warehouse ETL needs of sales: incremental order extraction and the source totals. */
const analyst = identity('ANALYST', 7);

describe('incremental extraction', () => {
  let db: TestDatabase;
  let sales: Subgraph<BaseContext>;
  beforeAll(async () => {
    ({ db, sales } = await salesAlone());
    await db.pool.query(`
      INSERT INTO sales.orders (number, customer_id, warehouse_id, updated_at)
        SELECT 'TIE-' || lpad(i::text, 3, '0'), 1, 1, timestamptz '2025-03-01 10:00:00.123456+00' FROM generate_series(1, 250) i;
      INSERT INTO sales.orders (number, customer_id, warehouse_id, updated_at)
        SELECT 'NEW-' || i, 1, 1, timestamptz '2025-03-02 08:00:00.000250+00' + i * interval '1 microsecond' FROM generate_series(1, 5) i;`);
  });
  afterAll(async () => {
    await sales.stop();
    await db.drop();
  });

  const PAGE = testUpdatedAtFeed({
    list: 'orders',
    key: 'number',
    run: (query, variables) => execute(sales, analyst, query, variables),
  });

  test('a cursor whose values are not a sort text and an id is refused as a validation error', async () => {
    const forged = Buffer.from(JSON.stringify([{ x: 1 }, 'a'])).toString('base64url');
    const r = await execute(sales, analyst, PAGE, { first: 10, after: forged, dir: 'ASC' });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});

describe('salesTotals', () => {
  let db: TestDatabase;
  let sales: Subgraph<BaseContext>;
  const TOTALS = `{ salesTotals { orders lines units netRevenue byStatus { status orders netRevenue } } }`;
  beforeAll(async () => {
    ({ db, sales } = await salesAlone());
    // Hand-made: a delivered SALE (per-line rounding matters), a delivered RETURN, a CANCELLED SALE,
    // a DRAFT without lines and a CONFIRMED RETURN.
    await db.pool.query(`
      INSERT INTO sales.orders (id, number, kind, status, customer_id, warehouse_id, confirmed_at, shipped_at, delivered_at, cancelled_at) VALUES
        (1, 'S-1', 'SALE',   'DELIVERED', 1, 1, now(), now(), now(), NULL),
        (2, 'R-1', 'RETURN', 'DELIVERED', 1, 1, now(), now(), now(), NULL),
        (3, 'S-2', 'SALE',   'CANCELLED', 2, 1, NULL, NULL, NULL, now()),
        (4, 'S-3', 'SALE',   'DRAFT',     2, 1, NULL, NULL, NULL, NULL),
        (5, 'R-2', 'RETURN', 'CONFIRMED', 3, 2, now(), NULL, NULL, NULL);
      INSERT INTO sales.order_lines (order_id, line_no, product_id, quantity, unit_price, discount, tax_rate) VALUES
        (1, 1, 10, 2, 10.00, 0, 0.2),        -- 20.00
        (1, 2, 11, 3, 19.99, 0.1, 0.2),      -- 53.973 → 53.97
        (1, 3, 12, 1, 0.05, 0.5, 0),         -- 0.025 → 0.03 (half away from zero)
        (2, 1, 11, 1, 19.99, 0.15, 0.2),     -- 16.9915 → 16.99, counted −16.99, −1 unit
        (3, 1, 13, 5, 3.33, 0.333, 0),       -- 11.10555 → 11.11
        (5, 1, 10, 4, 10.00, 0.25, 0);       -- 30.00, counted −30.00, −4 units`);
  });
  afterAll(async () => {
    await sales.stop();
    await db.drop();
  });

  test('equal to the hand-computed figures: RETURN negative, CANCELLED and DRAFT included, every status listed', async () => {
    const d = dataOf(await execute(sales, analyst, TOTALS));
    expect(d.salesTotals).toEqual({
      orders: 5,
      lines: 6,
      units: 2 + 3 + 1 - 1 + 5 - 4,
      netRevenue: '38.12', // 20.00 + 53.97 + 0.03 − 16.99 + 11.11 − 30.00
      byStatus: [
        { status: 'DRAFT', orders: 1, netRevenue: '0.00' },
        { status: 'CONFIRMED', orders: 1, netRevenue: '-30.00' },
        { status: 'SHIPPED', orders: 0, netRevenue: '0.00' },
        { status: 'DELIVERED', orders: 2, netRevenue: '57.01' },
        { status: 'CANCELLED', orders: 1, netRevenue: '11.11' },
      ],
    });
  });

  test('equal to an independent computation from the lines as OrderLine serves them (integer cents)', async () => {
    const lines = (await db.pool.query<OrderLineRow>(LINE_SELECT)).rows;
    const orders = (
      await db.pool.query<{ id: number; kind: string; status: string }>(
        `SELECT id, kind::text, status::text FROM sales.orders`,
      )
    ).rows;
    const orderOf = new Map(orders.map((o) => [o.id, o]));
    let units = 0;
    let net = 0n;
    const byStatus = new Map<string, { orders: number; net: bigint }>();
    for (const o of orders)
      byStatus.set(o.status, {
        orders: (byStatus.get(o.status)?.orders ?? 0) + 1,
        net: byStatus.get(o.status)?.net ?? 0n,
      });
    for (const l of lines) {
      const o = orderOf.get(l.orderId)!;
      const sign = o.kind === 'RETURN' ? -1 : 1;
      units += sign * l.quantity;
      const cents = BigInt(sign) * toCents(String(l.netAmount));
      net += cents;
      byStatus.get(o.status)!.net += cents;
    }
    const d = dataOf(await execute(sales, analyst, TOTALS)).salesTotals;
    expect(d.orders).toBe(orders.length);
    expect(d.lines).toBe(lines.length);
    expect(d.units).toBe(units);
    expect(d.netRevenue).toBe(fromCents(net));
    for (const s of d.byStatus as { status: string; orders: number; netRevenue: string }[]) {
      const expected = byStatus.get(s.status) ?? { orders: 0, net: 0n };
      expect([s.status, s.orders, s.netRevenue]).toEqual([
        s.status,
        expected.orders,
        fromCents(expected.net),
      ]);
    }
  });

  test('only the roles that see every order may call it', async () => {
    for (const role of ['ADMIN', 'MANAGER'] as const)
      expect(dataOf(await execute(sales, identity(role, 1), TOTALS)).salesTotals.orders).toBe(5);
    for (const role of ['SALES', 'WAREHOUSE', 'PURCHASING'] as const) {
      const r = await execute(sales, identity(role, 1), TOTALS);
      expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });
});
