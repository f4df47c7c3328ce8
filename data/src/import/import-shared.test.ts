import path from 'node:path';
import { repoRoot } from '@erp/kit';
import { sharedDatasetsOrSkip, testDatabase, type TestDatabase } from '@erp/kit/test/db';
import { formatSummary, importDirectory } from './index';

const DATASETS = path.join(repoRoot(), '..', 'shared', 'datasets');
const available = sharedDatasetsOrSkip(DATASETS);
const count = async (db: TestDatabase, sql: string) => (await db.pool.query(sql)).rows[0].n as number;

/** A fresh database for a mapping's suite, and the import of the mapping's files into it. */
function mappingDatabase(mapping: string, ...dir: string[]) {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await testDatabase();
  });
  afterAll(() => database?.drop());
  const db = () => database!;
  const load = () =>
    importDirectory({ pool: db().pool, mapping, dir: path.join(DATASETS, ...dir), quiet: true });
  return { db, load };
}

(available ? describe : describe.skip)('northwind mapping', () => {
  const { db, load } = mappingDatabase('northwind', 'northwind', 'csv');

  test('counts equal the source: 91 customers, 77 products, 830 orders, 2155 lines, 29 suppliers, 8 categories', async () => {
    const s = await load();
    if (s.status !== 'committed') throw new Error(formatSummary(s));
    expect(await count(db(), `SELECT count(*)::int n FROM customers.customers`)).toBe(91);
    expect(await count(db(), `SELECT count(*)::int n FROM catalog.products`)).toBe(77);
    expect(await count(db(), `SELECT count(*)::int n FROM sales.orders`)).toBe(830);
    expect(await count(db(), `SELECT count(*)::int n FROM sales.order_lines`)).toBe(2155);
    expect(await count(db(), `SELECT count(*)::int n FROM suppliers.suppliers`)).toBe(29);
    expect(await count(db(), `SELECT count(*)::int n FROM catalog.categories`)).toBe(8);
    expect(await count(db(), `SELECT count(*)::int n FROM auth.users WHERE role = 'SALES'`)).toBe(9);
    expect(await count(db(), `SELECT count(*)::int n FROM suppliers.product_supplies`)).toBe(77);
    expect(await count(db(), `SELECT count(*)::int n FROM sales.orders WHERE status = 'DELIVERED'`)).toBe(
      809,
    );
    // every order was placed: the 21 unshipped ones are booked (CONFIRMED), none a DRAFT
    expect(await count(db(), `SELECT count(*)::int n FROM sales.orders WHERE status = 'CONFIRMED'`)).toBe(21);
    expect(
      await count(
        db(),
        `SELECT count(*)::int n FROM sales.orders WHERE status NOT IN ('CONFIRMED', 'DELIVERED')`,
      ),
    ).toBe(0);
    // carriers from Shippers, each order's ShipVia; ship-to places from ShipCity/ShipRegion/ShipCountry
    expect(await count(db(), `SELECT count(*)::int n FROM sales.carriers`)).toBe(6);
    expect(await count(db(), `SELECT count(*)::int n FROM sales.orders WHERE carrier_id IS NULL`)).toBe(0);
    expect(
      await count(
        db(),
        `SELECT count(*)::int n FROM sales.orders o JOIN sales.carriers k ON k.id = o.carrier_id WHERE k.code = 'NW-SHIP1'`,
      ),
    ).toBe(249);
    expect(await count(db(), `SELECT count(*)::int n FROM sales.orders WHERE ship_to_city_id IS NULL`)).toBe(
      0,
    );
    expect(
      await count(
        db(),
        `SELECT count(*)::int n FROM sales.orders o JOIN customers.cities ci ON ci.id = o.ship_to_city_id
           JOIN customers.regions r ON r.id = ci.region_id WHERE r.country_code = 'DE'`,
      ),
    ).toBe(122);
    expect(
      await count(db(), `SELECT count(*)::int n FROM catalog.products WHERE status = 'DISCONTINUED'`),
    ).toBe(10);
    // reserved = CONFIRMED SALE lines less their backorders, on_hand = units_in_stock (opening movements)
    expect(
      await count(
        db(),
        `SELECT count(*)::int n FROM inventory.stock_levels l WHERE l.reserved IS DISTINCT FROM (
           SELECT coalesce(sum(ol.quantity - ol.backordered_quantity), 0) FROM sales.order_lines ol JOIN sales.orders o ON o.id = ol.order_id
            WHERE o.status = 'CONFIRMED' AND o.kind = 'SALE' AND ol.product_id = l.product_id AND o.warehouse_id = l.warehouse_id)`,
      ),
    ).toBe(0);
    expect(await count(db(), `SELECT sum(on_hand)::int n FROM inventory.stock_levels`)).toBe(3119);
    // units on order (780 in the source, on 17 products) are open purchase orders: one SENT order per product
    expect(
      await count(db(), `SELECT count(*)::int n FROM suppliers.purchase_orders WHERE status = 'SENT'`),
    ).toBe(17);
    expect(
      await count(
        db(),
        `SELECT sum(quantity - received_quantity)::int n FROM suppliers.purchase_order_lines`,
      ),
    ).toBe(780);
    expect(await count(db(), `SELECT sum(on_order)::int n FROM inventory.stock_levels`)).toBe(780);
    expect(s.facts['unshipped orders booked (CONFIRMED)']).toBe(21);
    expect(s.facts['of which with a backorder']).toBe(
      await count(
        db(),
        `SELECT count(DISTINCT order_id)::int n FROM sales.order_lines WHERE backordered_quantity > 0`,
      ),
    );
    expect(s.facts['of which with a backorder']).toBeGreaterThan(0);
    // Revenue check against the published figure (sum of unit_price × quantity × (1 − discount)).
    const revenue = await count(
      db(),
      `SELECT round(sum(unit_price * quantity * (1 - discount)), 2)::float n FROM sales.order_lines`,
    );
    expect(revenue).toBeCloseTo(1265793.04, 0);
  });

  test('re-import changes nothing', async () => {
    const s = await load();
    expect(s.status).toBe('committed');
    for (const [name, c] of Object.entries(s.entities))
      expect([name, c.inserted, c.updated]).toEqual([name, 0, 0]);
  });
});

(available ? describe : describe.skip)('online-retail mapping', () => {
  const { db, load } = mappingDatabase('online-retail', 'online-retail');

  test('541,909 lines = imported + skipped by named rules', async () => {
    const s = await load();
    if (s.status !== 'committed') throw new Error(formatSummary(s).slice(0, 20000));
    const file = s.files[0]!;
    expect(file.lines).toBe(541_909);
    const skipped = s.skipped.reduce((a, r) => a + r.count, 0);
    const lines = await count(db(), `SELECT count(*)::int n FROM sales.order_lines`);
    expect(lines + skipped).toBe(541_909);
    expect(file.imported).toBe(lines);
    const rule = (name: string) => s.rules.find((r) => r.rule === name)!.count;
    expect(rule('bad-debt-adjustment')).toBe(3);
    expect(s.skipped.find((r) => r.rule === 'bad-debt-adjustment')!.lines).toHaveLength(3);
    expect(rule('stock-write-off')).toBe(1336);
    expect(rule('cancellation')).toBe(9288);
    const orders = s.facts['SALE orders (invoices)']! + s.facts['RETURN orders (C invoices)']!;
    expect(await count(db(), `SELECT count(*)::int n FROM sales.orders`)).toBe(orders);
    expect(await count(db(), `SELECT count(*)::int n FROM sales.orders WHERE kind = 'RETURN'`)).toBe(3836);
    expect(await count(db(), `SELECT count(*)::int n FROM customers.customers WHERE NOT is_guest`)).toBe(
      4372,
    );
    expect(await count(db(), `SELECT count(*)::int n FROM customers.customers WHERE code = '17850'`)).toBe(1);
    expect(
      await count(
        db(),
        `SELECT count(*)::int n FROM customers.customers WHERE is_guest AND code LIKE 'GUEST-%'`,
      ),
    ).toBe(s.facts['guest customers (one per country)']!);
    expect(await count(db(), `SELECT count(*)::int n FROM sales.order_lines WHERE quantity <= 0`)).toBe(0);
    // The 3 'A' lines and the 1,336 write-offs all lack a CustomerID: the other 133,741 go to guests.
    expect(s.facts['lines without CustomerID (→ guest customers)']).toBe(135_080 - 3 - 1336);
  }, 600_000);

  test('re-import changes nothing', async () => {
    const s = await load();
    expect(s.status).toBe('committed');
    for (const [name, c] of Object.entries(s.entities))
      expect([name, c.inserted, c.updated]).toEqual([name, 0, 0]);
  }, 600_000);
});
