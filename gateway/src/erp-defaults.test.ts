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
    const text = f.endsWith('.gz') ? gunzipSync(readFileSync(path.join(FIXTURE, f))).toString('utf8') : readFileSync(path.join(FIXTURE, f), 'utf8');
    writeFileSync(path.join(dir, f), f.endsWith('.gz') ? gzipSync(sevenDigits(text)) : sevenDigits(text));
  }
  const summary = await importDirectory({ pool: t.db.pool, dir, mapping: 'native', quiet: true });
  if (summary.status !== 'committed') throw new Error(JSON.stringify(summary.issues.slice(0, 5)));
  const { rows } = await t.db.pool.query(`
    SELECT (SELECT id FROM customers.customers WHERE code = 'C0001') AS customer,
           (SELECT id FROM inventory.warehouses WHERE code = 'WH-LYON') AS warehouse,
           (SELECT id FROM catalog.products WHERE sku = 'HT-001') AS product`);
  ids = { customer: String(rows[0].customer), warehouse: String(rows[0].warehouse), product: String(rows[0].product) };
}, 60_000);
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const CREATE = `mutation($c: ID!, $w: ID!, $p: ID!) { createOrder(input: {customerId: $c, warehouseId: $w, lines: [{productId: $p, quantity: 1}]}) { number } }`;

test('new orders number differently from imported ones (SO-2026-040001 vs SO-0039606): after an import, createOrder takes the next numbers of the same scheme', async () => {
  const imported = (await t.db.pool.query<{ number: string }>(`SELECT number FROM sales.orders WHERE number LIKE 'SO-%' ORDER BY number`)).rows.map((r) => r.number);
  expect(imported).toEqual(['SO-0039601', 'SO-0039602', 'SO-0039603', 'SO-0039604']);
  const token = await t.login('MANAGER');
  const first = await t.gql(CREATE, { c: ids.customer, w: ids.warehouse, p: ids.product }, token);
  expect(first.body.errors).toBeUndefined();
  expect(first.body.data.createOrder.number).toBe('SO-0039605');
  // Concurrent creations never share or skip a number (the sequence, not a max()+1 read).
  const many = await Promise.all(Array.from({ length: 8 }, () => t.gql(CREATE, { c: ids.customer, w: ids.warehouse, p: ids.product }, token)));
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
