import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { migrateDwh } from '@erp/dwh-schema';
import { IsolationForest } from 'isolation-forest';
import { testDatabase, type TestDatabase } from '@erp/kit/test/db';
import type pg from 'pg';
import type { FeatureVector } from '../anomaly/features';
import { mulberry32, sampleIndices, withSeededRandom } from '../prng';

/** An empty warehouse for one test file: a fresh database with the dwh-schema migrations applied. */
export async function testWarehouse(): Promise<TestDatabase> {
  const db = await testDatabase({ migrated: false });
  await migrateDwh(db.url);
  return db;
}

/** Streams the rows of a (gzipped) CSV file with a header line. */
export async function* csvRows(file: string): AsyncGenerator<Record<string, string>> {
  const input = createReadStream(file);
  const source = file.endsWith('.gz') ? input.pipe(createGunzip()) : input;
  yield* source.pipe(parse({ columns: true, relax_quotes: true })) as AsyncIterable<Record<string, string>>;
}

async function insertColumns(
  db: pg.Pool,
  table: string,
  columns: string[],
  types: string[],
  rows: unknown[][],
) {
  for (let i = 0; i < rows.length; i += 50_000) {
    const chunk = rows.slice(i, i + 50_000);
    await db.query(
      `INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${types.map((t, j) => `$${j + 1}::${t}[]`).join(', ')})`,
      columns.map((_, j) => chunk.map((r) => r[j])),
    );
  }
}

/** Static members every fact needs: one warehouse (the geography -1 exists already). */
async function baseDims(db: pg.Pool) {
  await db.query(
    `INSERT INTO dw.dim_warehouse (warehouse_id, code, name, city, country_code) VALUES (1, 'WH', 'Test warehouse', 'Nowhere', '??')`,
  );
}

/**
 * Loads a native CSV set (data/native or a generated folder) into dw.fact_sales and the dimensions it
 * needs, directly (no ETL): customers (customer_id = line number in customers.csv), products (with
 * list price), orders + order lines (net = round(quantity × unit price × (1 − discount), 2), negative
 * for RETURN), statuses and kinds. Returns the number of fact lines.
 */
export async function loadNativeSet(db: pg.Pool, dir: string): Promise<number> {
  await db.query(`CREATE SCHEMA src;
    CREATE TABLE src.customers (customer_id int, code text, name text, segment text, status text, is_guest boolean);
    CREATE TABLE src.products (product_id int, sku text, name text, list_price numeric, status text);
    CREATE TABLE src.orders (order_id int, number text, kind text, status text, customer_code text, ordered_at timestamptz);
    CREATE TABLE src.lines (order_number text, line_no int, sku text, quantity int, unit_price numeric, discount numeric, tax_rate numeric);`);
  const read = async (name: string, f: (r: Record<string, string>, i: number) => unknown[]) => {
    const out: unknown[][] = [];
    let i = 0;
    for await (const r of csvRows(path.join(dir, `${name}.csv.gz`))) out.push(f(r, ++i));
    return out;
  };
  await insertColumns(
    db,
    'src.customers',
    ['customer_id', 'code', 'name', 'segment', 'status', 'is_guest'],
    ['int', 'text', 'text', 'text', 'text', 'boolean'],
    await read('customers', (r, i) => [i, r.code, r.name, r.segment, r.status, r.is_guest === 'true']),
  );
  await insertColumns(
    db,
    'src.products',
    ['product_id', 'sku', 'name', 'list_price', 'status'],
    ['int', 'text', 'text', 'numeric', 'text'],
    await read('products', (r, i) => [i, r.sku, r.name, r.list_price, r.status]),
  );
  await insertColumns(
    db,
    'src.orders',
    ['order_id', 'number', 'kind', 'status', 'customer_code', 'ordered_at'],
    ['int', 'text', 'text', 'text', 'text', 'timestamptz'],
    await read('orders', (r, i) => [i, r.number, r.kind, r.status, r.customer_code, r.ordered_at]),
  );
  await insertColumns(
    db,
    'src.lines',
    ['order_number', 'line_no', 'sku', 'quantity', 'unit_price', 'discount', 'tax_rate'],
    ['text', 'int', 'text', 'int', 'numeric', 'numeric', 'numeric'],
    await read('order_lines', (r) => [
      r.order_number,
      r.line_no,
      r.sku,
      r.quantity,
      r.unit_price,
      r.discount,
      r.tax_rate,
    ]),
  );
  await baseDims(db);
  await db.query(`
    INSERT INTO dw.dim_customer (customer_id, version, code, name, segment, status, is_guest, valid_from)
      SELECT customer_id, 1, code, name, segment, status, is_guest, '-infinity' FROM src.customers;
    INSERT INTO dw.dim_product (product_id, version, sku, name, list_price, status, valid_from)
      SELECT product_id, 1, sku, name, list_price, status, '-infinity' FROM src.products;`);
  const { rowCount } = await db.query(`
    INSERT INTO dw.fact_sales (order_id, line_no, order_number, order_date_key, product_key, customer_key, geography_key, warehouse_key,
      status_key, kind_key, currency, ordered_at, quantity, unit_price, discount, tax_rate, net_amount, tax_amount, gross_amount, run_id)
    SELECT o.order_id, l.line_no, o.number, to_char(o.ordered_at AT TIME ZONE 'UTC', 'YYYYMMDD')::int, p.product_key, c.customer_key, -1, 1,
      s.status_key, k.kind_key, 'EUR', o.ordered_at, l.quantity, l.unit_price, l.discount, l.tax_rate,
      k.sign * round(l.quantity * l.unit_price * (1 - l.discount), 2), 0, k.sign * round(l.quantity * l.unit_price * (1 - l.discount), 2), 0
    FROM src.lines l JOIN src.orders o ON o.number = l.order_number
    JOIN dw.dim_product p ON p.sku = l.sku AND p.is_current
    JOIN src.customers sc ON sc.code = o.customer_code JOIN dw.dim_customer c ON c.customer_id = sc.customer_id AND c.is_current
    JOIN dw.dim_order_status s ON s.status = o.status JOIN dw.dim_order_kind k ON k.kind = o.kind`);
  return rowCount ?? 0;
}

/**
 * Loads the UCI Online Retail lines (streamed with csv-parse) into a DWH-like table retail.lines
 * (one row per CSV line, exact numeric prices, CustomerID without ".0", NULL when missing).
 */
export async function loadOnlineRetail(db: pg.Pool, file: string): Promise<number> {
  await db.query(`CREATE SCHEMA retail;
    CREATE TABLE retail.lines (seq int PRIMARY KEY, invoice_no text NOT NULL, stock_code text NOT NULL, quantity int NOT NULL,
      invoice_date timestamp NOT NULL, unit_price numeric NOT NULL, customer_id int)`);
  let batch: unknown[][] = [];
  let seq = 0;
  const flush = async () => {
    await insertColumns(
      db,
      'retail.lines',
      ['seq', 'invoice_no', 'stock_code', 'quantity', 'invoice_date', 'unit_price', 'customer_id'],
      ['int', 'text', 'text', 'int', 'timestamp', 'numeric', 'int'],
      batch,
    );
    batch = [];
  };
  for await (const r of csvRows(file)) {
    batch.push([
      ++seq,
      r.InvoiceNo,
      r.StockCode,
      r.Quantity,
      r.InvoiceDate,
      r.UnitPrice,
      r.CustomerID ? r.CustomerID.replace(/\.0$/, '') : null,
    ]);
    if (batch.length >= 50_000) await flush();
  }
  await flush();
  return seq;
}

/**
 * retail.lines → the star, the way the mining reads it: an invoice is an order ('C' invoices are
 * RETURN orders: their negative quantities give negative amounts), every order DELIVERED (the data
 * set has no cancelled state: its cancellations are the 'C' credit notes), lines without a CustomerID
 * go to one guest customer (id 0, is_guest), net = round(quantity × unit price, 2) (the fact stores
 * cents). Duplicate CSV lines are kept (they are separate lines of the invoice).
 */
export async function onlineRetailToStar(db: pg.Pool): Promise<void> {
  await baseDims(db);
  // 541,909 fact lines with their foreign-key checks: well past the test pools' 60 s statement timeout
  // on a loaded 2-core machine (seen in a full run), so this one session gets 10 minutes.
  const client = await db.connect();
  try {
    await client.query(`SET statement_timeout = '10min'`);
    await loadStar(client);
  } finally {
    await client.query('RESET statement_timeout').catch(() => undefined);
    client.release();
  }
}

async function loadStar(db: pg.PoolClient): Promise<void> {
  await db.query(`
    SELECT dw.ensure_dates(DATE '2010-11-01', DATE '2012-01-31');
    INSERT INTO dw.dim_customer (customer_id, version, code, name, segment, status, is_guest, valid_from)
      SELECT id, 1, 'C' || id, 'Customer ' || id, 'CONSUMER', 'ACTIVE', id = 0, '-infinity'
      FROM (SELECT DISTINCT coalesce(customer_id, 0) AS id FROM retail.lines) x;
    INSERT INTO dw.dim_product (product_id, version, sku, name, list_price, status, valid_from)
      SELECT row_number() OVER (ORDER BY stock_code), 1, stock_code, stock_code, round(max(unit_price), 2), 'ACTIVE', '-infinity'
      FROM retail.lines GROUP BY stock_code;
    INSERT INTO dw.fact_sales (order_id, line_no, order_number, order_date_key, product_key, customer_key, geography_key, warehouse_key,
      status_key, kind_key, currency, ordered_at, quantity, unit_price, discount, tax_rate, net_amount, tax_amount, gross_amount, run_id)
    SELECT dense_rank() OVER (ORDER BY l.invoice_no), row_number() OVER (PARTITION BY l.invoice_no ORDER BY l.seq), l.invoice_no,
      to_char(l.invoice_date, 'YYYYMMDD')::int, p.product_key, c.customer_key, -1, 1, 4,
      CASE WHEN l.invoice_no LIKE 'C%' THEN 2 ELSE 1 END, 'GBP', l.invoice_date AT TIME ZONE 'UTC',
      l.quantity, round(l.unit_price, 2), 0, 0, round(l.quantity * l.unit_price, 2), 0, round(l.quantity * l.unit_price, 2), 0
    FROM retail.lines l
    JOIN dw.dim_product p ON p.sku = l.stock_code
    JOIN dw.dim_customer c ON c.customer_id = coalesce(l.customer_id, 0);`);
}

/**
 * The reference: the isolation-forest package (0.0.9), one one-tree forest per seeded subsample (the
 * package fits each tree on all it is given), Math.random seeded for the fit; scores combined as
 * 2^(mean log2 s_t) = 2^(−E[h]/c(ψ)). This is how mining computed scores before its own forest.
 */
export function referenceScores(
  data: FeatureVector[],
  trees: number,
  psi: number,
  seed: number,
): Float64Array {
  const pick = mulberry32(seed ^ 0x5bd1e995);
  const forests = withSeededRandom(seed, () =>
    Array.from({ length: trees }, () => {
      const f = new IsolationForest(1, psi);
      f.fit(sampleIndices(data.length, psi, pick).map((i) => data[i]! as unknown as Record<string, number>));
      return f;
    }),
  );
  const sums = new Float64Array(data.length);
  for (const f of forests)
    f.predict(data as unknown as Record<string, number>[]).forEach((s, i) => (sums[i]! += Math.log2(s)));
  return sums.map((v) => 2 ** (v / trees));
}
