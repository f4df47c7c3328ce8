import { dataOf, execute, identity, testUpdatedAtFeed } from '@erp/kit/test/graphql';
import { subgraphUnderTest } from '@erp/kit/test/subgraph';
import { createCatalogSubgraph } from '../server';

/** What the warehouse ETL needs of the catalog: incremental product extraction and stock totals. */
const catalog = subgraphUnderTest(createCatalogSubgraph);
const analyst = identity('ANALYST', 7);
const manager = identity('MANAGER', 1);
const T0 = '2025-03-01 10:00:00.123456+00';

beforeAll(async () => {
  // 250 products sharing one updated_at (microseconds), then 5 changed later.
  await catalog.db.pool.query(`
    INSERT INTO catalog.categories (code, name) VALUES ('ROOT', 'Root');
    INSERT INTO catalog.products (sku, name, category_id, list_price, updated_at)
      SELECT 'TIE-' || lpad(i::text, 3, '0'), 'Tie ' || i, (SELECT id FROM catalog.categories), 1, timestamptz '${T0}' FROM generate_series(1, 250) i;
    INSERT INTO catalog.products (sku, name, category_id, list_price, updated_at)
      SELECT 'NEW-' || i, 'New ' || i, (SELECT id FROM catalog.categories), 1, timestamptz '2025-03-02 08:00:00.000250+00' + i * interval '1 microsecond'
      FROM generate_series(1, 5) i;`);
});

testUpdatedAtFeed({
  list: 'products',
  key: 'sku',
  run: (query, variables) => execute(catalog, analyst, query, variables),
});

test('stockTotals sums stock levels per warehouse, every warehouse listed', async () => {
  const wh = async (code: string) =>
    dataOf(
      await execute(
        catalog,
        manager,
        `mutation($c: String!) { createWarehouse(input: {code: $c, name: $c, city: "X", countryCode: "FR"}) { id } }`,
        { c: code },
      ),
    ).createWarehouse.id as string;
  const [a, b] = [await wh('WH-A'), await wh('WH-B')];
  await wh('WH-EMPTY');
  const ids = (
    await catalog.db.pool.query<{ id: number }>(`SELECT id FROM catalog.products ORDER BY id LIMIT 3`)
  ).rows.map((r) => String(r.id));
  const receive = (w: string, lines: [string, number][], ref: string) =>
    execute(catalog, manager, `mutation($i: RecordReceiptInput!) { recordReceipt(input: $i) { id } }`, {
      i: {
        warehouseId: w,
        reference: ref,
        lines: lines.map(([productId, quantity]) => ({ productId, quantity })),
      },
    }).then(dataOf);
  await receive(
    a,
    [
      [ids[0]!, 10],
      [ids[1]!, 7],
    ],
    'PO-1',
  );
  await receive(
    b,
    [
      [ids[1]!, 4],
      [ids[2]!, 30],
    ],
    'PO-2',
  );
  dataOf(
    await execute(
      catalog,
      identity('SALES_SERVICE', 1),
      `mutation($w: ID!, $p: ID!) { reserveOrderStock(input: {orderId: "1", orderNumber: "SO-1", warehouseId: $w, lines: [{productId: $p, quantity: 3}]}) { quantity } }`,
      { w: a, p: ids[0] },
    ),
  );
  dataOf(
    await execute(
      catalog,
      manager,
      `mutation($w: ID!, $p: ID!) { recordAdjustment(input: {warehouseId: $w, productId: $p, quantity: -5, reason: "damaged"}) { id } }`,
      { w: b, p: ids[2] },
    ),
  );

  const d = dataOf(
    await execute(catalog, analyst, `{ stockTotals { warehouse { id code } onHand reserved } }`),
  );
  expect(d.stockTotals).toEqual([
    { warehouse: { id: a, code: 'WH-A' }, onHand: 17, reserved: 3 },
    { warehouse: { id: b, code: 'WH-B' }, onHand: 29, reserved: 0 },
    { warehouse: { id: expect.any(String), code: 'WH-EMPTY' }, onHand: 0, reserved: 0 },
  ]);
  // The same as an independent computation (the ledger is the source of on_hand).
  const { rows } = await catalog.db.pool.query(
    `SELECT w.code, (SELECT coalesce(sum(quantity), 0)::int FROM inventory.stock_movements m WHERE m.warehouse_id = w.id) AS "onHand",
            (SELECT coalesce(sum(quantity), 0)::int FROM inventory.stock_reservations r WHERE r.warehouse_id = w.id AND r.status = 'ACTIVE') AS reserved
     FROM inventory.warehouses w ORDER BY w.code`,
  );
  expect(
    d.stockTotals.map((t: { warehouse: { code: string }; onHand: number; reserved: number }) => ({
      code: t.warehouse.code,
      onHand: t.onHand,
      reserved: t.reserved,
    })),
  ).toEqual(rows);
});

test('stockTotals is refused to SALES (matrix)', async () => {
  const r = await execute(catalog, identity('SALES', 9), `{ stockTotals { onHand } }`);
  expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
});
