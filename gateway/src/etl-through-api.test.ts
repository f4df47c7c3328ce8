import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { repoRoot } from '@erp/kit';
import { testDatabase, type TestDatabase } from '@erp/kit/test/db';
import { generate, importDirectory } from '@erp/data';
import { runEtl, type RunEtlOptions } from '@erp/etl';
import { hashPassword } from './auth/passwords';
import { PASSWORD, startTestSystem, type TestSystem } from './test-system';

jest.setTimeout(240_000);

const ETL_EMAIL = 'etl@test.example';
let sys: TestSystem;
let dwh: TestDatabase;
let dir: string;
let manager: string;
const timings: Record<string, number> = {};

const etl = (db: TestDatabase, o: Partial<RunEtlOptions> = {}) =>
  runEtl({
    gatewayUrl: sys.system.gatewayUrl,
    credentials: { email: ETL_EMAIL, password: PASSWORD },
    dwhUrl: db.url,
    ...o,
  });

async function one<T = Record<string, unknown>>(
  pool: pg.Pool,
  sql: string,
  params: unknown[] = [],
): Promise<T> {
  return (await pool.query(sql, params)).rows[0] as T;
}

beforeAll(async () => {
  sys = await startTestSystem();
  dir = mkdtempSync(path.join(tmpdir(), 'etl-data-'));
  await generate({
    scale: 0.02,
    seed: 7,
    out: dir,
    start: '2025-01-01',
    months: 12,
    gzip: true,
    quiet: true,
  });
  const summary = await importDirectory({ pool: sys.db.pool, dir, quiet: true });
  if (summary.status !== 'committed')
    throw new Error(`import failed: ${JSON.stringify(summary.issues.slice(0, 5))}`);
  await sys.db.pool.query(
    `INSERT INTO auth.users (email, name, role, password_hash) VALUES ($1, 'ETL', 'ETL_SERVICE', $2)`,
    [ETL_EMAIL, await hashPassword(PASSWORD)],
  );
  dwh = await testDatabase({ migrated: false });
  manager = await sys.login('MANAGER');
});

afterAll(async () => {
  await dwh?.drop();
  await sys?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  process.stderr.write(`\nETL timings: ${JSON.stringify(timings)}\n`);
});

test('a full load equals the OLTP: revenue by month × category, units by product, stock per warehouse; reconciled', async () => {
  const t0 = Date.now();
  const r = await etl(dwh);
  timings.fullLoadSeconds = (Date.now() - t0) / 1000;
  expect(r.message).toMatch(/SUCCEEDED/);
  expect(r.status).toBe('SUCCEEDED');
  expect(r.mode).toBe('full');
  expect(r.reconciliation?.ok).toBe(true);
  expect(r.reconciliation!.checks.length).toBeGreaterThan(10);
  const oltpOrders = await one<{ n: number; lines: number }>(
    sys.db.pool,
    'SELECT count(*)::int AS n, (SELECT count(*)::int FROM sales.order_lines) AS lines FROM sales.orders',
  );
  expect(r.entities.find((e) => e.entity === 'orders')).toMatchObject({
    extracted: oltpOrders.n,
    inserted: oltpOrders.n,
    status: 'SUCCEEDED',
  });
  timings.orders = oltpOrders.n;
  timings.lines = oltpOrders.lines;
  timings.rowsWritten = r.rowsWritten;

  const revenue = `SELECT ym, cat, sum(net)::text AS net FROM (%s) x GROUP BY ym, cat HAVING sum(net) <> 0 ORDER BY ym, cat`;
  const oltp = await sys.db.pool.query(
    revenue.replace(
      '%s',
      `SELECT to_char(o.ordered_at AT TIME ZONE 'UTC', 'YYYY-MM') AS ym, c.code AS cat,
              CASE o.kind WHEN 'RETURN' THEN -1 ELSE 1 END * round(l.quantity * l.unit_price * (1 - l.discount), 2) AS net
       FROM sales.orders o JOIN sales.order_lines l ON l.order_id = o.id JOIN catalog.products p ON p.id = l.product_id
       JOIN catalog.categories c ON c.id = p.category_id WHERE o.status <> 'CANCELLED'`,
    ),
  );
  const dw = await dwh.pool.query(
    revenue.replace(
      '%s',
      `SELECT d.year_month AS ym, p.category_code AS cat, f.net_amount AS net
       FROM dw.fact_sales f JOIN dw.dim_date d ON d.date_key = f.order_date_key JOIN dw.dim_product p ON p.product_key = f.product_key
       JOIN dw.dim_order_status s ON s.status_key = f.status_key WHERE NOT s.is_cancelled`,
    ),
  );
  expect(dw.rows.length).toBeGreaterThan(12);
  expect(dw.rows).toEqual(oltp.rows);

  const units = `SELECT sku, sum(q)::int AS units FROM (%s) x GROUP BY sku ORDER BY sku`;
  const oltpUnits = await sys.db.pool.query(
    units.replace(
      '%s',
      `SELECT p.sku, CASE o.kind WHEN 'RETURN' THEN -1 ELSE 1 END * l.quantity AS q FROM sales.orders o
       JOIN sales.order_lines l ON l.order_id = o.id JOIN catalog.products p ON p.id = l.product_id`,
    ),
  );
  const dwUnits = await dwh.pool.query(
    units.replace(
      '%s',
      `SELECT p.sku, f.quantity AS q FROM dw.fact_sales f JOIN dw.dim_product p ON p.product_key = f.product_key`,
    ),
  );
  expect(dwUnits.rows).toEqual(oltpUnits.rows);

  const stock = `SELECT code, sum(on_hand)::int AS on_hand, sum(reserved)::int AS reserved FROM (%s) x GROUP BY code ORDER BY code`;
  const oltpStock = await sys.db.pool.query(
    stock.replace(
      '%s',
      `SELECT w.code, s.on_hand, s.reserved FROM inventory.stock_levels s JOIN inventory.warehouses w ON w.id = s.warehouse_id`,
    ),
  );
  const dwStock = await dwh.pool.query(
    stock.replace(
      '%s',
      `SELECT w.code, f.on_hand, f.reserved FROM dw.fact_inventory_snapshot f JOIN dw.dim_warehouse w ON w.warehouse_key = f.warehouse_key`,
    ),
  );
  expect(dwStock.rows).toEqual(oltpStock.rows);

  // the run ledger
  const run = await one(
    dwh.pool,
    'SELECT status, mode, reconciliation IS NOT NULL AS rec, finished_at IS NOT NULL AS done FROM meta.etl_runs WHERE run_id = $1',
    [r.runId],
  );
  expect(run).toEqual({ status: 'SUCCEEDED', mode: 'full', rec: true, done: true });
  const wm = await dwh.pool.query('SELECT entity FROM meta.watermarks ORDER BY entity');
  expect(wm.rows.map((x) => x.entity)).toEqual([
    'customers',
    'orders',
    'products',
    'purchaseOrders',
    'stockMovements',
    'suppliers',
  ]);
  // the generator's buy side: every purchase order line and receipt in the purchase facts
  const po = await one<{ lines: number; receipts: number }>(
    sys.db.pool,
    `SELECT (SELECT count(*)::int FROM suppliers.purchase_order_lines) AS lines, (SELECT count(*)::int FROM suppliers.purchase_receipts) AS receipts`,
  );
  expect(po.receipts).toBeGreaterThan(0);
  expect(
    await one(
      dwh.pool,
      `SELECT (SELECT count(*)::int FROM dw.fact_purchase) AS lines, (SELECT count(*)::int FROM dw.fact_purchase_receipt) AS receipts`,
    ),
  ).toEqual(po);
  const inferred = await one<{ n: number }>(
    dwh.pool,
    'SELECT (SELECT count(*) FROM dw.dim_product WHERE is_inferred) + (SELECT count(*) FROM dw.dim_customer WHERE is_inferred) AS n',
  );
  expect(Number(inferred.n)).toBe(0);
});

test('a rerun with no OLTP change writes 0 rows and says so (rows re-read in the lookback are skipped by checksum)', async () => {
  const r = await etl(dwh);
  expect({ status: r.status, message: r.message }).toEqual({
    status: 'SUCCEEDED',
    message: expect.any(String),
  });
  expect(r.mode).toBe('incremental');
  expect(r.rowsWritten).toBe(0);
  expect(r.message).toMatch(/no change in the source, 0 rows written/);
  const orders = r.entities.find((e) => e.entity === 'orders')!;
  expect(orders.extracted).toBeGreaterThan(0); // the lookback re-read them
  expect(orders.unchanged).toBe(orders.extracted);
  expect(r.summary).toMatch(/entity\s+status\s+pages\s+extracted\s+inserted\s+updated\s+unchanged/);
});

test('many rows sharing one updated_at across page boundaries: none is missed', async () => {
  // One transaction: 250 orders get the same updated_at (now()); pages of 7 cut through them.
  const ids = (await sys.db.pool.query('SELECT id FROM sales.orders ORDER BY id LIMIT 250')).rows.map(
    (r) => r.id,
  );
  await sys.db.pool.query(`UPDATE sales.orders SET currency = 'USD' WHERE id = ANY($1)`, [ids]);
  const shared = await one<{ n: number }>(
    sys.db.pool,
    'SELECT count(DISTINCT updated_at)::int AS n FROM sales.orders WHERE id = ANY($1)',
    [ids],
  );
  expect(shared.n).toBe(1);
  const r = await etl(dwh, { pageSize: 7, entities: ['orders'] });
  expect(r.status).toBe('SUCCEEDED');
  const orders = r.entities[0]!;
  expect(orders.updated).toBe(250);
  expect(orders.pages).toBeGreaterThan(250 / 7);
  const usd = await one<{ n: number }>(
    dwh.pool,
    `SELECT count(DISTINCT order_id)::int AS n FROM dw.fact_sales WHERE currency = 'USD'`,
  );
  const withLines = await one<{ n: number }>(
    sys.db.pool,
    'SELECT count(DISTINCT order_id)::int AS n FROM sales.order_lines WHERE order_id = ANY($1)',
    [ids],
  );
  expect(usd.n).toBe(withLines.n);
});

test('a price change through the API opens a new product version; the old one is closed', async () => {
  const p = await one<{ id: number; list_price: string }>(
    sys.db.pool,
    `SELECT id, list_price FROM catalog.products WHERE status = 'ACTIVE' ORDER BY id LIMIT 1`,
  );
  const newPrice = (Number(p.list_price) + 1.5).toFixed(2);
  const u = await sys.gql(
    `mutation($id: ID!, $p: Decimal!) { updateProduct(id: $id, input: { listPrice: $p }) { id listPrice } }`,
    { id: String(p.id), p: newPrice },
    manager,
  );
  expect(u.body.errors ?? []).toEqual([]);
  const r = await etl(dwh);
  expect(r.status).toBe('SUCCEEDED');
  expect(r.entities.find((e) => e.entity === 'products')).toMatchObject({ updated: 1, inserted: 0 });
  const versions = await dwh.pool.query(
    `SELECT version, list_price::text, is_current, valid_from, valid_to FROM dw.dim_product WHERE product_id = $1 ORDER BY version`,
    [p.id],
  );
  expect(versions.rows).toHaveLength(2);
  expect(versions.rows[0]).toMatchObject({ version: 1, list_price: p.list_price, is_current: false });
  expect(versions.rows[1]).toMatchObject({ version: 2, list_price: newPrice, is_current: true });
  expect(versions.rows[0].valid_to).toEqual(versions.rows[1].valid_from);
  // a third run: nothing more
  expect((await etl(dwh)).rowsWritten).toBe(0);
});

// Bug: an evaluation recorded for a supplier does not change the supplier's updatedAt, so the
// watermark skipped it. Suppliers are now read whole every run (and skipped by checksum).
test('a new supplier evaluation reaches the warehouse on the next incremental run', async () => {
  const s = await one<{ id: number }>(sys.db.pool, `SELECT id FROM suppliers.suppliers ORDER BY id LIMIT 1`);
  const before = await one<{ n: number }>(
    dwh.pool,
    `SELECT count(*)::int AS n FROM dw.fact_supplier_evaluation WHERE supplier_id = $1`,
    [s.id],
  );
  const r1 = await sys.gql(
    `mutation($s: ID!) { recordSupplierEvaluation(input: { supplierId: $s, periodStart: "2020-01-01", deliveries: 10, onTimeDeliveries: 7, qualityScore: 80, priceScore: 70 }) { periodStart } }`,
    { s: String(s.id) },
    manager,
  );
  expect(r1.body.errors ?? []).toEqual([]);
  expect((await etl(dwh)).status).toBe('SUCCEEDED');
  const after = await one<{ n: number }>(
    dwh.pool,
    `SELECT count(*)::int AS n FROM dw.fact_supplier_evaluation WHERE supplier_id = $1`,
    [s.id],
  );
  expect(after.n).toBe(before.n + 1);
});

// One rule for a product's main supplier (every reader takes it from dw.product_main_supplier):
// an active supplier's preferred supply, else its shortest lead time; the row carries that supply's terms.
test("a product's main supplier: an inactive supplier is never main, and the row carries the chosen supply's lead time and MOQ", async () => {
  const terms = `SELECT supplier_id, lead_time_days::int AS lead, lead_time_source AS source, min_order_quantity AS moq FROM dw.product_main_supplier WHERE product_id = $1`;
  const p = await one<{ product_id: number }>(
    sys.db.pool,
    `SELECT ps.product_id FROM suppliers.product_supplies ps JOIN suppliers.suppliers s ON s.id = ps.supplier_id
      WHERE s.status = 'ACTIVE' GROUP BY ps.product_id HAVING count(*) >= 2 ORDER BY ps.product_id LIMIT 1`,
  );
  const main = await one<{ supplier_id: number; lead: number; source: string; moq: number }>(
    dwh.pool,
    terms,
    [p.product_id],
  );
  const supply = await one<{ lead: number; moq: number }>(
    sys.db.pool,
    `SELECT lead_time_days AS lead, min_order_quantity AS moq FROM suppliers.product_supplies WHERE product_id = $1 AND supplier_id = $2`,
    [p.product_id, main.supplier_id],
  );
  expect(main).toEqual({
    supplier_id: main.supplier_id,
    lead: supply.lead,
    source: 'supply',
    moq: supply.moq,
  });
  const setStatus = async (id: number, status: string) => {
    const r = await sys.gql(
      `mutation($id: ID!, $s: SupplierStatus!) { updateSupplier(id: $id, input: { status: $s }) { status } }`,
      { id: String(id), s: status },
      manager,
    );
    expect(r.body.errors ?? []).toEqual([]);
  };
  await setStatus(main.supplier_id, 'INACTIVE');
  try {
    expect((await etl(dwh)).status).toBe('SUCCEEDED');
    const next = await one<{ supplier_id: number; lead: number; source: string; moq: number }>(
      dwh.pool,
      terms,
      [p.product_id],
    );
    // the best of the remaining active supplies, read from the OLTP
    const want = await one<{ supplier_id: number; lead: number; moq: number }>(
      sys.db.pool,
      `SELECT ps.supplier_id, ps.lead_time_days AS lead, ps.min_order_quantity AS moq FROM suppliers.product_supplies ps JOIN suppliers.suppliers s ON s.id = ps.supplier_id
        WHERE ps.product_id = $1 AND s.status = 'ACTIVE' ORDER BY ps.is_preferred DESC, ps.lead_time_days, ps.supplier_id LIMIT 1`,
      [p.product_id],
    );
    expect(next).toEqual({ supplier_id: want.supplier_id, lead: want.lead, source: 'supply', moq: want.moq });
    expect(next.supplier_id).not.toBe(main.supplier_id);
  } finally {
    await setStatus(main.supplier_id, 'ACTIVE');
    expect((await etl(dwh)).status).toBe('SUCCEEDED');
  }
  expect((await one<{ supplier_id: number }>(dwh.pool, terms, [p.product_id])).supplier_id).toBe(
    main.supplier_id,
  );
});

let newOrderId: string;
test('a new order adds exactly its lines; cancelling it is reflected', async () => {
  const before = await one<{ n: number }>(dwh.pool, 'SELECT count(*)::int AS n FROM dw.fact_sales');
  const c = await one<{ id: number }>(
    sys.db.pool,
    `SELECT id FROM customers.customers WHERE status = 'ACTIVE' AND NOT is_guest ORDER BY id LIMIT 1`,
  );
  const s = await sys.db.pool.query(
    `SELECT product_id, warehouse_id FROM inventory.stock_levels WHERE on_hand - reserved >= 2 ORDER BY warehouse_id, product_id LIMIT 3`,
  );
  const wh = s.rows[0].warehouse_id;
  const lines = s.rows
    .filter((x) => x.warehouse_id === wh)
    .map((x) => ({ productId: String(x.product_id), quantity: 2, discount: '0.1', taxRate: '0.2' }));
  const created = await sys.gql(
    `mutation($in: CreateOrderInput!) { createOrder(input: $in) { id lines { lineNo } } }`,
    { in: { customerId: String(c.id), warehouseId: String(wh), lines } },
    manager,
  );
  expect(created.body.errors ?? []).toEqual([]);
  newOrderId = created.body.data.createOrder.id;
  const confirmed = await sys.gql(
    `mutation($id: ID!) { confirmOrder(id: $id) { status } }`,
    { id: newOrderId },
    manager,
  );
  expect(confirmed.body.errors ?? []).toEqual([]);

  const r = await etl(dwh);
  expect(r.status).toBe('SUCCEEDED');
  expect(r.entities.find((e) => e.entity === 'orders')).toMatchObject({ inserted: 1, updated: 0 });
  const after = await one<{ n: number }>(dwh.pool, 'SELECT count(*)::int AS n FROM dw.fact_sales');
  expect(after.n - before.n).toBe(lines.length);
  const f = await dwh.pool.query(
    `SELECT s.status, f.quantity, f.net_amount::text, f.unit_cost IS NOT NULL AS costed FROM dw.fact_sales f JOIN dw.dim_order_status s USING (status_key) WHERE order_id = $1 ORDER BY line_no`,
    [newOrderId],
  );
  expect(f.rows.map((x) => x.status)).toEqual(lines.map(() => 'CONFIRMED'));
  expect(f.rows.every((x) => x.quantity === 2 && x.costed)).toBe(true);

  const cancelled = await sys.gql(
    `mutation($id: ID!) { cancelOrder(id: $id, reason: "customer changed their mind") { status } }`,
    { id: newOrderId },
    manager,
  );
  expect(cancelled.body.errors ?? []).toEqual([]);
  const r2 = await etl(dwh);
  expect(r2.status).toBe('SUCCEEDED');
  expect(r2.entities.find((e) => e.entity === 'orders')).toMatchObject({ inserted: 0, updated: 1 });
  const st = await dwh.pool.query(
    `SELECT DISTINCT s.status FROM dw.fact_sales f JOIN dw.dim_order_status s USING (status_key) WHERE order_id = $1`,
    [newOrderId],
  );
  expect(st.rows).toEqual([{ status: 'CANCELLED' }]);
  // the stock reserved by the confirmation was released: the snapshot follows (same day, replaced)
  expect(r2.reconciliation?.ok).toBe(true);
});

test('a late-arriving product becomes an inferred member, filled when the product arrives', async () => {
  const d = await testDatabase({ migrated: false });
  try {
    // orders first: every product is unknown to dim_product yet
    const r = await etl(d, { entities: ['warehouses', 'customers', 'orders'] });
    expect(r.status).toBe('SUCCEEDED');
    const inferred = await one<{ n: number }>(
      d.pool,
      'SELECT count(*)::int AS n FROM dw.dim_product WHERE is_inferred',
    );
    expect(inferred.n).toBeGreaterThan(0);
    expect(
      await one(d.pool, 'SELECT count(*)::int AS n FROM dw.fact_sales WHERE unit_cost IS NOT NULL'),
    ).toEqual({ n: 0 });
    const r2 = await etl(d);
    expect(r2.status).toBe('SUCCEEDED');
    expect(await one(d.pool, 'SELECT count(*)::int AS n FROM dw.dim_product WHERE is_inferred')).toEqual({
      n: 0,
    });
    expect(
      await one(
        d.pool,
        'SELECT count(*)::int AS n FROM dw.dim_product GROUP BY product_id ORDER BY 1 DESC LIMIT 1',
      ),
    ).toEqual({ n: 1 });
    const costed = await one<{ missing: number }>(
      d.pool,
      `SELECT count(*)::int AS missing FROM dw.fact_sales f JOIN dw.dim_product p USING (product_key) WHERE p.unit_cost IS NOT NULL AND f.unit_cost IS NULL`,
    );
    expect(costed.missing).toBe(0);
  } finally {
    await d.drop();
  }
});

/** Every dimension, fact and staging row set, surrogate keys replaced by natural keys, run ids left out. */
async function warehouseRows(pool: pg.Pool): Promise<Record<string, string[]>> {
  const q: Record<string, string> = {
    dim_date: 'SELECT d.* FROM dw.dim_date d',
    dim_category:
      'SELECT category_id, code, name, parent_category_id, parent_code, parent_name, root_code, root_name, level FROM dw.dim_category',
    dim_geography:
      'SELECT city_id, city, region_id, region, country_code, country_name FROM dw.dim_geography',
    dim_product: `SELECT product_id, version, sku, name, category_id, category_code, category_name, parent_category_name, list_price, unit_cost, status,
                    valid_from, valid_to, is_current, is_inferred, scd_checksum FROM dw.dim_product`,
    dim_customer: `SELECT c.customer_id, version, code, name, segment, status, is_guest, analytic_segment, sales_rep_id, g.city_id AS geo, c.city_id,
                     valid_from, valid_to, is_current, is_inferred, scd_checksum FROM dw.dim_customer c JOIN dw.dim_geography g USING (geography_key)`,
    dim_supplier:
      'SELECT supplier_id, code, name, city, country_code, status, products_supplied, preferred_products, avg_lead_time_days, is_inferred FROM dw.dim_supplier',
    dim_warehouse: 'SELECT warehouse_id, code, name, city, country_code, is_inferred FROM dw.dim_warehouse',
    dim_order_status: 'SELECT * FROM dw.dim_order_status',
    dim_order_kind: 'SELECT * FROM dw.dim_order_kind',
    fact_sales: `SELECT f.order_id, f.line_no, f.order_number, f.order_date_key, p.product_id, p.version AS pv, c.customer_id, c.version AS cv, g.city_id,
                   w.warehouse_id, f.status_key, f.kind_key, f.sales_rep_id, f.currency, f.ordered_at, f.quantity, f.unit_price, f.discount, f.tax_rate,
                   f.net_amount, f.tax_amount, f.gross_amount, f.unit_cost, f.cost_amount, f.margin_amount
                 FROM dw.fact_sales f JOIN dw.dim_product p USING (product_key) JOIN dw.dim_customer c USING (customer_key)
                 JOIN dw.dim_geography g ON g.geography_key = f.geography_key JOIN dw.dim_warehouse w ON w.warehouse_key = f.warehouse_key`,
    fact_inventory_snapshot: `SELECT f.snapshot_date_key, f.product_id, f.warehouse_id, p.version, w.code, f.on_hand, f.reserved, f.available, f.reorder_point,
                                f.is_low, f.unit_cost, f.stock_value FROM dw.fact_inventory_snapshot f JOIN dw.dim_product p USING (product_key)
                              JOIN dw.dim_warehouse w ON w.warehouse_key = f.warehouse_key`,
    fact_supplier_evaluation: `SELECT f.supplier_id, f.period_start, s.code, f.month_date_key, f.deliveries, f.on_time_deliveries, f.late_deliveries, f.on_time_rate,
                                 f.quality_score, f.price_score FROM dw.fact_supplier_evaluation f JOIN dw.dim_supplier s USING (supplier_key)`,
    fact_stock_movement: `SELECT f.movement_id, f.movement_date_key, p.product_id, p.version, w.code, f.movement_kind, f.quantity_in, f.quantity_out,
                            f.quantity, f.source_reference, f.source_key, f.occurred_at, f.recorded_at
                          FROM dw.fact_stock_movement f JOIN dw.dim_product p USING (product_key) JOIN dw.dim_warehouse w USING (warehouse_key)`,
    staging_orders: 'SELECT order_id, checksum, source_updated_at FROM staging.orders',
    staging_products: 'SELECT product_id, checksum FROM staging.products',
    staging_customers: 'SELECT customer_id, checksum FROM staging.customers',
    staging_suppliers: 'SELECT supplier_id, checksum FROM staging.suppliers',
    staging_stock: 'SELECT product_id, warehouse_id, checksum FROM staging.stock_levels',
  };
  const out: Record<string, string[]> = {};
  for (const [name, sql] of Object.entries(q))
    out[name] = (await pool.query(sql)).rows.map((r) => JSON.stringify(r)).sort();
  return out;
}

test('kill -9 during a load, then a rerun: the warehouse equals a clean full load (no duplicates, no gaps)', async () => {
  const killed = await testDatabase({ migrated: false });
  const clean = await testDatabase({ migrated: false });
  try {
    const child = spawn(path.join(repoRoot(), 'node_modules/.bin/tsx'), ['etl/src/cli.ts'], {
      cwd: repoRoot(),
      env: {
        ...process.env,
        GATEWAY_URL: sys.system.gatewayUrl,
        ETL_EMAIL,
        ETL_PASSWORD: PASSWORD,
        DWH_DATABASE_URL: killed.url,
        ETL_PAGE_SIZE: '10',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group: tsx runs node as a child, kill -9 both
    });
    let output = '';
    child.stdout.on('data', (b) => (output += b));
    child.stderr.on('data', (b) => (output += b));
    let done = false;
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => {
        done = true;
        resolve(code);
      }),
    );
    // wait for the third committed page of orders, then kill -9
    const deadline = Date.now() + 90_000;
    let pages = 0;
    while (Date.now() < deadline && !done) {
      const cp = await killed.pool
        .query(`SELECT page_no FROM meta.checkpoints WHERE entity = 'orders'`)
        .then((r) => r.rows[0]?.page_no ?? 0)
        .catch(() => 0);
      if (cp >= 3) {
        pages = cp;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect({ pages, output: pages >= 3 ? '' : output }).toEqual({ pages: expect.any(Number), output: '' });
    expect(pages).toBeGreaterThanOrEqual(3);
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    const state = await one(killed.pool, 'SELECT status FROM meta.etl_runs ORDER BY run_id DESC LIMIT 1');
    expect({ state, output: state.status === 'RUNNING' ? '' : output }).toEqual({
      state: { status: 'RUNNING' },
      output: '',
    });
    const partial = await one<{ n: number }>(killed.pool, 'SELECT count(*)::int AS n FROM staging.orders');
    const total = await one<{ n: number }>(sys.db.pool, 'SELECT count(*)::int AS n FROM sales.orders');
    expect(partial.n).toBeGreaterThanOrEqual(30);
    expect(partial.n).toBeLessThan(total.n);

    const resumed = await etl(killed, { pageSize: 10 });
    expect(resumed.message).toMatch(/SUCCEEDED/);
    const interrupted = await one(
      killed.pool,
      'SELECT status, error FROM meta.etl_runs WHERE run_id < $1 ORDER BY run_id DESC LIMIT 1',
      [resumed.runId],
    );
    expect(interrupted).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/interrupted/) });

    const full = await etl(clean);
    expect(full.status).toBe('SUCCEEDED');
    const [a, b] = await Promise.all([warehouseRows(killed.pool), warehouseRows(clean.pool)]);
    for (const t of Object.keys(a)) expect({ t, rows: a[t] }).toEqual({ t, rows: b[t] });
    expect(a.fact_sales!.length).toBeGreaterThan(1000);
  } finally {
    await killed.drop();
    await clean.drop();
  }
});

test('a tampered fact row fails the reconciliation: status FAILED, the measure and both values named', async () => {
  const row = await one<{ k: number; net: string }>(
    dwh.pool,
    'SELECT sales_line_key AS k, net_amount::text AS net FROM dw.fact_sales ORDER BY sales_line_key LIMIT 1',
  );
  await dwh.pool.query('UPDATE dw.fact_sales SET net_amount = net_amount + 10 WHERE sales_line_key = $1', [
    row.k,
  ]);
  try {
    const r = await etl(dwh);
    expect(r.status).toBe('FAILED');
    expect(r.exitCode).toBe(1);
    expect(r.message).toMatch(/Reconciliation failed: net revenue: source -?[\d.]+, warehouse -?[\d.]+/);
    const run = await one<{ status: string; rec: { ok: boolean; mismatches: string[] } }>(
      dwh.pool,
      'SELECT status, reconciliation AS rec FROM meta.etl_runs WHERE run_id = $1',
      [r.runId],
    );
    expect(run.status).toBe('FAILED');
    expect(run.rec.ok).toBe(false);
    expect(run.rec.mismatches.some((m) => m.startsWith('net revenue'))).toBe(true);
  } finally {
    await dwh.pool.query('UPDATE dw.fact_sales SET net_amount = $2 WHERE sales_line_key = $1', [
      row.k,
      row.net,
    ]);
  }
  expect((await etl(dwh)).status).toBe('SUCCEEDED');
});

test('the rollups stage follows the ETL runs: built, then only the months of the orders loaded, nothing after a run without change; equal to the facts', async () => {
  const { refreshStaleRollups, rollupIsFresh } = await import('@erp/semantic');
  const equalToFacts = async () => {
    // month by month, every rollup's sums (and orders where it keeps them) equal the facts'
    const facts = `SELECT date_trunc('month', d.full_date)::date AS m, sum(f.net_amount) AS net, sum(f.quantity) AS units, count(DISTINCT f.order_id) AS orders
                     FROM dw.fact_sales f JOIN dw.dim_date d ON d.date_key = f.order_date_key GROUP BY 1`;
    for (const [table, orders] of [
      ['sales_month', 'NULL::bigint'],
      ['sales_product_month', 'NULL::bigint'],
      ['sales_customer_month', 'sum(orders)'],
      ['sales_order_month', 'sum(orders)'],
      ['sales_region_month', 'sum(orders)'],
      ['sales_segment_month', 'sum(orders)'],
      ['sales_category_month', 'NULL::bigint'],
    ]) {
      const diff = await dwh.pool.query(`
        WITH f AS (${facts}),
             r AS (SELECT month_start AS m, sum(net_amount) AS net, sum(units) AS units, ${orders} AS orders FROM analytics.${table} GROUP BY 1)
        SELECT coalesce(f.m, r.m) AS m, f.net AS fact_net, r.net AS rollup_net, f.orders, r.orders AS rollup_orders FROM f FULL JOIN r ON r.m = f.m
         WHERE f.net IS DISTINCT FROM r.net OR f.units IS DISTINCT FROM r.units OR (r.orders IS NOT NULL AND f.orders IS DISTINCT FROM r.orders)`);
      expect([table, diff.rows]).toEqual([table, []]);
    }
  };
  await etl(dwh); // whatever earlier tests changed
  // the ETL itself refreshes no rollup: none was built yet, the stage builds them all
  expect(await rollupIsFresh(dwh.pool)).toBe(false);
  const built = await refreshStaleRollups(dwh.pool);
  expect(built).toMatchObject({ action: 'rebuilt', reason: 'a rollup was never built' });
  expect(built.rowsWritten).toBeGreaterThan(0);
  expect(await rollupIsFresh(dwh.pool)).toBe(true);
  await equalToFacts();

  // one order changed in the source: the run makes the rollups stale, the stage recomputes that order's months only
  const {
    rows: [order],
  } = await sys.db.pool.query<{ id: number; month: string }>(
    `SELECT id, to_char(date_trunc('month', ordered_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS month FROM sales.orders WHERE currency <> 'USD' ORDER BY id DESC LIMIT 1`,
  );
  await sys.db.pool.query(`UPDATE sales.orders SET currency = 'USD' WHERE id = $1`, [order!.id]);
  expect((await etl(dwh)).rowsWritten).toBeGreaterThan(0);
  expect(await rollupIsFresh(dwh.pool)).toBe(false);
  const refreshed = await refreshStaleRollups(dwh.pool);
  expect(refreshed).toMatchObject({ action: 'refreshed', reason: 'orders were loaded', from: order!.month });
  expect(await rollupIsFresh(dwh.pool)).toBe(true);
  await equalToFacts();

  // a change the rollups do not read (a supplier's name): only marked as covering the run, nothing recomputed
  await sys.db.pool.query(
    `UPDATE suppliers.suppliers SET name = name || ' (renamed)' WHERE id = (SELECT min(id) FROM suppliers.suppliers)`,
  );
  const run = await etl(dwh);
  expect(run.entities.filter((e) => e.written > 0).map((e) => e.entity)).toEqual(['suppliers']);
  expect(await rollupIsFresh(dwh.pool)).toBe(false);
  const states = async () =>
    (
      await dwh.pool.query(
        `SELECT name, refreshed_at, rows_written FROM analytics.rollup_state ORDER BY name`,
      )
    ).rows;
  const before = await states();
  expect(await refreshStaleRollups(dwh.pool)).toMatchObject({
    action: 'marked',
    reason: 'the runs since changed no row the rollups read (suppliers)',
    rowsWritten: 0,
  });
  expect(await rollupIsFresh(dwh.pool)).toBe(true);
  expect(await states()).toEqual(before);

  // a run with no change keeps them fresh; the stage then has nothing to do
  expect((await etl(dwh)).rowsWritten).toBe(0);
  expect(await rollupIsFresh(dwh.pool)).toBe(true);
  expect(await refreshStaleRollups(dwh.pool)).toMatchObject({
    action: 'unchanged',
    reason: 'the ETL runs since the last refresh wrote no row',
    rowsWritten: 0,
  });
});

test('degraded mode: with the suppliers subgraph down, suppliers and purchase orders fail with a clear message, the rest completes, the run is PARTIAL', async () => {
  const onOrder = `SELECT coalesce(sum(on_order), 0)::int AS n FROM dw.fact_inventory_snapshot WHERE snapshot_date_key = (SELECT max(snapshot_date_key) FROM dw.fact_inventory_snapshot)`;
  const before = await one<{ n: number }>(dwh.pool, onOrder);
  expect(before.n).toBeGreaterThan(0);
  await sys.system.stopSubgraph('suppliers');
  try {
    const r = await etl(dwh);
    expect(r.status).toBe('PARTIAL');
    // The stock is the catalog's: still read; its units on order (the suppliers') keep their last known value.
    expect(r.entities.find((e) => e.entity === 'stock')).toMatchObject({ status: 'SUCCEEDED' });
    expect(await one(dwh.pool, onOrder)).toEqual(before);
    expect(r.exitCode).not.toBe(0);
    const sup = r.entities.find((e) => e.entity === 'suppliers')!;
    expect(sup.status).toBe('FAILED');
    expect(sup.error).toMatch(/suppliers: .*(unavailable|cannot be reached)/);
    // purchase orders are the suppliers subgraph's too
    const po = r.entities.find((e) => e.entity === 'purchaseOrders')!;
    expect(po.status).toBe('FAILED');
    expect(po.error).toMatch(/purchase orders: .*(unavailable|cannot be reached)/);
    expect(r.reconciliation?.skipped).toContain('purchasing totals: the purchase orders extraction failed');
    expect(
      r.entities
        .filter((e) => !['suppliers', 'purchaseOrders'].includes(e.entity))
        .every((e) => e.status === 'SUCCEEDED'),
    ).toBe(true);
    expect(r.reconciliation?.ok).toBe(true);
    const run = await one(dwh.pool, `SELECT status FROM meta.etl_runs WHERE run_id = $1`, [r.runId]);
    expect(run).toEqual({ status: 'PARTIAL' });
  } finally {
    await sys.system.restartSubgraph('suppliers');
  }
});
