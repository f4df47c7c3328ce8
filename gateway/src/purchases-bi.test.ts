import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { generate, importDirectory } from '@erp/data';
import { runEtl, type RunResult } from '@erp/etl';
import { PASSWORD, startTestSystem, type TestSystem } from './test-system';

/**
 * The buy side in the warehouse, through the API only: purchase orders placed, sent and received
 * through the gateway (PURCHASING sends, WAREHOUSE receives), loaded by the ETL into fact_purchase and
 * fact_purchase_receipt exactly once (a rerun writes nothing; a new receipt adds one row, not two) and
 * reconciled with the purchasing totals of the API; then the supplier on-time rate — measured on the
 * receipts — is one figure: the explorer (olap), the tactical dashboard tile, the chat and the ERP's
 * own Supplier.performance give the same value, equal to the receipts in the OLTP.
 */
jest.setTimeout(240_000);

let sys: TestSystem;
let dir: string;
let purchasing: string;
let warehouse: string;
let manager: string;

const etl = (): Promise<RunResult> =>
  runEtl({
    gatewayUrl: sys.system.gatewayUrl,
    credentials: { email: sys.services.ETL_SERVICE.email, password: PASSWORD },
    dwhUrl: sys.dwh.url,
  });
const rows = async (pool: pg.Pool, sql: string, params: unknown[] = []) =>
  (await pool.query({ text: sql, values: params, rowMode: 'array' })).rows as unknown[][];
async function ok<T>(query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const r = await sys.gql<T>(query, variables, token);
  expect(r.body.errors ?? []).toEqual([]);
  return r.body.data!;
}

const YEAR = new Date().toISOString().slice(0, 4);
const THIS_YEAR = { from: `${YEAR}-01-01`, to: `${YEAR}-12-31` };
const PO = `id number status lines { id lineNo quantity receivedQuantity openQuantity } receipts { id onTime }`;
interface Po {
  id: string;
  number: string;
  status: string;
  lines: { id: string; lineNo: number; quantity: number; receivedQuantity: number; openQuantity: number }[];
  receipts: { id: string; onTime: boolean }[];
}

beforeAll(async () => {
  sys = await startTestSystem();
  dir = mkdtempSync(path.join(tmpdir(), 'purchases-bi-'));
  // Sales over the three months before this one: the data's as-of date (the last day with sales) is
  // in this year, so "in <this year>" is a period the chat answers, with the receipts made today.
  const now = new Date();
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 3, 1)).toISOString().slice(0, 10);
  await generate({ scale: 0.01, seed: 11, out: dir, start, months: 3, gzip: true, quiet: true });
  const summary = await importDirectory({ pool: sys.db.pool, dir, quiet: true });
  if (summary.status !== 'committed')
    throw new Error(`import failed: ${JSON.stringify(summary.issues.slice(0, 5))}`);
  [purchasing, warehouse, manager] = await Promise.all([
    sys.login('PURCHASING'),
    sys.login('WAREHOUSE'),
    sys.login('MANAGER'),
  ]);
});

afterAll(async () => {
  await sys?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Two suppliers with two supplied products each, and a warehouse. */
async function pick() {
  const supplies = await sys.db.pool.query<{ supplier_id: number; product_id: number }>(
    `SELECT supplier_id, product_id FROM (SELECT ps.supplier_id, ps.product_id, row_number() OVER (PARTITION BY ps.supplier_id ORDER BY ps.product_id) AS n,
            count(*) OVER (PARTITION BY ps.supplier_id) AS c
       FROM suppliers.product_supplies ps JOIN suppliers.suppliers s ON s.id = ps.supplier_id JOIN catalog.products p ON p.id = ps.product_id
      WHERE s.status = 'ACTIVE' AND p.status = 'ACTIVE') x
      WHERE c >= 2 AND n <= 2 ORDER BY supplier_id, product_id LIMIT 4`,
  );
  const wh = await sys.db.pool.query<{ id: number }>(
    `SELECT id FROM inventory.warehouses ORDER BY id LIMIT 1`,
  );
  const [a1, a2, b1] = supplies.rows;
  expect(supplies.rows.map((r) => r.supplier_id)).toEqual([
    a1!.supplier_id,
    a1!.supplier_id,
    b1!.supplier_id,
    b1!.supplier_id,
  ]);
  return {
    a: a1!.supplier_id,
    b: b1!.supplier_id,
    products: { a1: a1!.product_id, a2: a2!.product_id, b1: b1!.product_id },
    warehouseId: wh.rows[0]!.id,
  };
}

let poA: Po;
let poB: Po;
let suppliersUsed: { a: number; b: number };

test('purchase orders sent and received through the API reach the purchase facts exactly once, reconciled', async () => {
  const p = await pick();
  suppliersUsed = { a: p.a, b: p.b };
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const create = (
    supplierId: number,
    lines: { productId: number; quantity: number; unitCost: string; expectedDate: string }[],
  ) =>
    ok<{ createPurchaseOrder: Po }>(
      `mutation($in: CreatePurchaseOrderInput!) { createPurchaseOrder(input: $in) { ${PO} } }`,
      {
        in: {
          supplierId: String(supplierId),
          warehouseId: String(p.warehouseId),
          lines: lines.map((l) => ({ ...l, productId: String(l.productId) })),
        },
      },
      purchasing,
    ).then((d) => d.createPurchaseOrder);
  // Supplier A: one line due tomorrow (on time), one due long ago (late); supplier B: one line due long ago (late).
  poA = await create(p.a, [
    { productId: p.products.a1, quantity: 10, unitCost: '2.5000', expectedDate: tomorrow },
    { productId: p.products.a2, quantity: 8, unitCost: '4.1250', expectedDate: '2020-01-01' },
  ]);
  poB = await create(p.b, [
    { productId: p.products.b1, quantity: 5, unitCost: '10.0000', expectedDate: '2020-01-01' },
  ]);
  for (const po of [poA, poB])
    expect(
      (
        await ok<{ sendPurchaseOrder: Po }>(
          `mutation($id: ID!) { sendPurchaseOrder(id: $id) { ${PO} } }`,
          { id: po.id },
          purchasing,
        )
      ).sendPurchaseOrder.status,
    ).toBe('SENT');
  const receive = (po: Po, lines: { lineId: string; quantity: number }[]) =>
    ok<{ receivePurchaseOrder: Po }>(
      `mutation($id: ID!, $in: ReceivePurchaseOrderInput!) { receivePurchaseOrder(id: $id, input: $in) { ${PO} } }`,
      { id: po.id, in: { lines } },
      warehouse,
    ).then((d) => d.receivePurchaseOrder);
  poA = await receive(poA, [
    { lineId: poA.lines[0]!.id, quantity: 10 },
    { lineId: poA.lines[1]!.id, quantity: 3 },
  ]);
  expect(poA.status).toBe('PARTIALLY_RECEIVED');
  poB = await receive(poB, [{ lineId: poB.lines[0]!.id, quantity: 5 }]);
  expect(poB.status).toBe('RECEIVED');

  const r = await etl();
  expect(r.message).toMatch(/SUCCEEDED/);
  expect(r.entities.find((e) => e.entity === 'purchaseOrders')).toMatchObject({ status: 'SUCCEEDED' });
  const measures = r.reconciliation!.checks.map((c) => c.measure);
  expect(measures).toEqual(
    expect.arrayContaining([
      'purchase orders',
      'purchase order lines',
      'purchase value',
      'receipts',
      'units received',
      'receipts on time',
      'purchase orders SENT',
    ]),
  );
  expect(r.reconciliation!.checks.filter((c) => !c.ok)).toEqual([]);

  // Every OLTP line and receipt, once, with its figures.
  const oltpLines = await rows(
    sys.db.pool,
    `SELECT po.id, l.line_no, po.status::text, l.quantity, l.received_quantity, round(l.quantity * l.unit_cost, 2)::text
       FROM suppliers.purchase_orders po JOIN suppliers.purchase_order_lines l ON l.purchase_order_id = po.id ORDER BY 1, 2`,
  );
  const dwLines = await rows(
    sys.dwh.pool,
    `SELECT purchase_order_id, line_no, status, ordered_qty, received_qty, ordered_amount::text FROM dw.fact_purchase ORDER BY 1, 2`,
  );
  expect(dwLines).toEqual(oltpLines);
  expect(dwLines.length).toBeGreaterThanOrEqual(3);
  const oltpReceipts = await rows(
    sys.db.pool,
    `SELECT r.id, r.quantity, r.on_time, r.lead_time_days, r.delay_days FROM suppliers.purchase_receipts r ORDER BY 1`,
  );
  const dwReceipts = await rows(
    sys.dwh.pool,
    `SELECT receipt_id, quantity, is_on_time, lead_time_days, days_late FROM dw.fact_purchase_receipt ORDER BY 1`,
  );
  expect(dwReceipts).toEqual(oltpReceipts);
  expect(
    await rows(
      sys.dwh.pool,
      `SELECT is_on_time, count(*)::int FROM dw.fact_purchase_receipt WHERE purchase_order_id = ANY($1::int[]) GROUP BY 1 ORDER BY 1`,
      [[poA.id, poB.id]],
    ),
  ).toEqual([
    [false, 2],
    [true, 1],
  ]);

  // A rerun: nothing new in the source, nothing written.
  const again = await etl();
  expect(again.status).toBe('SUCCEEDED');
  expect(again.entities.find((e) => e.entity === 'purchaseOrders')).toMatchObject({
    inserted: 0,
    updated: 0,
    written: 0,
  });
  expect(await rows(sys.dwh.pool, `SELECT count(*)::int FROM dw.fact_purchase_receipt`)).toEqual([
    [oltpReceipts.length],
  ]);

  // The rest of A's late line arrives: the next run updates that order only and adds its one receipt.
  poA = await receive(poA, [{ lineId: poA.lines[1]!.id, quantity: 5 }]);
  expect(poA.status).toBe('RECEIVED');
  const next = await etl();
  expect(next.status).toBe('SUCCEEDED');
  expect(next.entities.find((e) => e.entity === 'purchaseOrders')).toMatchObject({ inserted: 0, updated: 1 });
  expect(await rows(sys.dwh.pool, `SELECT count(*)::int FROM dw.fact_purchase_receipt`)).toEqual([
    [oltpReceipts.length + 1],
  ]);
  expect(
    await rows(
      sys.dwh.pool,
      `SELECT status, received_qty FROM dw.fact_purchase WHERE purchase_order_id = $1 ORDER BY line_no`,
      [poA.id],
    ),
  ).toEqual([
    ['RECEIVED', 10],
    ['RECEIVED', 8],
  ]);
  expect(next.reconciliation!.checks.filter((c) => !c.ok)).toEqual([]);
});

test('the supplier on-time rate is one figure: explorer, tactical tile, chat (EN and FR) and the ERP scorecard, all from the receipts', async () => {
  // The oracle: receipts of this year in the OLTP, per supplier code.
  const oracle = await rows(
    sys.db.pool,
    `SELECT s.code, round(100.0 * count(*) FILTER (WHERE r.on_time) / count(*), 2)::text
       FROM suppliers.purchase_receipts r JOIN suppliers.purchase_orders po ON po.id = r.purchase_order_id JOIN suppliers.suppliers s ON s.id = po.supplier_id
      WHERE (r.received_at AT TIME ZONE 'UTC')::date BETWEEN $1::date AND $2::date GROUP BY 1`,
    [THIS_YEAR.from, THIS_YEAR.to],
  );
  expect(oracle.length).toBeGreaterThanOrEqual(2);
  const byCode = (xs: unknown[][]) => Object.fromEntries(xs.map((x) => [x[0], x[1]]));
  type Result = {
    rows: { members: { key: string }[]; values: { measure: string; value: string | null }[] }[];
  };
  const rateOf = (r: Result) =>
    byCode(
      r.rows.map((x) => [x.members[0]!.key, x.values.find((v) => v.measure === 'supplierOnTimeRate')!.value]),
    );

  const explored = await ok<{ olap: Result }>(
    `query($q: OlapQuery!) { olap(query: $q) { rows { members { key } values { measure value } } } }`,
    {
      q: {
        measures: ['supplierOnTimeRate', 'supplierDeliveries'],
        dimensions: ['supplier.supplier'],
        time: THIS_YEAR,
        order: [{ by: 'supplierOnTimeRate', direction: 'ASC' }],
      },
    },
    manager,
  );
  expect(rateOf(explored.olap)).toEqual(byCode(oracle));

  const dash = await ok<{ dashboard: { tiles: { id: string; result: Result | null }[] } }>(
    `query($p: OlapPeriod) { dashboard(kind: TACTICAL, period: $p) { tiles { id result { rows { members { key } values { measure value } } } } } }`,
    { p: THIS_YEAR },
    manager,
  );
  const tile = dash.dashboard.tiles.find((t) => t.id === 'supplierPerformance')!;
  expect(rateOf(tile.result!)).toEqual(byCode(oracle));
  expect(dash.dashboard.tiles.find((t) => t.id === 'purchasing')!.result!.rows.length).toBeGreaterThan(0);

  for (const [question, language] of [
    [`which suppliers deliver late most often in ${YEAR}?`, 'EN'],
    [`quels fournisseurs livrent le plus souvent en retard en ${YEAR} ?`, 'FR'],
  ] as const) {
    const asked = await ok<{ ask: { understood: boolean; result: Result | null } }>(
      `query($q: String!, $l: AiLanguage) { ask(question: $q, language: $l) { understood result { rows { members { key } values { measure value } } } } }`,
      { q: question, l: language },
      manager,
    );
    expect({ question, understood: asked.ask.understood }).toEqual({ question, understood: true });
    expect({ question, rates: rateOf(asked.ask.result!) }).toEqual({ question, rates: byCode(oracle) });
    // late most often first: the lowest on-time rate leads
    const first = asked.ask.result!.rows[0]!;
    expect(Number(first.values.find((v) => v.measure === 'supplierOnTimeRate')!.value)).toBe(
      Math.min(...oracle.map((o) => Number(o[1]))),
    );
  }

  // The ERP's own figure for the same receipts (the suppliers screen) is the same number.
  for (const id of [suppliersUsed.a, suppliersUsed.b]) {
    const s = await ok<{ supplier: { code: string; performance: { onTimeRate: number | null } } }>(
      `query($id: ID!, $f: DateTime, $t: DateTime) { supplier(id: $id) { code performance(from: $f, to: $t) { onTimeRate } } }`,
      { id: String(id), f: `${THIS_YEAR.from}T00:00:00Z`, t: `${Number(YEAR) + 1}-01-01T00:00:00Z` },
      manager,
    );
    expect(s.supplier.performance.onTimeRate).toBe(Number(byCode(oracle)[s.supplier.code]));
  }
});

test('units on order are one figure: the ERP product, its stock level, the explorer and the chat all count the open purchase order lines', async () => {
  // One more order still on its way: 12 sent, 4 received, 8 open.
  const p = await pick();
  const created = await ok<{ createPurchaseOrder: Po }>(
    `mutation($in: CreatePurchaseOrderInput!) { createPurchaseOrder(input: $in) { ${PO} } }`,
    {
      in: {
        supplierId: String(p.a),
        warehouseId: String(p.warehouseId),
        lines: [
          { productId: String(p.products.a1), quantity: 12, unitCost: '2.5000', expectedDate: '2030-01-01' },
        ],
      },
    },
    purchasing,
  );
  await ok(
    `mutation($id: ID!) { sendPurchaseOrder(id: $id) { id } }`,
    { id: created.createPurchaseOrder.id },
    purchasing,
  );
  await ok(
    `mutation($id: ID!, $in: ReceivePurchaseOrderInput!) { receivePurchaseOrder(id: $id, input: $in) { id } }`,
    {
      id: created.createPurchaseOrder.id,
      in: { lines: [{ lineId: created.createPurchaseOrder.lines[0]!.id, quantity: 4 }] },
    },
    warehouse,
  );
  expect((await etl()).status).toBe('SUCCEEDED');

  // The ERP: every product's unitsOnOrder, and every stock level's onOrder, read through the gateway.
  async function every<N>(field: 'products' | 'stockLevels', selection: string): Promise<N[]> {
    const out: N[] = [];
    for (let after: string | null = null; ;) {
      type Page = Record<
        string,
        { edges: { node: N }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }
      >;
      const page: Page = await ok(
        `query($after: String) { ${field}(first: 100, after: $after) { edges { node { ${selection} } } pageInfo { hasNextPage endCursor } } }`,
        { after },
        manager,
      );
      out.push(...page[field]!.edges.map((e) => e.node));
      if (!page[field]!.pageInfo.hasNextPage) return out;
      after = page[field]!.pageInfo.endCursor;
    }
  }
  const erp = (await every<{ unitsOnOrder: number }>('products', 'unitsOnOrder')).reduce(
    (s, p) => s + p.unitsOnOrder,
    0,
  );
  const levels = await every<{ product: { id: string }; warehouse: { id: string }; onOrder: number }>(
    'stockLevels',
    'product { id } warehouse { id } onOrder',
  );
  const level = levels.find(
    (l) => l.product.id === String(p.products.a1) && l.warehouse.id === String(p.warehouseId),
  );
  expect(level?.onOrder).toBeGreaterThanOrEqual(8);
  expect(levels.reduce((s, l) => s + l.onOrder, 0)).toBe(erp);
  // Before the open order, the generated buy side already had orders in transit: the figure is not just ours.
  expect(erp).toBeGreaterThan(8);

  // The explorer and the chat, from the warehouse's last snapshot.
  const explored = await ok<{ olap: { totals: { measure: string; value: string | null }[] } }>(
    `query($q: OlapQuery!) { olap(query: $q) { totals { measure value } } }`,
    { q: { measures: ['unitsOnOrder'], dimensions: [] } },
    manager,
  );
  expect(explored.olap.totals.find((t) => t.measure === 'unitsOnOrder')!.value).toBe(String(erp));
  for (const [question, language] of [
    ['how many units are on order?', 'EN'],
    ['combien de quantités en commande ?', 'FR'],
  ] as const) {
    const asked = await ok<{
      ask: { understood: boolean; result: { totals: { measure: string; value: string | null }[] } | null };
    }>(
      `query($q: String!, $l: AiLanguage) { ask(question: $q, language: $l) { understood result { totals { measure value } } } }`,
      { q: question, l: language },
      manager,
    );
    expect({
      question,
      value: asked.ask.result?.totals.find((t) => t.measure === 'unitsOnOrder')?.value,
    }).toEqual({ question, value: String(erp) });
  }
});
