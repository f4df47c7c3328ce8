import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@erp/kit';
import {
  type ApiError,
  createClient,
  EtlCustomersDocument,
  EtlOrderLineFeedDocument,
  type EtlOrderLineFeedQuery,
  EtlOrdersDocument,
  EtlProductsDocument,
  EtlPurchaseOrdersDocument,
  EtlPurchasingTotalsDocument,
  EtlSalesRepsDocument,
  EtlSourceTotalsDocument,
  EtlStockLevelsDocument,
  EtlStockMovementFeedDocument,
  type EtlStockMovementFeedQuery,
  EtlSuppliersDocument,
  EtlWarehousesDocument,
} from '@erp/sdk';
import { parse } from 'graphql';
import { type TestSystem, startFixtureSystem } from './test-system';

/**
 * The warehouse ETL's operations (sdk/operations/etl.graphql) run through the gateway with the typed
 * SDK as an ANALYST (the ETL's account), on a small imported data set: every extraction pages to the
 * end without errors, each row once, and the extracted data add up to the source totals.
 */
let t: TestSystem;
const ran = new Set<string>();

beforeAll(async () => {
  t = await startFixtureSystem();
}, 60_000);
afterAll(() => t.close());

interface Page<N> {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: N }[];
}

/** Every node of a list, 100 a page, following endCursor. */
async function all<N>(fetch: (after: string | null) => Promise<Page<N>>): Promise<N[]> {
  const nodes: N[] = [];
  let after: string | null = null;
  for (let i = 0; i < 1000; i++) {
    const page: Page<N> = await fetch(after);
    nodes.push(...page.edges.map((e) => e.node));
    if (!page.pageInfo.hasNextPage) return nodes;
    after = page.pageInfo.endCursor;
  }
  throw new Error('too many pages');
}

const cents = (d: string) => {
  const [i, f = ''] = d.replace('-', '').split('.');
  const v = BigInt(i!) * 100n + BigInt(f.padEnd(2, '0').slice(0, 2));
  return d.startsWith('-') ? -v : v;
};

test('an ANALYST runs every ETL operation without errors; the extraction adds up to the source totals', async () => {
  const etl = createClient({ url: t.system.gatewayUrl, token: await t.login('ANALYST') });
  const first = 100;

  const { warehouses } = await etl.request(EtlWarehousesDocument);
  ran.add('EtlWarehouses');
  expect(warehouses.length).toBeGreaterThan(0);

  const products = await all((after) =>
    etl.request(EtlProductsDocument, { first, after }).then((d) => d.products),
  );
  ran.add('EtlProducts');
  const customers = await all((after) =>
    etl.request(EtlCustomersDocument, { first, after }).then((d) => d.customers),
  );
  ran.add('EtlCustomers');
  const suppliers = await all((after) =>
    etl.request(EtlSuppliersDocument, { first, after }).then((d) => d.suppliers),
  );
  ran.add('EtlSuppliers');
  const orders = await all((after) => etl.request(EtlOrdersDocument, { first, after }).then((d) => d.orders));
  ran.add('EtlOrders');
  const stock = await all((after) =>
    etl.request(EtlStockLevelsDocument, { first, after }).then((d) => d.stockLevels),
  );
  ran.add('EtlStockLevels');
  const purchaseOrders = await all((after) =>
    etl.request(EtlPurchaseOrdersDocument, { first, after }).then((d) => d.purchaseOrders),
  );
  ran.add('EtlPurchaseOrders');
  const { purchasingTotals } = await etl.request(EtlPurchasingTotalsDocument);
  ran.add('EtlPurchasingTotals');
  const totals = await etl.request(EtlSourceTotalsDocument);
  ran.add('EtlSourceTotals');
  // the sales reps: every user owning an order or a customer, names only
  const { salesReps } = await etl.request(EtlSalesRepsDocument);
  ran.add('EtlSalesReps');
  const owners = await t.db.pool.query<{ id: string }>(
    `SELECT id::text FROM auth.users u WHERE EXISTS (SELECT 1 FROM sales.orders o WHERE o.sales_rep_id = u.id) OR EXISTS (SELECT 1 FROM customers.customers c WHERE c.sales_rep_id = u.id)`,
  );
  expect(owners.rows.length).toBeGreaterThan(0);
  expect(salesReps.map((r) => r.id)).toEqual(expect.arrayContaining(owners.rows.map((r) => r.id)));
  expect(Object.keys(salesReps[0]!).sort()).toEqual(['id', 'name']);

  const count = async (table: string) =>
    (await t.db.pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;
  for (const [nodes, table] of [
    [products, 'catalog.products'],
    [customers, 'customers.customers'],
    [suppliers, 'suppliers.suppliers'],
    [orders, 'sales.orders'],
    [purchaseOrders, 'suppliers.purchase_orders'],
  ] as const) {
    expect(new Set(nodes.map((n) => n.id)).size).toBe(await count(table));
    expect(nodes.length).toBe(await count(table));
    // (updatedAt, id) ascending: the watermark order.
    const keys = nodes.map((n) => n.updatedAt);
    expect([...keys].sort()).toEqual(keys);
  }
  expect(stock.length).toBe(await count('inventory.stock_levels'));
  expect(orders.length).toBeGreaterThan(0);

  // An incremental run from the last watermark returns the rows changed at or after it, and no older one.
  const watermark = products.at(-1)!.updatedAt;
  const again = await all((after) =>
    etl.request(EtlProductsDocument, { first, after, updatedFrom: watermark }).then((d) => d.products),
  );
  expect(again.length).toBeGreaterThan(0);
  expect(again.every((p) => p.updatedAt >= watermark)).toBe(true);

  // Reconciliation: the extracted orders and stock add up to the source totals.
  const sign = (kind: string) => (kind === 'RETURN' ? -1 : 1);
  const lines = orders.flatMap((o) => o.lines.map((l) => ({ ...l, sign: sign(o.kind) })));
  expect(totals.salesTotals.orders).toBe(orders.length);
  expect(totals.salesTotals.lines).toBe(lines.length);
  expect(totals.salesTotals.units).toBe(lines.reduce((s, l) => s + l.sign * l.quantity, 0));
  expect(cents(totals.salesTotals.netRevenue)).toBe(
    lines.reduce((s, l) => s + BigInt(l.sign) * cents(l.netAmount), 0n),
  );
  expect(totals.salesTotals.byStatus.reduce((s, b) => s + b.orders, 0)).toBe(orders.length);
  for (const w of totals.stockTotals) {
    const here = stock.filter((s) => s.warehouse.id === w.warehouse.id);
    expect([w.warehouse.code, w.onHand, w.reserved]).toEqual([
      w.warehouse.code,
      here.reduce((s, l) => s + l.onHand, 0),
      here.reduce((s, l) => s + l.reserved, 0),
    ]);
  }
  expect(totals.stockTotals.map((w) => w.warehouse.id).sort()).toEqual(warehouses.map((w) => w.id).sort());
  // Purchasing: the extracted orders, lines and receipts add up to the purchasing totals.
  const poLines = purchaseOrders.flatMap((o) => o.lines);
  const receipts = poLines.flatMap((l) => l.receipts);
  expect([
    purchasingTotals.orders,
    purchasingTotals.lines,
    purchasingTotals.orderedQuantity,
    purchasingTotals.receipts,
    purchasingTotals.receivedQuantity,
    purchasingTotals.onTimeReceipts,
  ]).toEqual([
    purchaseOrders.length,
    poLines.length,
    poLines.reduce((s, l) => s + l.quantity, 0),
    receipts.length,
    receipts.reduce((s, r) => s + r.quantity, 0),
    receipts.filter((r) => r.onTime).length,
  ]);
  expect(cents(purchasingTotals.orderedAmount)).toBe(poLines.reduce((s, l) => s + cents(l.amount), 0n));
  expect(cents(purchasingTotals.receivedAmount)).toBe(receipts.reduce((s, r) => s + cents(r.amount), 0n));
}, 60_000);

interface FeedPage {
  columns: string[];
  rows: string;
  hasNextPage: boolean;
  endCursor?: string | null;
}

/** Every row of an ETL feed (flat tuples, one JSON text a page), following endCursor; `each` sees every page. */
async function feedRows<P extends FeedPage>(
  page: (after: string | null) => Promise<P>,
  each: (p: P) => void,
): Promise<{ columns: string[]; rows: unknown[][]; pages: number }> {
  const out = { columns: [] as string[], rows: [] as unknown[][], pages: 0 };
  for (let after: string | null = null; ;) {
    const p = await page(after);
    each(p);
    out.columns = p.columns;
    out.rows.push(...(JSON.parse(p.rows) as unknown[][]));
    out.pages++;
    if (!p.hasNextPage) return out;
    after = p.endCursor ?? null;
  }
}

/** A feed of every row of the ERP is the ETL identity's alone: these people's roles are refused. */
async function refusedToPeople(
  read: (client: ReturnType<typeof createClient>) => Promise<{ errors: ApiError[] }>,
  roles: readonly ('ADMIN' | 'ANALYST' | 'SALES' | 'WAREHOUSE')[],
): Promise<void> {
  for (const role of roles) {
    const r = await read(createClient({ url: t.system.gatewayUrl, token: await t.login(role) }));
    expect(r.errors[0]?.extensions?.code).toBe('FORBIDDEN');
  }
}

test('the ETL identity reads the flat order-line feed through the gateway: every order and line once, as the nested orders serve them; no person may', async () => {
  const etl = createClient({ url: t.system.gatewayUrl, token: await t.login('ETL_SERVICE') });
  const { columns, rows, pages } = await feedRows(
    (after) =>
      etl
        .request(EtlOrderLineFeedDocument, { first: 2, after })
        .then((d: EtlOrderLineFeedQuery) => d.salesOrderLineFeed),
    (p) => {
      ran.add('EtlOrderLineFeed');
      // the page's carriers and ship-to places come resolved (the cities by the customers domain)
      for (const c of p.shipToCities) expect(c.region.country.code).toMatch(/^[A-Z0-9]{2,3}$/);
    },
  );
  expect(pages).toBeGreaterThan(1);
  const at = (name: string) => columns.indexOf(name);
  const nested = await all((a) =>
    etl.request(EtlOrdersDocument, { first: 1000, after: a }).then((d) => d.orders),
  );
  const expected = nested.flatMap((o) =>
    o.lines.length
      ? o.lines.map(
          (l) => `${o.id}:${l.lineNo}:${l.product.id}:${l.quantity}:${cents(l.netAmount)}:${o.customer?.id}`,
        )
      : [`${o.id}:null`],
  );
  const got = rows.map((r) =>
    r[at('line_no')] === null
      ? `${r[at('order_id')]}:null`
      : `${r[at('order_id')]}:${r[at('line_no')]}:${r[at('product_id')]}:${r[at('quantity')]}:${cents(String(r[at('net_amount')]))}:${r[at('customer_id')]}`,
  );
  expect(got.sort()).toEqual(expected.sort());
  await refusedToPeople(
    (c) => c.execute(EtlOrderLineFeedDocument, { first: 10 }),
    ['ADMIN', 'ANALYST', 'SALES'],
  );
});

test('the ETL identity reads the stock ledger feed through the gateway: every movement once, in the order recorded; no person may', async () => {
  const etl = createClient({ url: t.system.gatewayUrl, token: await t.login('ETL_SERVICE') });
  const feed = await feedRows(
    (after) =>
      etl
        .request(EtlStockMovementFeedDocument, { first: 3, after })
        .then((d: EtlStockMovementFeedQuery) => d.stockMovementFeed),
    () => ran.add('EtlStockMovementFeed'),
  );
  expect(feed.pages).toBeGreaterThan(1);
  const ledger = await t.db.pool.query<{ m: string }>(
    `SELECT id || ':' || product_id || ':' || warehouse_id || ':' || kind || ':' || quantity AS m FROM inventory.stock_movements ORDER BY updated_at, id`,
  );
  const key = ['id', 'product_id', 'warehouse_id', 'kind', 'quantity'].map((c) => feed.columns.indexOf(c));
  expect(feed.rows.map((r) => key.map((i) => r[i]).join(':'))).toEqual(ledger.rows.map((r) => r.m));
  await refusedToPeople(
    (c) => c.execute(EtlStockMovementFeedDocument, { first: 10 }),
    ['ADMIN', 'ANALYST', 'WAREHOUSE'],
  );
});

test('no ETL operation is left untested', () => {
  const file = path.join(repoRoot(), 'sdk', 'operations', 'etl.graphql');
  const names = parse(readFileSync(file, 'utf8')).definitions.map((d) =>
    'name' in d && d.name ? d.name.value : '?',
  );
  expect(names.filter((n) => !ran.has(n))).toEqual([]);
});

test('a SALES user may not read the source totals (they cover every order)', async () => {
  const r = await t.gql(`{ salesTotals { orders } }`, {}, await t.login('SALES'));
  expect(r.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
});
