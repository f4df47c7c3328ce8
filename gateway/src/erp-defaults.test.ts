import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { repoRoot } from '@erp/kit';
import { importDirectory } from '@erp/data';
import { startTestSystem, type TestSystem } from './test-system';

/**
 * The ERP's defaults for an order typed in, compared with the imported history: the same numbering
 * scheme. The import is the native fixture with the numbers of the real history (SO-<7 digits>).
 */
let t: TestSystem;
let dir: string;
let ids: { customer: string; warehouse: string; product: string };
const FIXTURE = path.join(repoRoot(), 'data', 'src', 'import', 'fixtures', 'native');
/** SO-0001 → SO-0039601: the shape of data/native's numbers (SO-0000001 … SO-0039606). */
const sevenDigits = (text: string) => text.replace(/\bSO-00(\d\d)\b/g, 'SO-00396$1');

beforeAll(async () => {
  t = await startTestSystem();
  dir = mkdtempSync(path.join(tmpdir(), 'erp-defaults-'));
  // Every file that names an order (orders, lines, the stock movements of their shipments).
  for (const f of readdirSync(FIXTURE)) {
    const text = f.endsWith('.gz')
      ? gunzipSync(readFileSync(path.join(FIXTURE, f))).toString('utf8')
      : readFileSync(path.join(FIXTURE, f), 'utf8');
    writeFileSync(path.join(dir, f), f.endsWith('.gz') ? gzipSync(sevenDigits(text)) : sevenDigits(text));
  }
  const summary = await importDirectory({ pool: t.db.pool, dir, mapping: 'native', quiet: true });
  if (summary.status !== 'committed') throw new Error(JSON.stringify(summary.issues.slice(0, 5)));
  const { rows } = await t.db.pool.query(`
    SELECT (SELECT id FROM customers.customers WHERE code = 'C0001') AS customer,
           (SELECT id FROM inventory.warehouses WHERE code = 'WH-LYON') AS warehouse,
           (SELECT id FROM catalog.products WHERE sku = 'HT-001') AS product`);
  ids = {
    customer: String(rows[0].customer),
    warehouse: String(rows[0].warehouse),
    product: String(rows[0].product),
  };
}, 60_000);
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const CREATE = `mutation($c: ID!, $w: ID!, $p: ID!) { createOrder(input: {customerId: $c, warehouseId: $w, lines: [{productId: $p, quantity: 1}]}) { number } }`;

test('new orders number differently from imported ones (SO-2026-040001 vs SO-0039606): after an import, createOrder takes the next numbers of the same scheme', async () => {
  const imported = (
    await t.db.pool.query<{ number: string }>(
      `SELECT number FROM sales.orders WHERE number LIKE 'SO-%' ORDER BY number`,
    )
  ).rows.map((r) => r.number);
  expect(imported).toEqual(['SO-0039601', 'SO-0039602', 'SO-0039603', 'SO-0039604']);
  const token = await t.login('MANAGER');
  const first = await t.gql(CREATE, { c: ids.customer, w: ids.warehouse, p: ids.product }, token);
  expect(first.body.errors).toBeUndefined();
  expect(first.body.data.createOrder.number).toBe('SO-0039605');
  // Concurrent creations never share or skip a number (the sequence, not a max()+1 read).
  const many = await Promise.all(
    Array.from({ length: 8 }, () =>
      t.gql(CREATE, { c: ids.customer, w: ids.warehouse, p: ids.product }, token),
    ),
  );
  const numbers = many.map((r) => r.body.data.createOrder.number as string).sort();
  expect(numbers).toEqual(Array.from({ length: 8 }, (_, i) => `SO-00396${String(6 + i).padStart(2, '0')}`));
});

test('an import of later history moves the numbering past it; a number given by hand in the scheme is skipped, not refused', async () => {
  const token = await t.login('MANAGER');
  const byHand = await t.gql(
    `mutation($c: ID!, $w: ID!, $p: ID!) { createOrder(input: {number: "SO-0039614", customerId: $c, warehouseId: $w, lines: [{productId: $p, quantity: 1}]}) { number } }`,
    { c: ids.customer, w: ids.warehouse, p: ids.product },
    token,
  );
  expect(byHand.body.data.createOrder.number).toBe('SO-0039614');
  const next = await t.gql(CREATE, { c: ids.customer, w: ids.warehouse, p: ids.product }, token);
  expect(next.body.data.createOrder.number).toBe('SO-0039615');
  await t.db.pool.query(`UPDATE sales.orders SET number = 'SO-0050000' WHERE number = 'SO-0039601'`);
  expect((await t.db.pool.query(`SELECT sales.order_numbers_follow() AS n`)).rows[0].n).toBe(50000);
  const after = await t.gql(CREATE, { c: ids.customer, w: ids.warehouse, p: ids.product }, token);
  expect(after.body.data.createOrder.number).toBe('SO-0050001');
});

describe('new orders default to 0 % tax (imported ones carry 20 %): a line without a rate takes its category rate, else the customer country standard rate', () => {
  const LINE_RATE = `mutation($c: ID!, $w: ID!, $p: ID!) { createOrder(input: {customerId: $c, warehouseId: $w, lines: [{productId: $p, quantity: 2, unitPrice: "10.00"}]}) { lines { taxRate taxAmount } totals { grossAmount } } }`;
  const rateOf = async (customerCode: string, sku: string) => {
    const { rows } = await t.db.pool.query(
      `SELECT (SELECT id FROM customers.customers WHERE code = $1) AS c, (SELECT id FROM catalog.products WHERE sku = $2) AS p`,
      [customerCode, sku],
    );
    const r = await t.gql(
      LINE_RATE,
      { c: String(rows[0].c), w: ids.warehouse, p: String(rows[0].p) },
      await t.login('MANAGER'),
    );
    expect(r.body.errors).toBeUndefined();
    return {
      rate: Number(r.body.data.createOrder.lines[0].taxRate),
      tax: r.body.data.createOrder.lines[0].taxAmount,
      gross: r.body.data.createOrder.totals.grossAmount,
    };
  };

  beforeAll(async () => {
    // A Belgian customer, a category with no sales history (no rate) and a reduced-rate subtree.
    await t.db.pool.query(`
      UPDATE customers.customers SET status = 'ACTIVE' WHERE code = 'C0003';
      INSERT INTO catalog.categories (code, name) VALUES ('GARDEN', 'Garden');
      INSERT INTO catalog.products (sku, name, category_id, list_price) SELECT 'GD-001', 'Rake', id, 10 FROM catalog.categories WHERE code = 'GARDEN';
      INSERT INTO catalog.categories (code, name, parent_id, tax_rate) SELECT 'BOOKS', 'Books', id, 0.055 FROM catalog.categories WHERE code = 'TOOLS';
      INSERT INTO catalog.categories (code, name, parent_id) SELECT 'MANUALS', 'Manuals', id FROM catalog.categories WHERE code = 'BOOKS';
      INSERT INTO catalog.products (sku, name, category_id, list_price) SELECT 'BK-001', 'Drill manual', id, 10 FROM catalog.categories WHERE code = 'MANUALS';`);
  });

  test('a product whose category was sold takes the rate its imported lines carry (20 %), as the history did', async () => {
    const imported = (
      await t.db.pool.query(
        `SELECT DISTINCT l.tax_rate::float8 AS r FROM sales.order_lines l JOIN catalog.products p ON p.id = l.product_id WHERE p.sku = 'HT-001' AND l.order_id IN (SELECT id FROM sales.orders WHERE ordered_at < '2026-01-01') -- the fixture's history (2025)`,
      )
    ).rows;
    expect(imported).toEqual([{ r: 0.2 }]);
    expect(await rateOf('C0001', 'HT-001')).toEqual({ rate: 0.2, tax: '4.00', gross: '24.00' });
  });

  test("a category without a rate takes the customer's country standard rate: 20 % in France, 21 % in Belgium", async () => {
    expect((await rateOf('C0001', 'GD-001')).rate).toBe(0.2);
    expect(await rateOf('C0003', 'GD-001')).toEqual({ rate: 0.21, tax: '4.20', gross: '24.20' });
  });

  test("a reduced-rate category applies to its subcategories, whatever the customer's country", async () => {
    expect((await rateOf('C0001', 'BK-001')).rate).toBe(0.055);
    expect((await rateOf('C0003', 'BK-001')).rate).toBe(0.055);
  });

  test('a rate given on the line is kept (0 % for an exempt sale)', async () => {
    const r = await t.gql(
      `mutation($c: ID!, $w: ID!, $p: ID!) { createOrder(input: {customerId: $c, warehouseId: $w, lines: [{productId: $p, quantity: 1, taxRate: "0"}]}) { lines { taxRate } } }`,
      { c: ids.customer, w: ids.warehouse, p: ids.product },
      await t.login('MANAGER'),
    );
    expect(Number(r.body.data.createOrder.lines[0].taxRate)).toBe(0);
  });

  test('the catalog shows the rate a product takes by default (inherited from its category tree)', async () => {
    const r = await t.gql(
      `{ products(first: 20) { edges { node { sku taxRate category { code taxRate } } } } }`,
      {},
      await t.login('MANAGER'),
    );
    const bySku = Object.fromEntries(
      r.body.data.products.edges.map((e: { node: { sku: string; taxRate: string | null } }) => [
        e.node.sku,
        e.node.taxRate === null ? null : Number(e.node.taxRate),
      ]),
    );
    expect(bySku).toMatchObject({ 'HT-001': 0.2, 'PT-001': 0.2, 'GD-001': null, 'BK-001': 0.055 });
  });
});
