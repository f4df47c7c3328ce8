import { testDatabase, type TestDatabase } from '../test/db';
import { checkDatabase } from './check';

let db: TestDatabase;
beforeAll(async () => {
  db = await testDatabase();
});
afterAll(() => db.drop());

const found = async () =>
  Object.fromEntries(
    (await checkDatabase(db.pool)).filter((r) => r.count > 0).map((r) => [r.name, r.examples]),
  );

test('the dangling rows of earlier versions (an order for a customer or warehouse that never existed) are reported by the check', async () => {
  expect(await found()).toEqual({});
  await db.pool.query(`
    INSERT INTO catalog.categories (code, name) VALUES ('C', 'C');
    INSERT INTO catalog.products (sku, name, category_id, list_price) SELECT 'P-1', 'P', id, 1 FROM catalog.categories;
    INSERT INTO inventory.warehouses (code, name, city, country_code) VALUES ('W', 'W', 'Lyon', 'FR');
    INSERT INTO customers.countries (code, name) VALUES ('FR', 'France');
    INSERT INTO customers.regions (country_code, name) VALUES ('FR', 'R');
    INSERT INTO customers.cities (region_id, name) SELECT id, 'Lyon' FROM customers.regions;
    INSERT INTO customers.customers (code, name, email, city_id) SELECT 'ACME', 'Acme', 'a@acme.test', id FROM customers.cities;
    INSERT INTO sales.orders (number, customer_id, warehouse_id) SELECT 'SO-OK', c.id, w.id FROM customers.customers c, inventory.warehouses w;
    INSERT INTO sales.orders (number, customer_id, warehouse_id) SELECT 'SO-NO-CUSTOMER', 999999, w.id FROM inventory.warehouses w;
    INSERT INTO sales.orders (number, customer_id, warehouse_id) SELECT 'SO-NO-WAREHOUSE', c.id, 999999 FROM customers.customers c;`);
  await db.pool.query(
    `INSERT INTO sales.order_lines (order_id, line_no, product_id, quantity, unit_price) SELECT id, 1, 999999, 1, 1 FROM sales.orders WHERE number = 'SO-OK'`,
  );
  await db.pool.query(`
    INSERT INTO inventory.stock_movements (product_id, warehouse_id, kind, quantity) SELECT p.id, w.id, 'RECEIPT', 5 FROM catalog.products p, inventory.warehouses w;
    UPDATE inventory.stock_levels SET reserved = 2;
    INSERT INTO inventory.stock_reservations (order_id, reference, product_id, warehouse_id, quantity)
      SELECT o.id, o.number, p.id, w.id, 2 FROM sales.orders o, catalog.products p, inventory.warehouses w WHERE o.number = 'SO-OK';`);
  expect(await found()).toEqual({
    'orders.customer': ['SO-NO-CUSTOMER'],
    'orders.warehouse': ['SO-NO-WAREHOUSE'],
    'orderLines.product': ['SO-OK line 1'],
    'reservations.liveOrder': ['SO-OK'], // its order is a DRAFT
  });
});
