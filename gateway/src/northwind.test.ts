import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { quietLogger } from '@erp/kit/test/graphql';
import { repoRoot } from '@erp/kit';
import { sharedDatasetsOrSkip, testDatabase, type TestDatabase } from '@erp/kit/test/db';
import { defaultStages, runPipeline } from '@erp/automation';
import { importDirectory, formatSummary } from '@erp/data';
import { country } from '@erp/data';
import { PASSWORD, startTestSystem, type TestSystem } from './test-system';

/**
 * Northwind end to end, as a user does it: `npm run import -- --mapping northwind`, then the pipeline
 * (ETL → mining → reporting). The explorer's booked revenue per year and per category must equal SQL
 * over the raw source tables (northwind.sql loaded as it is published, not our import), each line
 * rounded to the cent, in USD. Every Northwind order was placed, so every order is booked revenue.
 */
const DATASETS = path.join(repoRoot(), '..', 'shared', 'datasets');
const available = sharedDatasetsOrSkip(DATASETS);

let t: TestSystem;
let source: TestDatabase;
/** A line's revenue as the source defines it (Order Details: UnitPrice × Quantity × (1 − Discount)), to the cent. */
const LINE = `round(d.unit_price::numeric * d.quantity * (1 - d.discount::numeric), 2)`;

/**
 * The source as published (northwind.sql, in its own database), then what a user does: the import of
 * the CSV export with the northwind mapping, and the pipeline (ETL → mining → reporting).
 */
async function importAndRunPipeline(): Promise<void> {
  source = await testDatabase({ migrated: false });
  await source.pool.query(readFileSync(path.join(DATASETS, 'northwind', 'northwind.sql'), 'utf8'));
  t = await startTestSystem();
  const s = await importDirectory({
    pool: t.db.pool,
    mapping: 'northwind',
    dir: path.join(DATASETS, 'northwind', 'csv'),
    quiet: true,
  });
  if (s.status !== 'committed') throw new Error(formatSummary(s));
  const pool = new pg.Pool({ connectionString: t.db.url, max: 2 });
  try {
    const ctx = {
      gatewayUrl: t.system.gatewayUrl,
      credentials: { email: t.services.ETL_SERVICE.email, password: PASSWORD },
      miningCredentials: { email: t.services.MINING_SERVICE.email, password: PASSWORD },
      dwhUrl: t.dwh.url,
      log: quietLogger(),
    };
    const r = await runPipeline({
      pool,
      stages: defaultStages(ctx),
      trigger: 'manual',
      log: quietLogger(),
      attempts: 1,
    });
    const etl = r.stages.find((x) => x.name === 'etl');
    if (etl?.status !== 'SUCCEEDED') throw new Error(`pipeline: ${JSON.stringify(r.stages)}`);
  } finally {
    await pool.end();
  }
}

// What the tests read: the explorer's answers (through the gateway) and SQL over the source.
const OLAP = `query($q: OlapQuery!) { olap(query: $q) { source rows { members { key label } values { measure value } } totals { measure value }
  definition { currency measures { name unit } } } }`;
interface Olap {
  source: string;
  rows: {
    members: { key: string; label: string }[];
    values: { measure: string; value: string | null }[];
  }[];
  totals: { measure: string; value: string | null }[];
  definition: { currency: string; measures: { name: string; unit: string }[] };
}
/** The explorer's answer to a query, as ADMIN. */
const olap = async (q: Record<string, unknown>) => {
  const r = await t.gql<{ olap: Olap }>(OLAP, { q }, await t.login('ADMIN'));
  if (!r.body.data) throw new Error(JSON.stringify(r.body.errors));
  return r.body.data.olap;
};
/** Rows of SQL over the source database, as arrays of text. */
const sql = async (text: string) => (await source.pool.query({ text, rowMode: 'array' })).rows as string[][];

/** An answer's (label, first value) rows, and a source's rows, in the same order for comparison. */
const byLabel = (a: Olap) =>
  a.rows
    .map((r) => [r.members[0]!.label, r.values[0]!.value])
    .sort((x, y) => String(x[0]).localeCompare(String(y[0])));
const sorted = (rows: string[][]) => [...rows].sort((x, y) => x[0]!.localeCompare(y[0]!));
const ALL = { from: '1996-01-01', to: '1998-12-31' };

(available ? describe : describe.skip)('Northwind: import → pipeline → olap equals the source', () => {
  beforeAll(importAndRunPipeline, 600_000);
  afterAll(async () => {
    await t?.close();
    await source?.drop();
  });

  test('revenue per year equals the source, in USD; nothing is a draft', async () => {
    const all = { from: '1996-01-01', to: '1998-12-31', granularity: 'YEAR' };
    const got = await olap({ measures: ['revenue'], time: all });
    const want = await sql(
      `SELECT extract(year FROM o.order_date)::text, sum(${LINE})::text FROM orders o JOIN order_details d ON d.order_id = o.order_id GROUP BY 1 ORDER BY 1`,
    );
    expect(want).toHaveLength(3);
    expect(got.rows.map((r) => [r.members[0]!.key, r.values[0]!.value])).toEqual(want);
    const total = (await sql(`SELECT sum(${LINE})::text FROM order_details d`))[0]![0];
    expect(got.totals[0]!.value).toBe(total);
    expect(got.definition.currency).toBe('USD');
    expect(got.definition.measures).toEqual([{ name: 'revenue', unit: 'USD' }]);
    // the 21 unshipped orders are booked (some with a backorder): no open draft value
    const drafts = await olap({ measures: ['draftValue'], time: { from: '1996-01-01', to: '1998-12-31' } });
    expect(drafts.totals[0]!.value ?? '0').toMatch(/^0(\.00)?$/);
    const status = await olap({
      measures: ['revenue'],
      dimensions: ['orderStatus.status'],
      time: { from: '1996-01-01', to: '1998-12-31' },
    });
    const unshipped = (
      await sql(
        `SELECT sum(${LINE})::text FROM orders o JOIN order_details d ON d.order_id = o.order_id WHERE o.shipped_date IS NULL`,
      )
    )[0]![0];
    expect(status.rows.map((r) => [r.members[0]!.key, r.values[0]!.value])).toContainEqual([
      'CONFIRMED',
      unshipped,
    ]);
  });

  test('revenue per category (and per category and year) equals the source', async () => {
    const all = { from: '1996-01-01', to: '1998-12-31' };
    const got = await olap({
      measures: ['revenue'],
      dimensions: ['product.category'],
      time: all,
      order: [{ by: 'revenue', direction: 'DESC' }],
    });
    const want = await sql(
      `SELECT c.category_name, sum(${LINE})::text FROM order_details d JOIN products p ON p.product_id = d.product_id
         JOIN categories c ON c.category_id = p.category_id GROUP BY 1 ORDER BY sum(${LINE}) DESC`,
    );
    expect(want).toHaveLength(8);
    expect(got.rows.map((r) => [r.members[0]!.label, r.values[0]!.value])).toEqual(want);
    const byYear = await olap({
      measures: ['revenue'],
      dimensions: ['product.category'],
      time: { ...all, granularity: 'YEAR' },
    });
    const wantByYear = await sql(
      `SELECT extract(year FROM o.order_date)::text, c.category_name, sum(${LINE})::text FROM orders o JOIN order_details d ON d.order_id = o.order_id
         JOIN products p ON p.product_id = d.product_id JOIN categories c ON c.category_id = p.category_id GROUP BY 1, 2`,
    );
    const key = (r: string[]) => r.join('|');
    expect(
      byYear.rows.map((r) => key([r.members[0]!.key, r.members[1]!.label, r.values[0]!.value!])).sort(),
    ).toEqual(wantByYear.map(key).sort());
  });

  test('revenue per sales rep (the employee of the order), per carrier (ShipVia) and per main supplier equals the source', async () => {
    const reps = await olap({ measures: ['revenue'], dimensions: ['salesRep.salesRep'], time: ALL });
    const wantReps = await sql(
      `SELECT e.first_name || ' ' || e.last_name, sum(${LINE})::text FROM orders o JOIN order_details d ON d.order_id = o.order_id
         JOIN employees e ON e.employee_id = o.employee_id GROUP BY 1`,
    );
    expect(wantReps).toHaveLength(9);
    expect(byLabel(reps)).toEqual(sorted(wantReps));
    const carriers = await olap({
      measures: ['revenue', 'orders'],
      dimensions: ['carrier.carrier'],
      time: ALL,
    });
    const wantCarriers = await sql(
      `SELECT s.company_name, sum(${LINE})::text, count(DISTINCT o.order_id)::text FROM orders o JOIN order_details d ON d.order_id = o.order_id
         JOIN shippers s ON s.shipper_id = o.ship_via GROUP BY 1`,
    );
    expect(wantCarriers).toHaveLength(3);
    expect(carriers.rows.map((r) => [r.members[0]!.label, ...r.values.map((v) => v.value)]).sort()).toEqual(
      wantCarriers.sort(),
    );
    const suppliers = await olap({ measures: ['revenue'], dimensions: ['supplier.supplier'], time: ALL });
    const wantSuppliers = await sql(
      `SELECT s.company_name, sum(${LINE})::text FROM order_details d JOIN products p ON p.product_id = d.product_id
         JOIN suppliers s ON s.supplier_id = p.supplier_id GROUP BY 1`,
    );
    expect(byLabel(suppliers)).toEqual(sorted(wantSuppliers));
  });

  test("the geography of a sale is where it ships: revenue per country equals the source's ShipCountry", async () => {
    const got = await olap({ measures: ['revenue'], dimensions: ['geography.country'], time: ALL });
    const rows = await sql(
      `SELECT o.ship_country, sum(${LINE})::text FROM orders o JOIN order_details d ON d.order_id = o.order_id GROUP BY 1`,
    );
    const want = rows.map(([c, v]) => [country(c!)![0], v]).sort();
    expect(got.rows.map((r) => [r.members[0]!.key, r.values[0]!.value]).sort()).toEqual(want);
    // 13 orders ship to another city than their customer's (e.g. to Colchester for a London customer):
    // per city, they count where they went
    const moved = await sql(
      `SELECT count(*)::text FROM orders o JOIN customers c ON c.customer_id = o.customer_id WHERE o.ship_city <> c.city`,
    );
    expect(moved).toEqual([['13']]);
    const cities = await olap({ measures: ['revenue'], dimensions: ['geography.city'], time: ALL });
    const wantCities = await sql(
      `SELECT o.ship_city, sum(${LINE})::text FROM orders o JOIN order_details d ON d.order_id = o.order_id GROUP BY 1`,
    );
    expect(byLabel(cities)).toEqual(sorted(wantCities));
  });

  test('product attributes: units on order, reorder point and stock on hand per supplier; products by status', async () => {
    const stock = await olap({
      measures: ['unitsOnOrder', 'reorderPoint', 'stockOnHand'],
      dimensions: ['supplier.supplier'],
    });
    const want = await sql(
      `SELECT s.company_name, sum(p.units_on_order)::text, sum(p.reorder_level)::text, sum(p.units_in_stock)::text
         FROM products p JOIN suppliers s ON s.supplier_id = p.supplier_id GROUP BY 1`,
    );
    expect(want).toHaveLength(29);
    expect(stock.rows.map((r) => [r.members[0]!.label, ...r.values.map((v) => v.value)]).sort()).toEqual(
      want.sort(),
    );
    const [[onOrder]] = (await sql(`SELECT sum(units_on_order)::text FROM products`)) as [[string]];
    expect(stock.totals.find((t) => t.measure === 'unitsOnOrder')!.value).toBe(onOrder);
    const products = await olap({ measures: ['productCount'], dimensions: ['productStatus.status'] });
    const wantStatus = await sql(
      `SELECT CASE WHEN discontinued = 1 THEN 'DISCONTINUED' ELSE 'ACTIVE' END, count(*)::text FROM products GROUP BY 1`,
    );
    expect(products.rows.map((r) => [r.members[0]!.key, r.values[0]!.value]).sort()).toEqual(
      wantStatus.sort(),
    );
  });
});
