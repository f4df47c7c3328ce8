import { startTestSystem, type TestSystem, seedPenShop } from './test-system';

/**
 * Through the gateway over HTTP, as users work: a federated order read, and the no-oversell rule
 * when 50 users confirm at once. Bug found by bench/api: confirmOrder holds a sales connection while
 * it calls the catalog, and all subgraphs shared one pool, so concurrent confirmations failed with
 * pool timeouts. Each service now has its own pool.
 */
describe.each(['http', 'local'] as const)('subgraphs reached over %s', (transport) => {
  let t: TestSystem;
  let ids: { product: string; warehouse: string; customer: string };

  beforeAll(async () => {
    t = await startTestSystem({ transport });
    const shop = await seedPenShop(t);
    ids = {
      product: String(shop.product),
      warehouse: String(shop.warehouse),
      customer: String(shop.customer),
    };
  }, 60_000);
  afterAll(() => t.close());

  test('the gateway and every subgraph reach the OLTP as the least-privilege application role, never as its owner', async () => {
    for (const [service, pool] of Object.entries(t.system.pools)) {
      if (service === 'analytics') continue; // the warehouse, another database
      const { rows } = await pool.query(
        `SELECT current_user AS who, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS su`,
      );
      expect({ service, ...rows[0] }).toEqual({ service, who: process.env.ERP_TEST_APP_ROLE, su: false });
    }
  });

  const CREATE = `mutation($c: ID!, $w: ID!, $p: ID!) { createOrder(input: {customerId: $c, warehouseId: $w, lines: [{productId: $p, quantity: 1}]}) { id } }`;

  test('an order reads across subgraphs: customer (customers), lines and product stock (catalog)', async () => {
    const token = await t.login('MANAGER');
    await t.db.pool.query(
      `INSERT INTO inventory.stock_movements (product_id, warehouse_id, kind, quantity) VALUES ($1, $2, 'OPENING', 3)`,
      [ids.product, ids.warehouse],
    );
    const created = await t.gql(CREATE, { c: ids.customer, w: ids.warehouse, p: ids.product }, token);
    const r = await t.gql(
      `query($id: ID!) { order(id: $id) { status customer { name } lines { quantity unitPrice product { sku totalOnHand } } totals { grossAmount } } }`,
      { id: created.body.data.createOrder.id },
      token,
    );
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.order).toEqual({
      status: 'DRAFT',
      customer: { name: 'Acme' },
      lines: [{ quantity: 1, unitPrice: '1.20', product: { sku: 'PEN-1', totalOnHand: 3 } }],
      // 1.20 + 20 % (no rate on the category: the standard rate of the customer's country, FR)
      totals: { grossAmount: '1.44' },
    });
    await t.db.pool.query(
      `INSERT INTO inventory.stock_movements (product_id, warehouse_id, kind, quantity) VALUES ($1, $2, 'ADJUSTMENT', -3)`,
      [ids.product, ids.warehouse],
    );
  });

  test('50 users confirming at once through the gateway for 10 units: exactly 10 confirmed, 40 INSUFFICIENT_STOCK, nothing else', async () => {
    const token = await t.login('MANAGER');
    await t.db.pool.query(
      `INSERT INTO inventory.stock_movements (product_id, warehouse_id, kind, quantity) VALUES ($1, $2, 'RECEIPT', 10)`,
      [ids.product, ids.warehouse],
    );
    const orders: string[] = [];
    for (let i = 0; i < 50; i++)
      orders.push(
        (await t.gql(CREATE, { c: ids.customer, w: ids.warehouse, p: ids.product }, token)).body.data
          .createOrder.id,
      );
    const results = await Promise.all(
      orders.map((id) => t.gql(`mutation($id: ID!) { confirmOrder(id: $id) { status } }`, { id }, token)),
    );
    const codes = results.map((r) =>
      r.body.errors ? r.body.errors[0].extensions.code : r.body.data.confirmOrder.status,
    );
    const tally = codes.reduce<Record<string, number>>((acc, c) => ({ ...acc, [c]: (acc[c] ?? 0) + 1 }), {});
    expect(tally).toEqual({ CONFIRMED: 10, INSUFFICIENT_STOCK: 40 });
    const { rows } = await t.db.pool.query(
      `SELECT on_hand, reserved FROM inventory.stock_levels WHERE product_id = $1 AND warehouse_id = $2`,
      [ids.product, ids.warehouse],
    );
    expect(rows[0]).toEqual({ on_hand: 10, reserved: 10 });
  }, 60_000);

  test('SUBGRAPH_TRANSPORT=local sent the stock calls over HTTP: with the catalog listener down, local still confirms and http cannot', async () => {
    const token = await t.login('MANAGER');
    await t.db.pool.query(
      `INSERT INTO inventory.stock_movements (product_id, warehouse_id, kind, quantity) VALUES ($1, $2, 'RECEIPT', 1)`,
      [ids.product, ids.warehouse],
    );
    const id = (await t.gql(CREATE, { c: ids.customer, w: ids.warehouse, p: ids.product }, token)).body.data
      .createOrder.id;
    await t.system.stopSubgraph('catalog');
    try {
      const r = await t.gql(`mutation($id: ID!) { confirmOrder(id: $id) { status } }`, { id }, token);
      if (transport === 'local') expect(r.body.data?.confirmOrder).toEqual({ status: 'CONFIRMED' });
      else expect(r.body.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await t.system.restartSubgraph('catalog');
    }
  }, 60_000);

  test('the internal stock operations are not in the public API: the gateway does not know them', async () => {
    const token = await t.login('ADMIN');
    for (const q of [
      `mutation { reserveOrderStock(input: {orderId: "1", orderNumber: "X", warehouseId: "1", lines: [{productId: "1", quantity: 1}]}) { quantity } }`,
      `mutation { releaseOrderStock(orderId: "1") { status } }`,
      `mutation { shipOrderStock(orderId: "1") { id } }`,
      `mutation { releaseStock(reference: "SO-1") { status } }`,
      `{ orderStockHolds { orderId } }`,
    ]) {
      const r = await t.gql(q, {}, token);
      expect(r.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }
  });
});
