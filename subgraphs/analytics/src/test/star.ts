import { migrateDwh } from '@erp/dwh-schema';
import { testDatabase, type TestDatabase } from '@erp/kit/test/db';
import { quietLogger, type Executable } from '@erp/kit/test/graphql';
import { refreshRollups } from '@erp/semantic';
import type { AnalyticsContext } from '../context';
import { createAnalyticsSubgraph } from '../server';

/**
 * A small hand-made star in a fresh warehouse: 4 categories (2 roots), 4 products (one with two SCD2
 * versions, one without cost), 3 cities in 2 countries, 4 customers of 2 sales reps (one with two
 * versions), 2 warehouses, 2 suppliers; sales lines on chosen days around leap years and month and
 * quarter ends (sales, returns, every status); two inventory snapshots; supplier months.
 */
export const REP_A = 101;
export const REP_B = 102;

/** The star of this file's tests; `execute` and `client` run operations on its subgraph directly. */
export interface StarUnderTest extends Executable<AnalyticsContext> {
  readonly db: TestDatabase;
}

/**
 * The star for this file's tests: made before them (its rollups refreshed when asked, for answers
 * the rollups may give), closed after them.
 */
export function starUnderTest(opts: { rollups?: boolean } = {}): StarUnderTest {
  let star: Star | undefined;
  const ready = (): Star => {
    if (!star) throw new Error('the star is made in beforeAll');
    return star;
  };
  beforeAll(async () => {
    star = await createStar();
    if (opts.rollups) await refreshRollups(star.db.pool, 'all');
  });
  afterAll(() => star?.close());
  return {
    get db() {
      return ready().db;
    },
    get server() {
      return ready().subgraph.server;
    },
    contextFor: (identity) => ready().subgraph.contextFor(identity),
  };
}

/** Order days: leap day 2024, month ends, quarter ends, a partial March 2025. */
export const DAYS = [
  '2023-01-10',
  '2023-02-28',
  '2023-03-15',
  '2023-12-31',
  '2024-01-15',
  '2024-02-28',
  '2024-02-29',
  '2024-03-01',
  '2024-03-14',
  '2024-03-31',
  '2024-06-30',
  '2024-12-31',
  '2025-01-15',
  '2025-02-27',
  '2025-02-28',
  '2025-03-01',
  '2025-03-10',
  '2025-03-15',
  '2025-03-20',
  '2025-03-31',
  '2025-04-01',
];

export interface Star {
  db: TestDatabase;
  subgraph: Awaited<ReturnType<typeof createAnalyticsSubgraph>>;
  close(): Promise<void>;
}

export async function createStar(): Promise<Star> {
  const db = await testDatabase({ migrated: false });
  await migrateDwh(db.url);
  await fillStar(db);
  const subgraph = await createAnalyticsSubgraph({
    pool: db.pool,
    log: quietLogger(),
    identitySecret: 'x'.repeat(32),
    production: false,
  });
  return {
    db,
    subgraph,
    async close() {
      await subgraph.stop();
      await db.drop();
    },
  };
}

export async function fillStar(db: TestDatabase): Promise<void> {
  await db.pool.query(`
    INSERT INTO meta.etl_runs (started_at, finished_at, status, mode, entities, snapshot_date, reconciliation)
    VALUES ('2025-03-31 22:00Z', '2025-03-31 22:05Z', 'SUCCEEDED', 'full', '{orders}', '2025-03-31', '{"ok": true, "mismatches": []}');

    INSERT INTO dw.dim_category (category_id, code, name, parent_category_id, parent_code, parent_name, root_code, root_name, level) VALUES
      (1, 'TOOLS', 'Tools', NULL, NULL, NULL, 'TOOLS', 'Tools', 1),
      (2, 'HAND', 'Hand tools', 1, 'TOOLS', 'Tools', 'TOOLS', 'Tools', 2),
      (3, 'POWER', 'Power tools', 1, 'TOOLS', 'Tools', 'TOOLS', 'Tools', 2),
      (4, 'GARDEN', 'Garden', NULL, NULL, NULL, 'GARDEN', 'Garden', 1);

    INSERT INTO dw.dim_product (product_id, version, sku, name, category_key, category_id, category_code, category_name, list_price, unit_cost, status, valid_from, valid_to, is_current) VALUES
      (1, 1, 'HT-001', 'Hammer', (SELECT category_key FROM dw.dim_category WHERE code = 'HAND'), 2, 'HAND', 'Hand tools', 12, 5.00, 'ACTIVE', '-infinity', '2024-06-01', false),
      (1, 2, 'HT-001', 'Hammer', (SELECT category_key FROM dw.dim_category WHERE code = 'HAND'), 2, 'HAND', 'Hand tools', 13, 5.50, 'ACTIVE', '2024-06-01', 'infinity', true),
      (2, 1, 'PT-001', 'Drill', (SELECT category_key FROM dw.dim_category WHERE code = 'POWER'), 3, 'POWER', 'Power tools', 80, 40.00, 'ACTIVE', '-infinity', 'infinity', true),
      (3, 1, 'GD-001', 'Rake', (SELECT category_key FROM dw.dim_category WHERE code = 'GARDEN'), 4, 'GARDEN', 'Garden', 20, NULL, 'ACTIVE', '-infinity', 'infinity', true),
      (4, 1, 'TL-001', 'Toolbox', (SELECT category_key FROM dw.dim_category WHERE code = 'TOOLS'), 1, 'TOOLS', 'Tools', 30, 12.00, 'ACTIVE', '-infinity', 'infinity', true);

    INSERT INTO dw.dim_geography (geography_key, city_id, city, region_id, region, country_code, country_name) VALUES
      (1, 1, 'Paris', 1, 'Île-de-France', 'FR', 'France'),
      (2, 2, 'Lyon', 2, 'Auvergne-Rhône-Alpes', 'FR', 'France'),
      (3, 3, 'Munich', 3, 'Bavaria', 'DE', 'Germany');

    INSERT INTO dw.dim_customer (customer_id, version, code, name, segment, status, sales_rep_id, geography_key, city_id, valid_from, valid_to, is_current) VALUES
      (1, 1, 'CUST-1', 'Atelier Dupont', 'RETAIL', 'ACTIVE', ${REP_A}, 1, 1, '-infinity', '2024-07-01', false),
      (1, 2, 'CUST-1', 'Atelier Dupont', 'WHOLESALE', 'ACTIVE', ${REP_A}, 1, 1, '2024-07-01', 'infinity', true),
      (2, 1, 'CUST-2', 'Bricolage Martin', 'WHOLESALE', 'ACTIVE', ${REP_A}, 2, 2, '-infinity', 'infinity', true),
      (3, 1, 'CUST-3', 'Müller GmbH', 'RETAIL', 'ACTIVE', ${REP_B}, 3, 3, '-infinity', 'infinity', true),
      (4, 1, 'CUST-4', 'O''Brien & Söhne', 'RETAIL', 'ACTIVE', ${REP_B}, 3, 3, '-infinity', 'infinity', true);

    INSERT INTO dw.dim_warehouse (warehouse_id, code, name, city, country_code) VALUES (1, 'WH-LYON', 'Lyon', 'Lyon', 'FR'), (2, 'WH-MUC', 'Munich', 'Munich', 'DE');
    INSERT INTO dw.dim_supplier (supplier_id, code, name, country_code, status) VALUES (1, 'SUP-1', 'Acme', 'FR', 'ACTIVE'), (2, 'SUP-2', 'Slowco', 'DE', 'ACTIVE');
    INSERT INTO dw.product_main_supplier (product_id, supplier_id) VALUES (1, 1), (2, 1), (3, 2), (4, 2);
    INSERT INTO dw.dim_sales_rep (sales_rep_id, name) VALUES (${REP_A}, 'Alice Martin'), (${REP_B}, 'Bernd Weber');
    INSERT INTO dw.dim_carrier (carrier_id, code, name) VALUES (1, 'CAR-FAST', 'Speedy Express'), (2, 'CAR-POST', 'United Package');
  `);

  // Sales lines: deterministic, every day × a few customers/products; statuses and kinds vary.
  const days = DAYS;
  const lines: string[] = [];
  let order = 0;
  days.forEach((day, di) => {
    for (let ci = 1; ci <= 4; ci++) {
      if ((di + ci) % 3 === 0) continue;
      order++;
      const status = [3, 4, 2, 4, 5, 1, 3][(di * 4 + ci) % 7]!; // SHIPPED, DELIVERED, CONFIRMED, DELIVERED, CANCELLED, DRAFT, SHIPPED
      const kind = (di + ci) % 5 === 0 ? 2 : 1;
      const nLines = 1 + ((di + ci) % 3);
      for (let ln = 1; ln <= nLines; ln++) {
        const productId = 1 + ((di + ci + ln) % 4);
        const qty = 1 + ((di * 7 + ci * 3 + ln) % 5);
        const price = [12, 80, 20, 30][productId - 1]!;
        const discount = ln === 2 ? 0.1 : 0;
        lines.push(
          `(${order}, ${ln}, '${day}', ${productId}, ${ci}, ${status}, ${kind}, ${qty}, ${price}, ${discount})`,
        );
      }
    }
  });
  await db.pool.query(`
    INSERT INTO dw.fact_sales (order_id, line_no, order_number, order_date_key, product_key, customer_key, geography_key, warehouse_key,
      status_key, kind_key, sales_rep_id, currency, ordered_at, quantity, unit_price, discount, tax_rate, net_amount, tax_amount, gross_amount,
      unit_cost, cost_amount, margin_amount, run_id, carrier_id)
    SELECT v.order_id, v.line_no, 'SO-' || v.order_id, to_char(v.day::date, 'YYYYMMDD')::int, p.product_key, c.customer_key, c.geography_key,
           CASE WHEN c.geography_key = 3 THEN 2 ELSE 1 END, v.status, v.kind, c.sales_rep_id, 'EUR', v.day::timestamptz + interval '10 hours',
           k.sign * v.qty, v.price, v.discount, 0.2,
           k.sign * round(v.qty * v.price * (1 - v.discount), 2), k.sign * round(v.qty * v.price * (1 - v.discount) * 0.2, 2),
           k.sign * round(v.qty * v.price * (1 - v.discount) * 1.2, 2),
           p.unit_cost, round(k.sign * v.qty * p.unit_cost, 2), k.sign * round(v.qty * v.price * (1 - v.discount), 2) - round(k.sign * v.qty * p.unit_cost, 2), 1,
           1 + v.order_id % 2
      FROM (VALUES ${lines.join(',\n')}) AS v(order_id, line_no, day, product_id, customer_id, status, kind, qty, price, discount)
      JOIN dw.dim_product p ON p.product_id = v.product_id AND v.day::timestamptz >= p.valid_from AND v.day::timestamptz < p.valid_to
      JOIN dw.dim_customer c ON c.customer_id = v.customer_id AND v.day::timestamptz >= c.valid_from AND v.day::timestamptz < c.valid_to
      JOIN dw.dim_order_kind k ON k.kind_key = v.kind`);

  // Inventory: snapshots on 30 and 31 March 2025 (the 31st is the latest); one stock-out, low lines.
  await db.pool.query(`
    INSERT INTO dw.fact_inventory_snapshot (snapshot_date_key, product_id, warehouse_id, product_key, warehouse_key, on_hand, reserved, available, reorder_point, is_low, unit_cost, stock_value, run_id)
    SELECT s.dk, p.product_id, w.warehouse_id, p.product_key, w.warehouse_key, s.on_hand, s.reserved, s.on_hand - s.reserved, 10, s.on_hand <= 10, p.unit_cost, s.on_hand * p.unit_cost, 1
      FROM (VALUES (20250330, 1, 1, 50, 5), (20250330, 2, 1, 8, 0), (20250330, 3, 2, 30, 0), (20250330, 4, 2, 3, 0),
                   (20250331, 1, 1, 45, 5), (20250331, 2, 1, 0, 0), (20250331, 3, 2, 30, 2), (20250331, 4, 2, 7, 1), (20250331, 1, 2, 12, 0))
           AS s(dk, product_id, warehouse_id, on_hand, reserved)
      JOIN dw.dim_product p ON p.product_id = s.product_id AND p.is_current
      JOIN dw.dim_warehouse w ON w.warehouse_id = s.warehouse_id;

    INSERT INTO dw.fact_supplier_evaluation (supplier_id, period_start, supplier_key, month_date_key, deliveries, on_time_deliveries, late_deliveries, on_time_rate, quality_score, price_score, run_id)
    SELECT s.supplier_id, v.m::date, s.supplier_key, to_char(v.m::date, 'YYYYMMDD')::int, v.deliveries, v.on_time, v.deliveries - v.on_time,
           round(100.0 * v.on_time / v.deliveries, 2), 4, 4, 1
      FROM (VALUES ${EVALUATED_MONTHS.map(([s, m, d, o]) => `(${s}, '${m}', ${d}, ${o})`).join(', ')})
           AS v(supplier_id, m, deliveries, on_time)
      JOIN dw.dim_supplier s ON s.supplier_id = v.supplier_id;`);
  await db.pool.query(buySide(EVALUATED_MONTHS));
}

/** Supplier × month: deliveries and how many on time (the receipts below; the evaluations above say the same). */
export const EVALUATED_MONTHS: [supplierId: number, month: string, deliveries: number, onTime: number][] = [
  [1, '2024-12-01', 10, 10],
  [1, '2025-01-01', 10, 9],
  [1, '2025-02-01', 10, 10],
  [1, '2025-03-01', 10, 9],
  [2, '2024-12-01', 10, 10],
  [2, '2025-01-01', 10, 6],
  [2, '2025-02-01', 8, 5],
  [2, '2025-03-01', 12, 9],
];

/**
 * The buy side of a supplier month: one purchase order (id = row number) for the supplier's main
 * product into warehouse 1, ordered 10 days before the month, its line `10 × deliveries` units at 5.00,
 * received in `deliveries` receipts on days 1, 2, … of the month (10 units each when on time, 5 when
 * late; expected on the receipt's day when on time, 3 days earlier when late); plus a DRAFT and a
 * CANCELLED order that no purchase figure counts.
 */
function buySide(months: typeof EVALUATED_MONTHS): string {
  const v = months.map(([s, m, d, o], i) => `(${i + 1}, ${s}, '${m}'::date, ${d}, ${o})`).join(', ');
  return `
    WITH v(po, supplier_id, m, deliveries, on_time) AS (VALUES ${v}),
    r AS (SELECT v.*, g, g <= v.on_time AS ok, (v.m + (g - 1))::date AS day FROM v, generate_series(1, v.deliveries) g)
    INSERT INTO dw.fact_purchase_receipt (receipt_id, purchase_order_id, line_no, po_number, receipt_date_key, supplier_key, product_key, warehouse_key,
      received_at, ordered_at, expected_date, quantity, unit_cost, amount, lead_time_days, days_late, is_on_time, run_id)
    SELECT r.po * 100 + r.g, r.po, 1, 'PO-' || r.po, to_char(r.day, 'YYYYMMDD')::int, s.supplier_key, p.product_key, 1,
           r.day + interval '9 hours', r.m - 10, CASE WHEN r.ok THEN r.day ELSE r.day - 3 END, CASE WHEN r.ok THEN 10 ELSE 5 END, 5.00,
           CASE WHEN r.ok THEN 50.00 ELSE 25.00 END, r.day - (r.m - 10), CASE WHEN r.ok THEN 0 ELSE 3 END, r.ok, 1
      FROM r JOIN dw.dim_supplier s ON s.supplier_id = r.supplier_id
      JOIN dw.product_main_supplier pms ON pms.supplier_id = r.supplier_id
      JOIN dw.dim_product p ON p.product_id = pms.product_id AND p.is_current
     WHERE pms.product_id = (SELECT min(product_id) FROM dw.product_main_supplier x WHERE x.supplier_id = r.supplier_id);

    WITH v(po, supplier_id, m, deliveries, on_time, status) AS (VALUES ${months.map(([s, m, d, o], i) => `(${i + 1}, ${s}, '${m}'::date, ${d}, ${o}, '${o === d ? 'RECEIVED' : 'PARTIALLY_RECEIVED'}')`).join(', ')},
                   (${months.length + 1}, ${months[0]![0]}, '${months[months.length - 1]![1]}'::date, 3, 0, 'DRAFT'), (${months.length + 2}, ${months[0]![0]}, '${months[months.length - 1]![1]}'::date, 4, 0, 'CANCELLED'))
    INSERT INTO dw.fact_purchase (purchase_order_id, line_no, po_number, status, order_date_key, supplier_key, product_key, warehouse_key, ordered_at, expected_date,
      ordered_qty, received_qty, unit_cost, ordered_amount, received_amount, run_id)
    SELECT v.po, 1, 'PO-' || v.po, v.status, to_char(v.m - 10, 'YYYYMMDD')::int, s.supplier_key, p.product_key, 1, (v.m - 10) + interval '8 hours', v.m,
           10 * v.deliveries, 10 * v.on_time + 5 * (v.deliveries - v.on_time), 5.00, 50.00 * v.deliveries, 50.00 * v.on_time + 25.00 * (v.deliveries - v.on_time), 1
      FROM v JOIN dw.dim_supplier s ON s.supplier_id = v.supplier_id
      JOIN dw.dim_product p ON p.is_current AND p.product_id = (SELECT min(product_id) FROM dw.product_main_supplier x WHERE x.supplier_id = v.supplier_id);`;
}
