import type pg from 'pg';
import { testDatabase, type TestDatabase } from '../test/db';

/** Each OLTP constraint refuses the invalid state it exists for (real PostgreSQL, no mocks). */
let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await testDatabase();
  pool = db.pool;
  await pool.query(`
    INSERT INTO catalog.categories (id, code, name) VALUES (1, 'TOOLS', 'Tools');
    INSERT INTO catalog.products (id, sku, name, category_id, list_price, unit_cost) VALUES (1, 'SKU-1', 'Hammer', 1, 10, 6);
    INSERT INTO inventory.warehouses (id, code, name, city, country_code) VALUES (1, 'WH1', 'Main', 'Lyon', 'FR');
    INSERT INTO customers.countries (code, name) VALUES ('FR', 'France');
    INSERT INTO customers.regions (id, country_code, name) VALUES (1, 'FR', 'Auvergne-Rhône-Alpes');
    INSERT INTO customers.cities (id, region_id, name) VALUES (1, 1, 'Lyon');
    INSERT INTO customers.customers (id, code, name, email, city_id) VALUES (1, 'C1', 'Acme', 'buyer@acme.test', 1);
    INSERT INTO suppliers.suppliers (id, code, name, country_code) VALUES (1, 'S1', 'Supplier', 'DE');
    INSERT INTO sales.orders (id, number, customer_id, warehouse_id) VALUES (1, 'SO-1', 1, 1);
    INSERT INTO inventory.stock_movements (product_id, warehouse_id, kind, quantity) VALUES (1, 1, 'OPENING', 10);
  `);
  // Rows above were given explicit ids: move each identity past them.
  await pool.query(`
    DO $$ DECLARE r record; BEGIN
      FOR r IN SELECT table_schema, table_name, column_name FROM information_schema.columns
               WHERE is_identity = 'YES' AND table_schema NOT IN ('pg_catalog', 'information_schema') LOOP
        EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L), coalesce((SELECT max(%I) FROM %I.%I), 0) + 1, false)',
          r.table_schema || '.' || r.table_name, r.column_name, r.column_name, r.table_schema, r.table_name);
      END LOOP; END $$`);
});
afterAll(() => db.drop());

async function rejects(sql: string, params: unknown[] = []): Promise<{ code: string; constraint?: string }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(sql, params);
    throw new Error(`accepted: ${sql}`);
  } catch (err) {
    const e = err as { code?: string; constraint?: string; message: string };
    if (!e.code) throw err;
    return { code: e.code, constraint: e.constraint };
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

const CHECK = '23514';
const UNIQUE = '23505';
const FK = '23503';

test.each([
  [
    'negative list price',
    `UPDATE catalog.products SET list_price = -1 WHERE id = 1`,
    CHECK,
    'products_list_price_non_negative',
  ],
  [
    'negative unit cost',
    `UPDATE catalog.products SET unit_cost = -0.01 WHERE id = 1`,
    CHECK,
    'products_unit_cost_non_negative',
  ],
  [
    'blank SKU',
    `INSERT INTO catalog.products (sku, name, category_id, list_price) VALUES ('  ', 'x', 1, 1)`,
    CHECK,
    'products_sku_not_blank',
  ],
  [
    'duplicate SKU',
    `INSERT INTO catalog.products (sku, name, category_id, list_price) VALUES ('SKU-1', 'x', 1, 1)`,
    UNIQUE,
    'products_sku_unique',
  ],
  [
    'product in unknown category',
    `INSERT INTO catalog.products (sku, name, category_id, list_price) VALUES ('SKU-2', 'x', 99, 1)`,
    FK,
    undefined,
  ],
  [
    'category its own parent',
    `UPDATE catalog.categories SET parent_id = 1 WHERE id = 1`,
    CHECK,
    'categories_not_own_parent',
  ],
  [
    'reserved above on hand',
    `UPDATE inventory.stock_levels SET reserved = 11`,
    CHECK,
    'stock_levels_reserved_within_on_hand',
  ],
  [
    'negative reserved',
    `UPDATE inventory.stock_levels SET reserved = -1`,
    CHECK,
    'stock_levels_reserved_within_on_hand',
  ],
  [
    'on hand changed outside the ledger',
    `UPDATE inventory.stock_levels SET on_hand = 50`,
    CHECK,
    'stock_levels_on_hand_from_ledger',
  ],
  [
    'shipment that takes on hand below zero',
    `INSERT INTO inventory.stock_movements (product_id, warehouse_id, kind, quantity) VALUES (1, 1, 'SHIPMENT', -11)`,
    CHECK,
    'stock_levels_on_hand_non_negative',
  ],
  [
    'receipt with a negative quantity',
    `INSERT INTO inventory.stock_movements (product_id, warehouse_id, kind, quantity) VALUES (1, 1, 'RECEIPT', -1)`,
    CHECK,
    'stock_movements_sign_matches_kind',
  ],
  [
    'zero movement',
    `INSERT INTO inventory.stock_movements (product_id, warehouse_id, kind, quantity) VALUES (1, 1, 'ADJUSTMENT', 0)`,
    CHECK,
    'stock_movements_quantity_not_zero',
  ],
  ['ledger row edited', `UPDATE inventory.stock_movements SET quantity = 5`, '23001', undefined],
  ['ledger row deleted', `DELETE FROM inventory.stock_movements`, '23001', undefined],
  [
    'duplicate customer e-mail',
    `INSERT INTO customers.customers (code, name, email, city_id) VALUES ('C2', 'B', 'buyer@acme.test', 1)`,
    UNIQUE,
    'customers_email_unique',
  ],
  [
    'malformed customer e-mail',
    `UPDATE customers.customers SET email = 'not-an-email' WHERE id = 1`,
    CHECK,
    'customers_email_format',
  ],
  [
    'customer in unknown city',
    `INSERT INTO customers.customers (code, name, city_id) VALUES ('C3', 'B', 999)`,
    FK,
    undefined,
  ],
  [
    'order line with zero quantity',
    `INSERT INTO sales.order_lines (order_id, line_no, product_id, quantity, unit_price) VALUES (1, 1, 1, 0, 1)`,
    CHECK,
    'order_lines_quantity_positive',
  ],
  [
    'order line with negative price',
    `INSERT INTO sales.order_lines (order_id, line_no, product_id, quantity, unit_price) VALUES (1, 1, 1, 1, -1)`,
    CHECK,
    'order_lines_unit_price_non_negative',
  ],
  [
    'discount above 100 %',
    `INSERT INTO sales.order_lines (order_id, line_no, product_id, quantity, unit_price, discount) VALUES (1, 1, 1, 1, 1, 1.5)`,
    CHECK,
    'order_lines_discount_range',
  ],
  [
    'order line of an unknown order',
    `INSERT INTO sales.order_lines (order_id, line_no, product_id, quantity, unit_price) VALUES (42, 1, 1, 1, 1)`,
    FK,
    undefined,
  ],
  [
    'shipped order without confirmation time',
    `UPDATE sales.orders SET status = 'SHIPPED', shipped_at = now() WHERE id = 1`,
    CHECK,
    'orders_status_timestamps',
  ],
  [
    'lead time of zero days',
    `INSERT INTO suppliers.product_supplies (supplier_id, product_id, lead_time_days, unit_cost) VALUES (1, 1, 0, 1)`,
    CHECK,
    'product_supplies_lead_time_positive',
  ],
  [
    'more on-time deliveries than deliveries',
    `INSERT INTO suppliers.evaluations (supplier_id, period_start, deliveries, on_time_deliveries, quality_score, price_score) VALUES (1, '2025-01-01', 3, 4, 50, 50)`,
    CHECK,
    'evaluations_deliveries_valid',
  ],
  [
    'evaluation period not a month start',
    `INSERT INTO suppliers.evaluations (supplier_id, period_start, deliveries, on_time_deliveries, quality_score, price_score) VALUES (1, '2025-01-15', 3, 2, 50, 50)`,
    CHECK,
    'evaluations_period_is_month_start',
  ],
  [
    'user e-mail in upper case',
    `INSERT INTO auth.users (email, name, role) VALUES ('Boss@X.test', 'B', 'ADMIN')`,
    CHECK,
    'users_email_lowercase',
  ],
  [
    'password that is not an argon2id hash',
    `INSERT INTO auth.users (email, name, role, password_hash) VALUES ('b@x.test', 'B', 'ADMIN', 'plaintext')`,
    CHECK,
    'users_password_hash_argon2id',
  ],
  ['audit row edited', `UPDATE platform.audit_log SET operation = 'x'`, null, undefined],
])('refuses %s', async (_name, sql, code, constraint) => {
  if (code === null) {
    // UPDATE of an empty table touches no row: insert one first, then the edit must fail.
    await pool.query(`INSERT INTO platform.audit_log (operation, entity) VALUES ('test', 'test')`);
    const e = await rejects(sql);
    expect(e.code).toBe('23001');
    return;
  }
  const e = await rejects(sql);
  expect(e.code).toBe(code);
  if (constraint) expect(e.constraint).toBe(constraint);
});

test('updated_at is maintained by the database', async () => {
  const before = (await pool.query(`SELECT updated_at FROM catalog.products WHERE id = 1`)).rows[0]
    .updated_at;
  await new Promise((r) => setTimeout(r, 20));
  await pool.query(
    `UPDATE catalog.products SET name = 'Claw hammer', updated_at = '2000-01-01' WHERE id = 1`,
  );
  const after = (await pool.query(`SELECT updated_at FROM catalog.products WHERE id = 1`)).rows[0].updated_at;
  expect(after.getTime()).toBeGreaterThan(before.getTime());
});

test('the ledger sum equals on hand after receipts, shipments and adjustments', async () => {
  await pool.query(`
    INSERT INTO inventory.stock_movements (product_id, warehouse_id, kind, quantity) VALUES
      (1, 1, 'RECEIPT', 25), (1, 1, 'SHIPMENT', -7), (1, 1, 'ADJUSTMENT', -3), (1, 1, 'ADJUSTMENT', 2)`);
  const { rows } = await pool.query(`
    SELECT s.on_hand, (SELECT sum(quantity) FROM inventory.stock_movements m
                       WHERE m.product_id = s.product_id AND m.warehouse_id = s.warehouse_id)::int AS ledger
    FROM inventory.stock_levels s WHERE product_id = 1 AND warehouse_id = 1`);
  expect(rows[0]).toEqual({ on_hand: 27, ledger: 27 });
});

test('one statement of many movements over several levels moves each level by its net, creating new ones', async () => {
  await pool.query(
    `INSERT INTO inventory.warehouses (code, name, city, country_code) VALUES ('WH2', 'Second', 'Lille', 'FR')`,
  );
  const { rows: before } = await pool.query(
    `SELECT on_hand FROM inventory.stock_levels WHERE product_id = 1 AND warehouse_id = 1`,
  );
  await pool.query(`
    INSERT INTO inventory.stock_movements (product_id, warehouse_id, kind, quantity)
    SELECT 1, w.id, CASE WHEN w.code = 'WH1' THEN 'TRANSFER_OUT' ELSE 'TRANSFER_IN' END::inventory.stock_movement_kind,
           CASE WHEN w.code = 'WH1' THEN -1 ELSE 1 END
      FROM inventory.warehouses w, generate_series(1, 5) WHERE w.code IN ('WH1', 'WH2')`);
  const { rows } = await pool.query(`
    SELECT w.code, s.on_hand, (SELECT sum(quantity) FROM inventory.stock_movements m
                               WHERE m.product_id = s.product_id AND m.warehouse_id = s.warehouse_id)::int AS ledger
    FROM inventory.stock_levels s JOIN inventory.warehouses w ON w.id = s.warehouse_id WHERE s.product_id = 1 ORDER BY w.code`);
  expect(rows).toEqual([
    { code: 'WH1', on_hand: before[0].on_hand - 5, ledger: before[0].on_hand - 5 },
    { code: 'WH2', on_hand: 5, ledger: 5 },
  ]);
  const refused = await rejects(
    `INSERT INTO inventory.stock_movements (product_id, warehouse_id, kind, quantity)
     SELECT 1, id, 'SHIPMENT', -6 FROM inventory.warehouses WHERE code = 'WH2'`,
  );
  expect(refused).toEqual({ code: CHECK, constraint: 'stock_levels_on_hand_non_negative' });
});
