import type pg from 'pg';
import { migrateDwh } from '@erp/dwh-schema';
import { testDatabase, type TestDatabase } from '@erp/kit/test/db';

/**
 * A small hand-made star for the AI tests: 2 categories, 2 countries, 6 customers, 3 products, one
 * warehouse, sales from January to October 2026 (a steady trend, then October with a big order of
 * customer CUST-001, a return and a cancelled order that must not count), an inventory snapshot on
 * 2026-10-31 (SKU-A nearly out), supplier evaluations (SUP-1 late over Aug–Oct) and staged supplies.
 */
export const CUSTOMERS = [
  { id: 101, code: 'CUST-001', name: 'Dupont Quincaillerie SARL', geo: 'FR' },
  { id: 102, code: 'CUST-002', name: 'Müller Werkzeuge GmbH', geo: 'DE' },
  { id: 103, code: 'CUST-003', name: 'Martin Bricolage', geo: 'FR' },
  { id: 104, code: 'CUST-004', name: 'Schmidt Baumarkt', geo: 'DE' },
  { id: 105, code: 'CUST-005', name: 'Leroy Outillage', geo: 'FR' },
  { id: 106, code: 'CUST-006', name: 'Bernard Peintures', geo: 'FR' },
] as const;

export const PRODUCTS = [
  { id: 1, sku: 'SKU-A', name: 'Marteau 500 g', cat: 'TOOLS', price: 20, cost: 12 },
  { id: 2, sku: 'SKU-B', name: 'Tournevis plat', cat: 'TOOLS', price: 8, cost: 4 },
  { id: 3, sku: 'SKU-C', name: 'Peinture blanche 10 L', cat: 'PAINT', price: 60, cost: 40 },
] as const;

export interface Star extends TestDatabase {
  addOrder(o: {
    id: number;
    date: string;
    customer: number;
    lines: { product: number; qty: number; price?: number }[];
    status?: string;
    kind?: 'SALE' | 'RETURN';
  }): Promise<void>;
}

/** Runs one SQL statement on the star's database, as its owner. */
type Query = (text: string, values?: unknown[]) => Promise<pg.QueryResult>;

export async function buildStar(): Promise<Star> {
  const db = await testDatabase({ migrated: false });
  await migrateDwh(db.url);
  const q: Query = (text, values = []) => db.pool.query(text, values);
  await addDimensions(q);
  await addSupplies(q);
  const addOrder = orderWriter(q);
  await addMonthlySales(addOrder);
  await addOctoberEvents(addOrder);
  await addInventory(q);
  await addSupplierEvaluations(q);
  await addPurchaseReceipts(q);
  return { ...db, addOrder };
}

/** Categories, geography, customers, products, the warehouse and the suppliers. */
async function addDimensions(q: Query): Promise<void> {
  await q(`INSERT INTO dw.dim_category (category_id, code, name, root_code, root_name, level) VALUES
    (1, 'TOOLS', 'Outillage', 'TOOLS', 'Outillage', 1), (2, 'PAINT', 'Peinture', 'PAINT', 'Peinture', 1)`);
  await q(`INSERT INTO dw.dim_geography (geography_key, city_id, city, region_id, region, country_code, country_name) VALUES
    (1, 1, 'Paris', 1, 'Île-de-France', 'FR', 'France'), (2, 2, 'Berlin', 2, 'Berlin', 'DE', 'Germany')`);
  for (const c of CUSTOMERS)
    await q(
      `INSERT INTO dw.dim_customer (customer_id, version, code, name, segment, status, geography_key, valid_from) VALUES ($1, 1, $2, $3, 'RETAIL', 'ACTIVE', $4, '-infinity')`,
      [c.id, c.code, c.name, c.geo === 'FR' ? 1 : 2],
    );
  for (const p of PRODUCTS)
    await q(
      `INSERT INTO dw.dim_product (product_id, version, sku, name, category_key, category_id, category_code, category_name, list_price, unit_cost, status, valid_from)
       SELECT $1, 1, $2, $3, category_key, category_id, code, name, $4, $5, 'ACTIVE', '-infinity' FROM dw.dim_category WHERE code = $6`,
      [p.id, p.sku, p.name, p.price, p.cost, p.cat],
    );
  await q(
    `INSERT INTO dw.dim_warehouse (warehouse_id, code, name, city, country_code) VALUES (1, 'WH1', 'Entrepôt Lyon', 'Lyon', 'FR')`,
  );
  await q(`INSERT INTO dw.dim_supplier (supplier_id, code, name, country_code, status, products_supplied, avg_lead_time_days) VALUES
    (11, 'SUP-1', 'Acier Fournitures', 'FR', 'ACTIVE', 1, 10), (12, 'SUP-2', 'Visserie Nord', 'FR', 'ACTIVE', 1, 20)`);
}

/** The suppliers' supplies as staged from the ERP, and the main supplier the ETL derives from them. */
async function addSupplies(q: Query): Promise<void> {
  await q(
    `INSERT INTO staging.suppliers (supplier_id, payload, checksum, source_updated_at, run_id) VALUES
    (11, $1, repeat('a', 32), now(), 1), (12, $2, repeat('b', 32), now(), 1)`,
    [
      JSON.stringify({
        id: '11',
        supplies: [
          { product: { id: '1' }, leadTimeDays: 10, unitCost: 12, minOrderQuantity: 50, isPreferred: true },
        ],
      }),
      JSON.stringify({
        id: '12',
        supplies: [
          { product: { id: '2' }, leadTimeDays: null, unitCost: 4, minOrderQuantity: 1, isPreferred: true },
        ],
      }),
    ],
  );
  // What the ETL derives from those supplies (etl: mainSuppliers): SUP-2's supply has no lead time, so its average.
  await q(`INSERT INTO dw.product_main_supplier (product_id, supplier_id, lead_time_days, lead_time_source, min_order_quantity) VALUES
    (1, 11, 10, 'supply', 50), (2, 12, 20, 'supplier average', 1)`);
}

/** Writes an order's lines into the sales fact (a return's quantities and amounts negative). */
function orderWriter(q: Query): Star['addOrder'] {
  const key = async (sql: string, v: unknown) => Number((await q(sql, [v])).rows[0].k);
  return async (o) => {
    const cust = CUSTOMERS.find((c) => c.id === o.customer)!;
    const ck = await key('SELECT customer_key AS k FROM dw.dim_customer WHERE customer_id = $1', o.customer);
    const status = o.status ?? 'DELIVERED';
    const kind = o.kind ?? 'SALE';
    const sign = kind === 'RETURN' ? -1 : 1;
    let line = 0;
    for (const l of o.lines) {
      const p = PRODUCTS.find((x) => x.id === l.product)!;
      const pk = await key('SELECT product_key AS k FROM dw.dim_product WHERE product_id = $1', l.product);
      const price = l.price ?? p.price;
      const net = sign * l.qty * price;
      const cost = sign * l.qty * p.cost;
      await q(
        `INSERT INTO dw.fact_sales (order_id, line_no, order_number, order_date_key, product_key, customer_key, geography_key, warehouse_key, status_key, kind_key,
           currency, ordered_at, quantity, unit_price, discount, tax_rate, net_amount, tax_amount, gross_amount, unit_cost, cost_amount, margin_amount, run_id)
         VALUES ($1, $2, $3, to_char($4::date, 'YYYYMMDD')::int, $5, $6, $7, 1, (SELECT status_key FROM dw.dim_order_status WHERE status = $8),
           (SELECT kind_key FROM dw.dim_order_kind WHERE kind = $9), 'EUR', $4::date, $10, $11, 0, 0.2, $12, $13, $14, $15, $16, $17, 1)`,
        [
          o.id,
          ++line,
          `SO-${o.id}`,
          o.date,
          pk,
          ck,
          cust.geo === 'FR' ? 1 : 2,
          status,
          kind,
          sign * l.qty,
          price,
          net,
          net * 0.2,
          net * 1.2,
          p.cost,
          cost,
          net - cost,
        ],
      );
    }
  };
}

/** January–October 2026: every customer orders monthly, amounts growing slowly and smoothly. */
async function addMonthlySales(addOrder: Star['addOrder']): Promise<void> {
  let id = 1000;
  for (let m = 1; m <= 10; m++) {
    const month = String(m).padStart(2, '0');
    for (const [i, c] of CUSTOMERS.entries()) {
      await addOrder({
        id: ++id,
        date: `2026-${month}-${String(5 + i).padStart(2, '0')}`,
        customer: c.id,
        lines: [
          { product: 1, qty: 10 + m },
          { product: 2, qty: 20 },
          { product: 3, qty: 5 + i },
        ],
      });
    }
  }
}

/** October: a big order of CUST-001, a return of CUST-003, a cancelled and a draft order that never count. */
async function addOctoberEvents(addOrder: Star['addOrder']): Promise<void> {
  // One line each: order id, day, customer, product, quantity, and what makes the order unusual.
  type Unusual = Pick<Parameters<Star['addOrder']>[0], 'kind' | 'status'>;
  const oneLine = (
    id: number,
    day: string,
    customer: number,
    product: number,
    qty: number,
    extra: Unusual = {},
  ) => addOrder({ id, date: `2026-10-${day}`, customer, lines: [{ product, qty }], ...extra });
  await oneLine(5001, '20', 101, 3, 800);
  await oneLine(5002, '21', 103, 2, 30, { kind: 'RETURN' });
  await oneLine(5003, '22', 104, 3, 999, { status: 'CANCELLED' });
  await oneLine(5004, '23', 105, 3, 999, { status: 'DRAFT' });
}

/** Inventory on 2026-10-31: SKU-A nearly out, SKU-B short, SKU-C plenty. */
async function addInventory(q: Query): Promise<void> {
  const inv = [
    [1, 5, 0, 20],
    [2, 40, 10, 50],
    [3, 100000, 0, 100],
  ];
  for (const [pid, onHand, reserved, rop] of inv)
    await q(
      `INSERT INTO dw.fact_inventory_snapshot (snapshot_date_key, product_id, warehouse_id, product_key, warehouse_key, on_hand, reserved, available, reorder_point, is_low, unit_cost, stock_value, run_id)
       SELECT 20261031, p.product_id, 1, p.product_key, 1, $2::int, $3::int, $2::int - $3::int, $4::int, $2::int <= $4::int, p.unit_cost, p.unit_cost * $2::int, 1 FROM dw.dim_product p WHERE p.product_id = $1`,
      [pid, onHand, reserved, rop],
    );
}

/** Supplier evaluations May–October: SUP-1 on time 100 % then 60 %; SUP-2 steady at 90 %. */
async function addSupplierEvaluations(q: Query): Promise<void> {
  for (let m = 5; m <= 10; m++) {
    const start = `2026-${String(m).padStart(2, '0')}-01`;
    for (const [sid, ot] of [
      [11, m <= 7 ? 10 : 6],
      [12, 9],
    ])
      await q(
        `INSERT INTO dw.fact_supplier_evaluation (supplier_id, period_start, supplier_key, month_date_key, deliveries, on_time_deliveries, late_deliveries, on_time_rate, quality_score, price_score, run_id)
         SELECT $1, $2::date, supplier_key, to_char($2::date, 'YYYYMMDD')::int, 10, $3::int, 10 - $3::int, $3::int * 10, 90, 80, 1 FROM dw.dim_supplier WHERE supplier_id = $1`,
        [sid, start, ot],
      );
  }
}

/**
 * The same deliveries as receipts (what the on-time rate is measured on): per supplier month, 10
 * receipts of its product on days 1…10, the first `on time` ones on their expected day, the others
 * 4 days late.
 */
async function addPurchaseReceipts(q: Query): Promise<void> {
  for (let m = 5; m <= 10; m++) {
    const start = `2026-${String(m).padStart(2, '0')}-01`;
    for (const [sid, pid, ot] of [
      [11, 1, m <= 7 ? 10 : 6],
      [12, 2, 9],
    ])
      await q(
        `INSERT INTO dw.fact_purchase_receipt (receipt_id, purchase_order_id, line_no, po_number, receipt_date_key, supplier_key, product_key, warehouse_key,
           received_at, ordered_at, expected_date, quantity, unit_cost, amount, lead_time_days, days_late, is_on_time, run_id)
         SELECT $1::int * 1000 + $4::int * 10 + g, $1::int * 100 + $4::int, 1, 'PO-' || $1 || '-' || $4, to_char(day, 'YYYYMMDD')::int, s.supplier_key, p.product_key, 1,
                day + interval '9 hours', $2::date - 12, CASE WHEN g <= $3::int THEN day ELSE day - 4 END, 20, p.unit_cost, 20 * p.unit_cost,
                day - ($2::date - 12), CASE WHEN g <= $3::int THEN 0 ELSE 4 END, g <= $3::int, 1
           FROM generate_series(1, 10) g, LATERAL (SELECT ($2::date + g - 1) AS day) d, dw.dim_supplier s, dw.dim_product p
          WHERE s.supplier_id = $1 AND p.product_id = $5`,
        [sid, start, ot, m, pid],
      );
  }
}

/** Adds mining tables in the shape the engine discovers (two RFM runs, anomalies). */
/** Two successful mining runs in mining's own tables: segments before and after, and the second run's anomaly. */
export async function addMining(pool: pg.Pool): Promise<void> {
  const runs = await pool.query<{ run_id: string }>(
    `INSERT INTO mining.runs (status, parameters) VALUES ('SUCCEEDED', '{}'), ('SUCCEEDED', '{}') RETURNING run_id`,
  );
  const [first, second] = runs.rows.map((r) => Number(r.run_id));
  const before = ['Champions', 'Loyal', 'Loyal', 'Potential Loyalist', 'Need Attention', 'Lost'];
  const after = ['Champions', 'At Risk', 'Loyal', 'Cannot Lose', 'Hibernating', 'Lost'];
  for (const [i, c] of CUSTOMERS.entries()) {
    await pool.query(
      `INSERT INTO mining.rfm (run_id, customer_id, last_purchase, recency_days, frequency, monetary, r_score, f_score, m_score, rfm_cell, segment)
       VALUES ($1, $3, '2026-10-01', 30, 1, 0, 1, 1, 1, '111', $4), ($2, $3, '2026-10-01', 30, 1, 0, 1, 1, 1, '111', $5)`,
      [first, second, c.id, before[i], after[i]],
    );
  }
  await pool.query(
    `INSERT INTO mining.anomalies (run_id, rank, order_id, order_number, customer_id, score, features, reasons, explanation)
     VALUES ($2, 1, 1056, 'SO-1056', 1, 0.71, '{}', '[]', ''), ($1, 1, 1001, 'SO-1001', 1, 0.9, '{}', '[]', '')`,
    [first, second],
  );
}

/** Mining's results gone again (its tables stay: they are the warehouse's). */
export async function dropMining(pool: pg.Pool): Promise<void> {
  await pool.query('DELETE FROM mining.runs');
}
