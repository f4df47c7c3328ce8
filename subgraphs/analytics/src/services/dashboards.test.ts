import { identity } from '@erp/kit/test/graphql';
import { DASHBOARD, type Answer, client } from '../test/helpers';
import { starUnderTest, REP_A } from '../test/star';
import { createPool } from '@erp/kit';
import { dashboard as dashboardOf } from './dashboards';

/** Every tile of every dashboard equals an independent SQL computation on the hand-made star. */
// tiles may be answered by the rollup: same figures
const star = starUnderTest({ rollups: true });
const api = client(star);
const PERIOD = { from: '2025-01-01', to: '2025-03-31' };

interface Tile {
  id: string;
  kind: string;
  query: string;
  result: Answer;
  error: { code: string; message: string } | null;
}
async function dashboard(kind: string, who = identity('ADMIN', 1)): Promise<Record<string, Tile>> {
  const r = await api.run<{ dashboard: { tiles: Tile[] } }>(who, DASHBOARD, { kind, period: PERIOD });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return Object.fromEntries(r.data!.dashboard.tiles.map((t) => [t.id, t]));
}

const SALES = `FROM dw.fact_sales f JOIN dw.dim_date d ON d.date_key = f.order_date_key
  JOIN dw.dim_product p ON p.product_key = f.product_key LEFT JOIN dw.dim_category cat ON cat.category_key = p.category_key
  JOIN dw.dim_customer c ON c.customer_key = f.customer_key JOIN dw.dim_geography g ON g.geography_key = f.geography_key
  JOIN dw.dim_order_status s ON s.status_key = f.status_key JOIN dw.dim_order_kind k ON k.kind_key = f.kind_key`;
const BOOKED = `s.status IN ('CONFIRMED', 'SHIPPED', 'DELIVERED')`;
// Orders and buying customers count booked SALE orders (the semantic model's scopes).
const ORD = `COUNT(DISTINCT f.order_id) FILTER (WHERE k.kind = 'SALE')`;
const CUST = `COUNT(DISTINCT c.customer_id) FILTER (WHERE k.kind = 'SALE')`;
const IN_P = `d.full_date BETWEEN '2025-01-01' AND '2025-03-31'`;
const YEAR_AGO = `d.full_date BETWEEN '2024-01-01' AND '2024-03-31'`;
/** The supplier on-time rate as the model defines it: receipts on or before their expected date over receipts. */
const ON_TIME = `round(100.0 * COUNT(*) FILTER (WHERE rc.is_on_time) / COUNT(*), 2)`;
const RECEIPTS = `FROM dw.fact_purchase_receipt rc JOIN dw.dim_supplier s ON s.supplier_key = rc.supplier_key JOIN dw.dim_date d ON d.date_key = rc.receipt_date_key`;
const MARGIN_PCT = `round(100 * SUM(f.net_amount - f.cost_amount) / NULLIF(SUM(f.net_amount) FILTER (WHERE f.cost_amount IS NOT NULL), 0), 2)::text`;

async function sql(text: string): Promise<string[][]> {
  const { rows } = await star.db.pool.query({ text, rowMode: 'array' });
  return rows as string[][];
}
const rowsOf = (t: Tile) =>
  t.result.rows.map((r) => [r.members.map((m) => m.key).join('/'), ...r.values.map((v) => v.value)]);
const totalsOf = (t: Tile) => t.result.totals.map((v) => v.value);
const comparedOf = (t: Tile) => t.result.totals.map((v) => v.compared);

test('strategic: revenue, margin, growth year on year, top categories and countries, segment mix', async () => {
  const t = await dashboard('STRATEGIC');
  expect(Object.keys(t)).toEqual([
    'revenue',
    'margin',
    'growth',
    'topCategories',
    'topCountries',
    'segmentMix',
  ]);
  expect(JSON.parse(t.revenue!.query)).toMatchObject({ measures: ['revenue'], compare: 'YEAR_AGO' });
  const [[rev, margin, pct]] = (await sql(
    `SELECT SUM(f.net_amount)::text, SUM(f.net_amount - f.cost_amount)::text, ${MARGIN_PCT} ${SALES} WHERE ${BOOKED} AND ${IN_P}`,
  )) as [string[]];
  const [[rev0, margin0, pct0]] = (await sql(
    `SELECT SUM(f.net_amount)::text, SUM(f.net_amount - f.cost_amount)::text, ${MARGIN_PCT} ${SALES} WHERE ${BOOKED} AND ${YEAR_AGO}`,
  )) as [string[]];
  expect([totalsOf(t.revenue!), comparedOf(t.revenue!)]).toEqual([[rev], [rev0]]);
  expect(t.revenue!.result.totals[0]!.deltaPct).toBe(
    ((100 * (Number(rev) - Number(rev0))) / Math.abs(Number(rev0))).toFixed(2),
  );
  expect([totalsOf(t.margin!), comparedOf(t.margin!)]).toEqual([
    [margin, pct],
    [margin0, pct0],
  ]);
  const growth = await sql(
    `SELECT cur.m, cur.v, prev.v FROM (SELECT d.year_month AS m, SUM(f.net_amount)::text AS v ${SALES} WHERE ${BOOKED} AND ${IN_P} GROUP BY 1) cur
       LEFT JOIN (SELECT to_char(d.full_date + interval '1 year', 'YYYY-MM') AS m, SUM(f.net_amount)::text AS v ${SALES} WHERE ${BOOKED} AND ${YEAR_AGO} GROUP BY 1) prev USING (m) ORDER BY 1`,
  );
  expect(
    t.growth!.result.rows.map((r) => [r.members[0]!.key, r.values[0]!.value, r.values[0]!.compared]),
  ).toEqual(growth);
  expect(rowsOf(t.topCategories!)).toEqual(
    await sql(
      `SELECT cat.code, SUM(f.net_amount)::text, SUM(f.net_amount - f.cost_amount)::text ${SALES} WHERE ${BOOKED} AND ${IN_P} GROUP BY 1 ORDER BY SUM(f.net_amount) DESC, 1 LIMIT 5`,
    ),
  );
  expect(rowsOf(t.topCountries!)).toEqual(
    await sql(
      `SELECT g.country_code, SUM(f.net_amount)::text, ${CUST}::text ${SALES} WHERE ${BOOKED} AND ${IN_P} GROUP BY 1 ORDER BY SUM(f.net_amount) DESC, 1 LIMIT 5`,
    ),
  );
  expect(rowsOf(t.segmentMix!)).toEqual(
    await sql(
      `SELECT c.segment, SUM(f.net_amount)::text, ${ORD}::text ${SALES} WHERE ${BOOKED} AND ${IN_P} GROUP BY 1 ORDER BY SUM(f.net_amount) DESC, 1`,
    ),
  );
  // every strategic tile is answered by a rollup (the smallest that can: it depends on the data), and
  // the figures above are the facts'
  expect(Object.values(t).map((x) => x.result.source)).toEqual(Array(6).fill('ROLLUP'));
  expect([t.topCountries!.result.rollup, t.segmentMix!.result.rollup]).toEqual([
    'sales_customer_month',
    'sales_segment_month',
  ]);
});

test('tactical: month × category and region, best and worst products, supplier performance', async () => {
  const t = await dashboard('TACTICAL');
  expect(rowsOf(t.monthByCategory!)).toEqual(
    await sql(
      `SELECT d.year_month || '/' || cat.code, SUM(f.net_amount)::text, SUM(f.quantity)::text ${SALES} WHERE ${BOOKED} AND ${IN_P} GROUP BY d.year_month, cat.code ORDER BY d.year_month, cat.code`,
    ),
  );
  expect(t.monthByCategory!.result.pivot!.rowHeaders.map((h) => h[0]!.key)).toEqual([
    '2025-01',
    '2025-02',
    '2025-03',
  ]);
  expect(rowsOf(t.monthByRegion!)).toEqual(
    await sql(
      `SELECT d.year_month || '/' || g.region, SUM(f.net_amount)::text ${SALES} WHERE ${BOOKED} AND ${IN_P} GROUP BY d.year_month, g.region ORDER BY d.year_month, g.region`,
    ),
  );
  const products = (dir: string) =>
    sql(
      `SELECT p.sku, SUM(f.net_amount)::text, SUM(f.quantity)::text, SUM(f.net_amount - f.cost_amount)::text ${SALES} WHERE ${BOOKED} AND ${IN_P} GROUP BY 1 ORDER BY SUM(f.net_amount) ${dir}, 1 LIMIT 10`,
    );
  expect(rowsOf(t.bestProducts!)).toEqual(await products('DESC'));
  expect(rowsOf(t.worstProducts!)).toEqual(await products('ASC'));
  expect(Object.values(t).map((x) => `${x.id}:${x.result.source}`)).toEqual([
    'monthByCategory:ROLLUP',
    'monthByRegion:ROLLUP',
    'bestProducts:ROLLUP',
    'worstProducts:ROLLUP',
    'supplierPerformance:FACT',
    'purchasing:FACT',
  ]);
  expect(rowsOf(t.supplierPerformance!)).toEqual(
    await sql(`SELECT s.code, ${ON_TIME}::text, COUNT(*)::text ${RECEIPTS}
                WHERE ${IN_P} GROUP BY 1 ORDER BY ${ON_TIME} ASC, 1`),
  );
  // Purchases: orders sent, partly received or received (the star's DRAFT and CANCELLED orders never count), by supplier.
  expect(rowsOf(t.purchasing!)).toEqual(
    await sql(`SELECT s.code, SUM(po.ordered_amount)::text, SUM(po.ordered_qty)::text, round(100.0 * SUM(LEAST(po.received_qty, po.ordered_qty)) / SUM(po.ordered_qty), 2)::text
                 FROM dw.fact_purchase po JOIN dw.dim_supplier s ON s.supplier_key = po.supplier_key JOIN dw.dim_date d ON d.date_key = po.order_date_key
                WHERE ${IN_P} AND po.status IN ('SENT', 'PARTIALLY_RECEIVED', 'RECEIVED')
                GROUP BY 1 ORDER BY SUM(po.ordered_amount) DESC, 1`),
  );
  expect(rowsOf(t.purchasing!).length).toBeGreaterThan(0);
});

test('operational: last day orders, pending shipments, low stock and stock-outs, late suppliers', async () => {
  const t = await dashboard('OPERATIONAL');
  expect(totalsOf(t.lastDayOrders!)).toEqual(
    (
      await sql(
        `SELECT ${ORD}::text, SUM(f.net_amount)::text, SUM(f.quantity)::text ${SALES} WHERE ${BOOKED} AND d.full_date = '2025-03-31'`,
      )
    )[0],
  );
  expect(t.pendingShipments!.result.source).toBe('ROLLUP');
  expect(totalsOf(t.pendingShipments!)).toEqual(
    (
      await sql(
        `SELECT COUNT(DISTINCT f.order_id)::text, SUM(f.quantity)::text, SUM(f.net_amount)::text ${SALES} WHERE s.status = 'CONFIRMED' AND k.kind = 'SALE'`,
      )
    )[0],
  );
  const stock = (cond: string, order: string) =>
    sql(`SELECT p.sku || '/' || w.code, i.on_hand::text, i.reorder_point::text FROM dw.fact_inventory_snapshot i JOIN dw.dim_product p ON p.product_key = i.product_key
           JOIN dw.dim_warehouse w ON w.warehouse_key = i.warehouse_key
          WHERE i.snapshot_date_key = (SELECT max(snapshot_date_key) FROM dw.fact_inventory_snapshot) AND ${cond} ORDER BY ${order}`);
  const low = await stock('i.is_low AND i.on_hand > 0', 'i.on_hand, p.sku, w.code');
  const out = await stock('i.on_hand = 0', 'p.sku, w.code');
  expect(low.length).toBeGreaterThan(0);
  expect(out.length).toBeGreaterThan(0);
  expect(rowsOf(t.lowStock!)).toEqual(low);
  expect(rowsOf(t.stockOut!)).toEqual(out);
  const late = await sql(
    `SELECT s.code, ${ON_TIME}::text, COUNT(*)::text ${RECEIPTS}
      WHERE d.full_date BETWEEN '2025-01-01' AND '2025-03-31' GROUP BY 1 HAVING ${ON_TIME} < 90 ORDER BY ${ON_TIME}, 1`,
  );
  expect(late).toEqual([['SUP-2', expect.any(String), '30']]);
  expect(rowsOf(t.lateSuppliers!)).toEqual(late);
});

test("a SALES user's dashboard covers their customers only, without supplier tiles", async () => {
  const t = await dashboard('STRATEGIC', identity('SALES', REP_A));
  const mine = `c.customer_id IN (SELECT customer_id FROM dw.dim_customer WHERE is_current AND sales_rep_id = ${REP_A})`;
  expect(totalsOf(t.revenue!)).toEqual(
    (await sql(`SELECT SUM(f.net_amount)::text ${SALES} WHERE ${BOOKED} AND ${IN_P} AND ${mine}`))[0],
  );
  // the customer rollup keeps the customer, so the same row-level filter applies to it
  expect([t.revenue!.result.source, t.revenue!.result.rollup]).toEqual(['ROLLUP', 'sales_customer_month']);
  expect(rowsOf(t.topCountries!).map((r) => r[0])).toEqual(['FR']);
  const tactical = await dashboard('TACTICAL', identity('SALES', REP_A));
  expect(Object.keys(tactical)).not.toContain('supplierPerformance');
  expect(Object.keys(tactical)).not.toContain('purchasing');
});

test('a tile that fails comes back with its error, and the other tiles are answered', async () => {
  // the receipts (the supplier tile's fact) are locked by another transaction: the supplier tile runs past the statement timeout
  const locker = await star.db.pool.connect();
  const pool = createPool(star.db.url, { statementTimeout: 1000 });
  try {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE dw.fact_purchase_receipt IN ACCESS EXCLUSIVE MODE');
    const d = await dashboardOf(pool, 'TACTICAL', PERIOD, { role: 'ADMIN', userId: 1 });
    const byId = Object.fromEntries(d.tiles.map((x) => [x.id, x]));
    expect(byId.supplierPerformance!.result).toBeNull();
    expect(byId.supplierPerformance!.error).toEqual({
      code: 'TIMEOUT',
      message: expect.stringMatching(/time limit/),
    });
    for (const id of ['monthByCategory', 'monthByRegion', 'bestProducts', 'worstProducts', 'purchasing']) {
      expect([id, byId[id]!.error, byId[id]!.result!.rows.length > 0]).toEqual([id, null, true]);
    }
  } finally {
    await locker.query('ROLLBACK');
    locker.release();
    await pool.end();
  }
  // through the API, an unexpected failure is INTERNAL, with no SQL or stack in the message
  await star.db.pool.query('ALTER TABLE dw.fact_purchase_receipt RENAME TO fact_purchase_receipt_away');
  try {
    const t = await dashboard('TACTICAL');
    expect(t.supplierPerformance!.result).toBeNull();
    expect(t.supplierPerformance!.error).toEqual({
      code: 'INTERNAL',
      message: 'This tile could not be computed (logged on the server).',
    });
    expect(t.bestProducts!.error).toBeNull();
    expect(rowsOf(t.bestProducts!).length).toBeGreaterThan(0);
  } finally {
    await star.db.pool.query('ALTER TABLE dw.fact_purchase_receipt_away RENAME TO fact_purchase_receipt');
  }
});
