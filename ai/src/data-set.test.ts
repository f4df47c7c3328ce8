import path from 'node:path';
import type pg from 'pg';
import { runMining } from '@erp/mining';
import type { TestDatabase } from '@erp/kit/test/db';
import { csvRows, loadNativeSet, testWarehouse } from '@erp/mining/test/fixtures';
import http from 'node:http';
import https from 'node:https';
import { ask } from './ask';
import { aiEnvSchema } from './env';
import { FACT_KINDS, type FactKind } from './facts';
import { computeInsights } from './insights';
import { createModel } from './providers/adapters';
import { recommend } from './recommend';
import { buildReport } from './report';
import { writeStory } from './story';

/**
 * The AI engine on the project's data set (data/native, scale 1, seed 42): loaded straight into a
 * throw-away warehouse (no ETL) with the mining fixtures' loader, then enriched here with what the
 * insight engine and the OLAP whitelist read: categories, geography, warehouses, unit costs,
 * suppliers (staged supplies too), monthly supplier evaluations and an inventory snapshot on
 * 2026-10-31 computed from the stock ledger.
 */
const NATIVE = path.join(__dirname, '../../data/native');

/** A whole CSV file into a table of text columns (src.<name>). */
async function loadCsv(pool: pg.Pool, name: string): Promise<void> {
  const rows: Record<string, string>[] = [];
  for await (const r of csvRows(path.join(NATIVE, `${name}.csv.gz`))) rows.push(r);
  const cols = Object.keys(rows[0]!);
  await pool.query(`CREATE TABLE src.${name}_csv (seq int, ${cols.map((c) => `"${c}" text`).join(', ')})`);
  for (let i = 0; i < rows.length; i += 50_000) {
    const chunk = rows.slice(i, i + 50_000);
    await pool.query(
      `INSERT INTO src.${name}_csv SELECT * FROM unnest($1::int[], ${cols.map((_c, j) => `$${j + 2}::text[]`).join(', ')})`,
      [chunk.map((_r, k) => i + k + 1), ...cols.map((c) => chunk.map((r) => (r[c] === '' ? null : r[c])))],
    );
  }
}

async function loadDataSet(pool: pg.Pool): Promise<void> {
  await loadNativeSet(pool, NATIVE);
  for (const f of [
    'categories',
    'products',
    'customers',
    'warehouses',
    'orders',
    'suppliers',
    'product_supplies',
    'supplier_evaluations',
    'stock_levels',
    'stock_movements',
  ])
    await loadCsv(pool, f);
  await pool.query(`
    INSERT INTO dw.dim_category (category_id, code, name, parent_category_id, parent_code, parent_name, root_code, root_name, level)
      SELECT c.seq, c.code, c.name, p.seq, p.code, p.name, COALESCE(p.code, c.code), COALESCE(p.name, c.name), CASE WHEN p.code IS NULL THEN 1 ELSE 2 END
      FROM src.categories_csv c LEFT JOIN src.categories_csv p ON p.code = c.parent_code;
    UPDATE dw.dim_product d SET category_key = cat.category_key, category_id = cat.category_id, category_code = cat.code, category_name = cat.name,
        parent_category_name = cat.parent_name, unit_cost = p.unit_cost::numeric
      FROM src.products_csv p JOIN dw.dim_category cat ON cat.code = p.category_code WHERE d.sku = p.sku;
    INSERT INTO dw.dim_geography (city_id, city, region_id, region, country_code, country_name)
      SELECT row_number() OVER (ORDER BY country_code, region, city), city, dense_rank() OVER (ORDER BY country_code, region), region, country_code, max(country_name)
      FROM src.customers_csv GROUP BY country_code, region, city;
    UPDATE dw.dim_customer d SET geography_key = g.geography_key, city_id = g.city_id
      FROM src.customers_csv c JOIN dw.dim_geography g ON g.country_code = c.country_code AND g.region = c.region AND g.city = c.city WHERE d.code = c.code;
    INSERT INTO dw.dim_warehouse (warehouse_id, code, name, city, country_code) SELECT 1 + seq, code, name, city, country_code FROM src.warehouses_csv;
    CREATE INDEX ON src.orders_csv (number);
    UPDATE dw.fact_sales f SET geography_key = c.geography_key, warehouse_key = w.warehouse_key,
        unit_cost = p.unit_cost, cost_amount = k.sign * round(f.quantity * p.unit_cost, 2), margin_amount = f.net_amount - k.sign * round(f.quantity * p.unit_cost, 2)
      FROM src.orders_csv o, dw.dim_warehouse w, dw.dim_customer c, dw.dim_product p, dw.dim_order_kind k
      WHERE o.number = f.order_number AND w.code = o.warehouse_code AND c.customer_key = f.customer_key AND p.product_key = f.product_key AND k.kind_key = f.kind_key;
    INSERT INTO dw.dim_supplier (supplier_id, code, name, city, country_code, status, products_supplied, preferred_products, avg_lead_time_days)
      SELECT s.seq, s.code, s.name, s.city, s.country_code, s.status, count(ps.sku), count(ps.sku) FILTER (WHERE ps.is_preferred = 'true'), round(avg(ps.lead_time_days::numeric), 2)
      FROM src.suppliers_csv s LEFT JOIN src.product_supplies_csv ps ON ps.supplier_code = s.code GROUP BY s.seq, s.code, s.name, s.city, s.country_code, s.status;
    INSERT INTO staging.suppliers (supplier_id, payload, checksum, source_updated_at, run_id)
      SELECT s.seq, jsonb_build_object('id', s.seq::text, 'code', s.code, 'supplies', jsonb_agg(jsonb_build_object('product', jsonb_build_object('id', p.product_id::text),
          'leadTimeDays', ps.lead_time_days::int, 'unitCost', ps.unit_cost::numeric, 'minOrderQuantity', ps.min_order_quantity::int, 'isPreferred', ps.is_preferred = 'true'))),
        md5(s.code), now(), 1
      FROM src.suppliers_csv s JOIN src.product_supplies_csv ps ON ps.supplier_code = s.code JOIN dw.dim_product p ON p.sku = ps.sku GROUP BY s.seq, s.code;
    INSERT INTO dw.fact_supplier_evaluation (supplier_id, period_start, supplier_key, month_date_key, deliveries, on_time_deliveries, late_deliveries, on_time_rate, quality_score, price_score, run_id)
      SELECT s.supplier_id, e.period_start::date, s.supplier_key, to_char(e.period_start::date, 'YYYYMMDD')::int, e.deliveries::int, e.on_time_deliveries::int,
        e.deliveries::int - e.on_time_deliveries::int, round(100.0 * e.on_time_deliveries::int / NULLIF(e.deliveries::int, 0), 2), e.quality_score::numeric, e.price_score::numeric, 1
      FROM src.supplier_evaluations_csv e JOIN dw.dim_supplier s ON s.code = e.supplier_code;
    -- The evaluations' deliveries as receipts (the on-time rate is measured on receipts): per supplier month,
    -- one receipt of the supplier's first product per delivery, the first on-time ones on their expected day, the others 3 days late.
    INSERT INTO dw.fact_purchase_receipt (receipt_id, purchase_order_id, line_no, po_number, receipt_date_key, supplier_key, product_key, warehouse_key,
        received_at, ordered_at, expected_date, quantity, unit_cost, amount, lead_time_days, days_late, is_on_time, run_id)
      SELECT row_number() OVER (), e.seq, g, 'PO-' || e.seq, to_char(x.day, 'YYYYMMDD')::int, s.supplier_key, pr.product_key, (SELECT min(warehouse_key) FROM dw.dim_warehouse),
        x.day + interval '9 hours', e.period_start::date - 14, CASE WHEN g <= e.on_time_deliveries::int THEN x.day ELSE x.day - 3 END, 10, 1.00, 10.00,
        x.day - (e.period_start::date - 14), CASE WHEN g <= e.on_time_deliveries::int THEN 0 ELSE 3 END, g <= e.on_time_deliveries::int, 1
      FROM src.supplier_evaluations_csv e JOIN dw.dim_supplier s ON s.code = e.supplier_code
      CROSS JOIN LATERAL generate_series(1, e.deliveries::int) g
      CROSS JOIN LATERAL (SELECT (e.period_start::date + (g - 1) % 28) AS day) x
      JOIN LATERAL (SELECT p.product_key FROM src.product_supplies_csv ps JOIN dw.dim_product p ON p.sku = ps.sku AND p.is_current
                    WHERE ps.supplier_code = e.supplier_code ORDER BY p.product_id LIMIT 1) pr ON true;
    INSERT INTO dw.fact_inventory_snapshot (snapshot_date_key, product_id, warehouse_id, product_key, warehouse_key, on_hand, reserved, available, reorder_point, is_low, unit_cost, stock_value, run_id)
      SELECT m.date_key, p.product_id, w.warehouse_id, p.product_key, w.warehouse_key, m.on_hand, COALESCE(r.reserved, 0), m.on_hand - COALESCE(r.reserved, 0),
        l.reorder_point::int, m.on_hand <= l.reorder_point::int, p.unit_cost, p.unit_cost * m.on_hand, 1
      FROM (SELECT x.date_key, sku, warehouse_code, SUM(quantity::int)::int AS on_hand
            FROM src.stock_movements_csv, (VALUES (20260930, timestamptz '2026-10-01T00:00:00Z'), (20261031, timestamptz '2026-11-01T00:00:00Z')) x(date_key, cutoff)
            WHERE occurred_at::timestamptz < x.cutoff GROUP BY 1, 2, 3) m
      JOIN src.stock_levels_csv l ON l.sku = m.sku AND l.warehouse_code = m.warehouse_code
      JOIN dw.dim_product p ON p.sku = m.sku JOIN dw.dim_warehouse w ON w.code = m.warehouse_code
      -- what CONFIRMED orders reserve at the end (the earlier snapshot is taken with nothing reserved)
      LEFT JOIN (SELECT ol.sku, o.warehouse_code, SUM(ol.quantity)::int AS reserved FROM src.lines ol JOIN src.orders_csv o ON o.number = ol.order_number
                 WHERE o.status = 'CONFIRMED' AND o.kind = 'SALE' GROUP BY 1, 2) r ON r.sku = m.sku AND r.warehouse_code = m.warehouse_code AND m.date_key = 20261031;
    ANALYZE;`);
}

// The no-key chat's questions and the SQL written directly on the dw tables that answers each.
// Relative periods are read against the data's as-of date (2026-10-31), never the wall clock.
const ADMIN = { role: 'ADMIN' as const, userId: 1 };
const SALES = `dw.fact_sales f JOIN dw.dim_date d ON d.date_key = f.order_date_key JOIN dw.dim_order_status s ON s.status_key = f.status_key
  JOIN dw.dim_order_kind k ON k.kind_key = f.kind_key
  JOIN dw.dim_customer c ON c.customer_key = f.customer_key JOIN dw.dim_geography g ON g.geography_key = f.geography_key
  JOIN dw.dim_product p ON p.product_key = f.product_key LEFT JOIN dw.dim_category cat ON cat.category_key = p.category_key
  JOIN dw.dim_warehouse w ON w.warehouse_key = f.warehouse_key`;
const BOOKED = `s.status IN ('CONFIRMED', 'SHIPPED', 'DELIVERED')`;
const between = (from: string, to: string) => `${BOOKED} AND d.full_date BETWEEN '${from}' AND '${to}'`;
/** One aggregate by a key over a window, the largest first, ten rows as the chat shows a breakdown. */
const by = (
  key: string,
  measure: string,
  from: string,
  to: string,
  dir: 'ASC' | 'DESC' = 'DESC',
  limit = 10,
  extra = '',
) =>
  `SELECT ${key} AS key, ${measure} AS v FROM ${SALES} WHERE ${between(from, to)} ${extra} GROUP BY 1 ORDER BY 2 ${dir} NULLS LAST, 1 LIMIT ${limit}`;
const byTime = (key: string, measure: string, from: string, to: string) =>
  `SELECT ${key} AS key, ${measure} AS v FROM ${SALES} WHERE ${between(from, to)} GROUP BY 1 ORDER BY 1`;
const total = (measure: string, from: string, to: string) =>
  `SELECT NULL AS key, ${measure} AS v FROM ${SALES} WHERE ${between(from, to)}`;
const REV = 'SUM(f.net_amount)';
const MARGIN = 'SUM(f.net_amount) - SUM(f.cost_amount)';
const MARGIN_PCT = 'round(100 * (SUM(f.net_amount) - SUM(f.cost_amount)) / SUM(f.net_amount), 2)';
const ORDERS = `COUNT(DISTINCT f.order_id) FILTER (WHERE k.kind = 'SALE')`;
const BASKET = `round(SUM(f.net_amount) / ${ORDERS}, 2)`;
const FIRST = '2024-09-01';
const ASOF = '2026-10-31';
/** Year-ago comparison: v = current window, c = the same window a year before (NULL when absent). */
const yearAgo = (
  key: string,
  from: string,
  to: string,
  pf: string,
  pt: string,
) => `WITH cur AS (${by(key, REV, from, to)}),
  prev AS (SELECT ${key} AS key, ${REV} AS v FROM ${SALES} WHERE ${between(pf, pt)} GROUP BY 1)
  SELECT cur.key, cur.v, prev.v AS c FROM cur LEFT JOIN prev ON prev.key IS NOT DISTINCT FROM cur.key ORDER BY cur.v DESC, cur.key`;
const SNAP = `(SELECT max(snapshot_date_key) FROM dw.fact_inventory_snapshot)`;
const SOLD90 = `(SELECT f.product_key, f.warehouse_key, SUM(f.quantity) AS units FROM dw.fact_sales f JOIN dw.dim_date d ON d.date_key = f.order_date_key
    JOIN dw.dim_order_status s ON s.status_key = f.status_key WHERE ${BOOKED} AND d.full_date > DATE '2026-10-31' - 90 AND d.full_date <= DATE '2026-10-31' GROUP BY 1, 2)`;
const inventory = (
  key: string,
  measures: string,
  order: string,
  limit = 10,
) => `SELECT ${key} AS key, ${measures}
  FROM dw.fact_inventory_snapshot i JOIN dw.dim_product p ON p.product_key = i.product_key LEFT JOIN dw.dim_category cat ON cat.category_key = p.category_key
    JOIN dw.dim_warehouse w ON w.warehouse_key = i.warehouse_key LEFT JOIN ${SOLD90} x ON x.product_key = i.product_key AND x.warehouse_key = i.warehouse_key
  WHERE i.snapshot_date_key = ${SNAP} GROUP BY 1 ORDER BY ${order}, 1 LIMIT ${limit}`;
const COVER = 'round(GREATEST(SUM(i.available), 0) / NULLIF(SUM(COALESCE(x.units, 0)) / 90.0, 0), 1)';
const onTime = (
  from: string,
  to: string,
) => `SELECT sup.code AS key, round(100.0 * COUNT(*) FILTER (WHERE rc.is_on_time) / NULLIF(COUNT(*), 0), 2) AS v
  FROM dw.fact_purchase_receipt rc JOIN dw.dim_supplier sup ON sup.supplier_key = rc.supplier_key JOIN dw.dim_date d ON d.date_key = rc.receipt_date_key
  WHERE d.full_date BETWEEN '${from}' AND '${to}' GROUP BY 1 ORDER BY 2 DESC NULLS LAST, 1 LIMIT 10`;
const CAT = `COALESCE(cat.code, '(none)')`;
const MONTH = `to_char(d.full_date, 'YYYY-MM')`;
const QUARTER = `extract(year FROM d.full_date) || '-Q' || extract(quarter FROM d.full_date)`;

const QUESTIONS: [string, 'fr' | 'en', string][] = [
  ["chiffre d'affaires par catégorie en 2025", 'fr', by(CAT, REV, '2025-01-01', '2025-12-31')],
  ['revenue by category in 2025', 'en', by(CAT, REV, '2025-01-01', '2025-12-31')],
  ['top 5 clients le trimestre dernier', 'fr', by('c.code', REV, '2026-07-01', '2026-09-30', 'DESC', 5)],
  ['top 5 customers last quarter', 'en', by('c.code', REV, '2026-07-01', '2026-09-30', 'DESC', 5)],
  ['marge par mois en 2026', 'fr', byTime(MONTH, MARGIN, '2026-01-01', '2026-12-31')],
  ['margin by month in 2026', 'en', byTime(MONTH, MARGIN, '2026-01-01', '2026-12-31')],
  [
    "ventes par pays cette année vs l'année dernière",
    'fr',
    yearAgo('g.country_code', '2026-01-01', ASOF, '2025-01-01', '2025-10-31'),
  ],
  [
    'revenue by country this year vs last year',
    'en',
    yearAgo('g.country_code', '2026-01-01', ASOF, '2025-01-01', '2025-10-31'),
  ],
  [
    'quels produits vont être en rupture ?',
    'fr',
    inventory('p.sku', `${COVER} AS v, SUM(i.available) AS v2`, `${COVER} ASC NULLS LAST`, 10),
  ],
  [
    'which products will run out of stock?',
    'en',
    inventory('p.sku', `${COVER} AS v, SUM(i.available) AS v2`, `${COVER} ASC NULLS LAST`, 10),
  ],
  ['nombre de commandes par mois en 2025', 'fr', byTime(MONTH, ORDERS, '2025-01-01', '2025-12-31')],
  ['number of orders by quarter in 2025', 'en', byTime(QUARTER, ORDERS, '2025-01-01', '2025-12-31')],
  ['panier moyen par segment en 2026', 'fr', by('c.segment', BASKET, '2026-01-01', '2026-12-31')],
  ['average basket by segment last year', 'en', by('c.segment', BASKET, '2025-01-01', '2025-12-31')],
  [
    'combien de clients en octobre 2026',
    'fr',
    total(`COUNT(DISTINCT c.customer_id) FILTER (WHERE k.kind = 'SALE')`, '2026-10-01', '2026-10-31'),
  ],
  [
    'how many customers in september 2026',
    'en',
    total(`COUNT(DISTINCT c.customer_id) FILTER (WHERE k.kind = 'SALE')`, '2026-09-01', '2026-09-30'),
  ],
  ['taux de marge par catégorie en 2026', 'fr', by(CAT, MARGIN_PCT, '2026-01-01', '2026-12-31')],
  ['margin rate by category in 2025', 'en', by(CAT, MARGIN_PCT, '2025-01-01', '2025-12-31')],
  [
    'unités vendues par entrepôt le mois dernier',
    'fr',
    by('w.code', 'SUM(f.quantity)', '2026-09-01', '2026-09-30'),
  ],
  ['units sold by warehouse last month', 'en', by('w.code', 'SUM(f.quantity)', '2026-09-01', '2026-09-30')],
  [
    'ventes en France par région en 2026',
    'fr',
    by('g.region', REV, '2026-01-01', '2026-12-31', 'DESC', 10, `AND g.country_code = 'FR'`),
  ],
  [
    'revenue in Germany by city last quarter',
    'en',
    by('g.city', REV, '2026-07-01', '2026-09-30', 'DESC', 10, `AND g.country_code = 'DE'`),
  ],
  ['top 3 produits en 2025', 'fr', by('p.sku', REV, '2025-01-01', '2025-12-31', 'DESC', 3)],
  ['bottom 5 products last year', 'en', by('p.sku', REV, '2025-01-01', '2025-12-31', 'ASC', 5)],
  ['taux de ponctualité par fournisseur en 2026', 'fr', onTime('2026-01-01', '2026-12-31')],
  ['on time rate by supplier last quarter', 'en', onTime('2026-07-01', '2026-09-30')],
  [
    'valeur du stock par entrepôt',
    'fr',
    inventory('w.code', 'SUM(i.stock_value) AS v', 'SUM(i.stock_value) DESC'),
  ],
  ['stock value by category', 'en', inventory(CAT, 'SUM(i.stock_value) AS v', 'SUM(i.stock_value) DESC')],
  ["chiffre d'affaires par trimestre", 'fr', byTime(QUARTER, REV, FIRST, ASOF)],
  ['revenue by year', 'en', byTime('extract(year FROM d.full_date)::text', REV, FIRST, ASOF)],
  ['ventes des 3 derniers mois par pays', 'fr', by('g.country_code', REV, '2026-08-01', ASOF)],
  ['revenue year to date by segment', 'en', by('c.segment', REV, '2026-01-01', ASOF)],
  [
    'stock disponible par entrepôt',
    'fr',
    inventory('w.code', 'SUM(i.available) AS v', 'SUM(i.available) DESC'),
  ],
  ['days of cover by warehouse', 'en', inventory('w.code', `${COVER} AS v`, `${COVER} DESC NULLS LAST`)],
  ['marge brute par pays en 2025', 'fr', by('g.country_code', MARGIN, '2025-01-01', '2025-12-31')],
  ["chiffre d'affaires en mars 2026", 'fr', total(REV, '2026-03-01', '2026-03-31')],
  [
    'revenue in june 2025 vs last year',
    'en',
    `SELECT NULL AS key, (${total(REV, '2025-06-01', '2025-06-30').replace('NULL AS key, ', '')}) AS v, (${total(REV, '2024-06-01', '2024-06-30').replace('NULL AS key, ', '')}) AS c`,
  ],
];

// One warehouse for the whole file, loaded once (the load takes minutes) for both describes below,
// which run in order on it as the cases of a single describe did.
let db: TestDatabase;
beforeAll(async () => {
  db = await testWarehouse();
  await loadDataSet(db.pool);
  // Two mining runs (RFM movements need two): as of 2026-08-01, then as of the data set's end.
  await runMining({ dwhUrl: db.url, writeback: false, seed: 42, referenceDate: '2026-08-01' });
  await runMining({ dwhUrl: db.url, writeback: false, seed: 42 });
}, 900_000);
afterAll(() => db?.drop());

const kindsOf = (facts: { kind: FactKind }[]) => [...new Set(facts.map((f) => f.kind))].sort();
/** The order numbers the data set's generator planted as anomalies. */
const planted = async () => {
  const out: string[] = [];
  for await (const a of csvRows(path.join(NATIVE, 'planted_anomalies.csv.gz'))) out.push(a.order_number!);
  return out;
};

describe('the insight engine on data/native', () => {
  it('finds every insight type in 2026-Q3, with planted anomalies among the unusual orders and SUP-025 deteriorating', async () => {
    const ins = await computeInsights(db.pool, { period: '2026-Q3' });
    expect(kindsOf(ins.facts)).toEqual([...FACT_KINDS].sort());
    expect(ins.notes).toEqual([]); // mining tables found: no z-score fallback, RFM movements read
    const unusual = ins.facts.filter((f) => f.kind === 'unusual-order');
    expect(unusual.every((f) => f.details.method === 'mining')).toBe(true);
    const plantedOrders = await planted();
    const found = unusual.map((f) => f.subject.code!).filter((c) => plantedOrders.includes(c));
    expect(found).toContain('SO-0033429'); // ABSURD_AMOUNT, the largest
    expect(found.length).toBeGreaterThanOrEqual(4);
    const suppliers = ins.facts.filter((f) => f.kind === 'supplier-deterioration').map((f) => f.subject.code);
    expect(suppliers).toContain('SUP-025');
    expect(ins.facts.map((f) => f.id)).toContain('trend-break:2026-08'); // the August dip
    const risk = ins.facts.find((f) => f.kind === 'stockout-risk')!;
    expect(risk.details.snapshotDate).toBe('2026-09-30');
    const rfm = ins.facts.find((f) => f.kind === 'rfm-movement')!;
    expect(rfm.comparison).toBeGreaterThan(0);
  });

  // Bug: a period running past the data (2026 as a whole) reported the empty months after the last
  // sale as trend breaks with revenue 0.
  it('months after the last sale are not trend breaks', async () => {
    const ins = await computeInsights(db.pool, { period: '2026' });
    const breaks = ins.facts.filter((f) => f.kind === 'trend-break').map((f) => f.id);
    expect(breaks.filter((id) => id >= 'trend-break:2026-11')).toEqual([]);
  });

  it('on 2026-10 (the last month): revenue, margin, concentration, stock-out risks at the final count, RFM movements, SUP-011 or SUP-025', async () => {
    const ins = await computeInsights(db.pool, { period: '2026-10' });
    const kinds = kindsOf(ins.facts);
    for (const k of [
      'revenue-change',
      'margin-change',
      'concentration',
      'stockout-risk',
      'rfm-movement',
      'supplier-deterioration',
    ] as FactKind[])
      expect(kinds).toContain(k);
    const suppliers = ins.facts
      .filter((f) => f.kind === 'supplier-deterioration')
      .map((f) => f.subject.code!);
    expect(suppliers.filter((c) => c === 'SUP-011' || c === 'SUP-025').length).toBeGreaterThanOrEqual(1);
    const risks = ins.facts.filter((f) => f.kind === 'stockout-risk');
    expect(risks.every((f) => f.details.snapshotDate === '2026-10-31')).toBe(true);
    // A pair written off at the final count (available 0) with sales in the last 90 days is at risk.
    const zero = (
      await db.pool.query(
        `SELECT count(*)::int AS n FROM dw.fact_inventory_snapshot WHERE snapshot_date_key = 20261031 AND available <= 0`,
      )
    ).rows[0].n;
    expect(zero).toBeGreaterThan(0);
    expect(risks.some((f) => f.details.available === 0)).toBe(true);
  });
});

describe('the no-key chat on data/native', () => {
  // Each question's numbers equal SQL written directly on the dw tables.
  it(`answers ${QUESTIONS.length} French and English questions with the numbers of direct SQL`, async () => {
    expect(QUESTIONS.length).toBeGreaterThanOrEqual(30);
    expect(QUESTIONS.filter((q) => q[1] === 'fr').length).toBeGreaterThanOrEqual(15);
    expect(QUESTIONS.filter((q) => q[1] === 'en').length).toBeGreaterThanOrEqual(15);
    const str = (v: unknown) => (v === null || v === undefined ? null : String(Number(v)));
    for (const [question, language, sql] of QUESTIONS) {
      const a = await ask(question, { pool: db.pool, viewer: ADMIN, language });
      expect({ question, understood: a.understood, source: a.source }).toEqual({
        question,
        understood: true,
        source: 'fallback',
      });
      const r = a.results[0]!;
      const line = (key: string | null, values: { value: string | null; compared: string | null }[]) => [
        key,
        ...values.map((v) => str(v.value)),
        ...(r.comparePeriod ? values.map((v) => str(v.compared)) : []),
      ];
      const got = r.dimensions.length
        ? r.rows.map((row) => line(row.members[0]?.key ?? null, row.values))
        : [line(null, r.totals)];
      const want = (await db.pool.query(sql)).rows.map((x) => [
        x.key === null ? null : String(x.key),
        ...Object.entries(x)
          .filter(([k]) => k !== 'key')
          .map(([, v]) => str(v)),
      ]);
      expect({ question, rows: got }).toEqual({ question, rows: want });
      expect(want.length).toBeGreaterThan(0);
      expect(want.some((w) => w.slice(1).some((v) => v !== null && v !== '0'))).toBe(true); // not an empty answer
    }
  });

  it('makes no outbound call without a provider (AI_PROVIDER=none, even with keys set)', async () => {
    const boom = (name: string) => () => {
      throw new Error(`outbound call through ${name}`);
    };
    const realFetch = globalThis.fetch;
    const fetchSpy = jest.fn(boom('fetch'));
    globalThis.fetch = fetchSpy as unknown as typeof fetch;
    const spies = [
      jest.spyOn(http, 'request').mockImplementation(boom('http.request')),
      jest.spyOn(http, 'get').mockImplementation(boom('http.get')),
      jest.spyOn(https, 'request').mockImplementation(boom('https.request')),
      jest.spyOn(https, 'get').mockImplementation(boom('https.get')),
    ];
    try {
      const env = aiEnvSchema.parse({
        AI_PROVIDER: 'none',
        OPENAI_API_KEY: 'sk-test',
        GEMINI_API_KEY: 'g-test',
        ANTHROPIC_API_KEY: 'a-test',
        OLLAMA_URL: 'http://127.0.0.1:11434',
      });
      const model = createModel(env);
      expect(model).toBeNull();
      const a1 = await ask("chiffre d'affaires par catégorie en 2025", {
        pool: db.pool,
        viewer: ADMIN,
        language: 'fr',
        model,
      });
      const a2 = await ask('which products will run out of stock?', {
        pool: db.pool,
        viewer: ADMIN,
        language: 'en',
        model,
      });
      expect([a1.fallbackReason, a2.fallbackReason]).toEqual(['NO_PROVIDER', 'NO_PROVIDER']);
      const insights = await computeInsights(db.pool, { period: '2026-10' });
      const story = writeStory(insights, recommend(insights), { audience: 'executive', language: 'fr' });
      expect(story.text.length).toBeGreaterThan(0);
      const report = await buildReport(db.pool, {
        period: '2026-10',
        audience: 'operational',
        language: 'en',
        model,
      });
      expect(report.source).toBe('fallback');
      expect(fetchSpy).not.toHaveBeenCalled();
      for (const s of spies) expect(s).not.toHaveBeenCalled();
    } finally {
      globalThis.fetch = realFetch;
      for (const s of spies) s.mockRestore();
    }
    expect(globalThis.fetch).toBe(realFetch);
  });
});
