import { createClient, MeDocument, OrdersDocument, ProductsDocument } from '@erp/sdk';
import { type TestSystem, startFixtureSystem } from './test-system';

/** What the gateway assembles from four subgraphs equals the same facts computed in SQL on the OLTP. */
let t: TestSystem;
beforeAll(async () => {
  t = await startFixtureSystem();
}, 60_000);
afterAll(() => t.close());

test('every order of the page: customer, lines, products, amounts and stock equal SQL', async () => {
  const api = createClient({ url: t.system.gatewayUrl, token: await t.login('ANALYST') });
  const { orders } = await api.request(OrdersDocument, { first: 100 });
  const { rows } = await t.db.pool.query(`
    SELECT o.number, c.name AS customer, w.code AS warehouse, count(l.id)::int AS lines,
           coalesce(sum(round(l.quantity * l.unit_price * (1 - l.discount), 2)), 0)::text AS net,
           coalesce(string_agg(p.sku, ',' ORDER BY l.line_no), '') AS skus
      FROM sales.orders o JOIN customers.customers c ON c.id = o.customer_id JOIN inventory.warehouses w ON w.id = o.warehouse_id
      LEFT JOIN sales.order_lines l ON l.order_id = o.id LEFT JOIN catalog.products p ON p.id = l.product_id
     GROUP BY o.number, c.name, w.code ORDER BY o.number`);
  expect(orders.totalCount).toBe(rows.length);
  const fromApi = orders.edges
    .map(({ node }) => ({
      number: node.number,
      customer: node.customer?.name,
      warehouse: node.warehouse.code,
      lines: node.lines.length,
      net: Number(node.totals.netAmount).toFixed(2),
      skus: node.lines.map((l) => l.product.sku).join(','),
    }))
    .sort((a, b) => a.number.localeCompare(b.number));
  expect(fromApi).toEqual(rows.map((r) => ({ ...r, net: Number(r.net).toFixed(2) })));
});

test('product stock across warehouses equals the ledger sums', async () => {
  const api = createClient({ url: t.system.gatewayUrl, token: await t.login('WAREHOUSE') });
  const { products } = await api.request(ProductsDocument, { first: 100 });
  const { rows } = await t.db.pool.query(`
    SELECT p.sku, coalesce((SELECT sum(quantity) FROM inventory.stock_movements m WHERE m.product_id = p.id), 0)::int AS on_hand,
           coalesce((SELECT sum(on_hand - reserved) FROM inventory.stock_levels s WHERE s.product_id = p.id), 0)::int AS available
      FROM catalog.products p ORDER BY p.sku`);
  const fromApi = products.edges
    .map(({ node }) => ({ sku: node.sku, on_hand: node.totalOnHand, available: node.totalAvailable }))
    .sort((a, b) => a.sku.localeCompare(b.sku));
  expect(fromApi).toEqual(rows);
});

test('a page of 100 orders with customer, lines, products and stock runs a bounded number of SQL statements', async () => {
  const { countStatements } = await import('@erp/kit');
  const counters = Object.values(t.system.pools).map((p) => countStatements(p));
  const total = () => counters.reduce((n, c) => n + c.count, 0);
  // 100 more orders of 3 lines each, so the page is full.
  await t.db.pool.query(`
    INSERT INTO sales.orders (number, customer_id, warehouse_id, status)
      SELECT 'BULK-' || i, (SELECT min(id) FROM customers.customers), (SELECT min(id) FROM inventory.warehouses), 'DRAFT' FROM generate_series(1, 100) i;
    INSERT INTO sales.order_lines (order_id, line_no, product_id, quantity, unit_price)
      SELECT o.id, n, (SELECT min(id) FROM catalog.products) + n - 1, n, 9.99 FROM sales.orders o, generate_series(1, 3) n WHERE o.number LIKE 'BULK-%'`);
  const api = createClient({ url: t.system.gatewayUrl, token: await t.login('ANALYST') });
  const run = async (first: number) => {
    await api.request(MeDocument); // warm: the token's first use
    counters.forEach((c) => c.reset());
    const { orders } = await api.request(OrdersDocument, { first });
    expect(orders.edges).toHaveLength(first);
    return total();
  };
  const small = await run(5);
  const large = await run(100);
  expect(large).toBe(small); // independent of the page size: no N+1 anywhere in the plan
  expect(large).toBeLessThanOrEqual(12);
});
