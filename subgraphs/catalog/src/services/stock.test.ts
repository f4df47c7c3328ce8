import { dataOf, execute, identity } from '@erp/kit/test/graphql';
import { subgraphUnderTest } from '@erp/kit/test/subgraph';
import { createCatalogSubgraph } from '../server';

const catalog = subgraphUnderTest(createCatalogSubgraph);
const manager = identity('MANAGER', 1);
/** The sales service, the only caller of the order stock operations. */
const svc = identity('SALES_SERVICE', 1);
let productId: string;
let warehouseId: string;

beforeAll(async () => {
  const c = dataOf(
    await execute(
      catalog,
      manager,
      `mutation { createCategory(input: {code: "TOOLS", name: "Tools"}) { id } }`,
    ),
  );
  const p = dataOf(
    await execute(
      catalog,
      manager,
      `mutation($c: ID!) { createProduct(input: {sku: "HAM-1", name: "Hammer", categoryId: $c, listPrice: "12.50"}) { id } }`,
      {
        c: c.createCategory.id,
      },
    ),
  );
  const w = dataOf(
    await execute(
      catalog,
      manager,
      `mutation { createWarehouse(input: {code: "LYS", name: "Lyon", city: "Lyon", countryCode: "FR"}) { id } }`,
    ),
  );
  productId = p.createProduct.id;
  warehouseId = w.createWarehouse.id;
});

const RESERVE = `mutation($o: ID!, $ref: String!, $w: ID!, $p: ID!, $q: Int!) {
  reserveOrderStock(input: {orderId: $o, orderNumber: $ref, warehouseId: $w, lines: [{productId: $p, quantity: $q}]}) { orderId quantity status } }`;
let nextOrder = 1;
const reserve = (ref: string, q: number, who = svc) =>
  execute(catalog, who, RESERVE, { o: String(nextOrder++), ref, w: warehouseId, p: productId, q });

async function stockState() {
  const { rows } = await catalog.db.pool.query(
    `SELECT s.on_hand, s.reserved, (SELECT coalesce(sum(quantity), 0)::int FROM inventory.stock_movements m
       WHERE m.product_id = s.product_id AND m.warehouse_id = s.warehouse_id) AS ledger,
       (SELECT coalesce(sum(quantity), 0)::int FROM inventory.stock_reservations r
       WHERE r.product_id = s.product_id AND r.warehouse_id = s.warehouse_id AND r.status = 'ACTIVE') AS active
     FROM inventory.stock_levels s WHERE product_id = $1 AND warehouse_id = $2`,
    [productId, warehouseId],
  );
  return rows[0];
}

test('a receipt, a reservation, a shipment and a release keep ledger and reservations consistent', async () => {
  dataOf(
    await execute(
      catalog,
      manager,
      `mutation($w: ID!, $p: ID!) { recordReceipt(input: {warehouseId: $w, reference: "PO-1", lines: [{productId: $p, quantity: 30}]}) { id } }`,
      { w: warehouseId, p: productId },
    ),
  );
  const a = nextOrder;
  expect(dataOf(await reserve('SO-A', 12)).reserveOrderStock).toEqual([
    { orderId: String(a), quantity: 12, status: 'ACTIVE' },
  ]);
  dataOf(await reserve('SO-B', 5));
  expect(await stockState()).toEqual({ on_hand: 30, reserved: 17, ledger: 30, active: 17 });
  // one order holds its stock once: a second reservation for it is a conflict
  const twice = await execute(catalog, svc, RESERVE, {
    o: String(a),
    ref: 'SO-A',
    w: warehouseId,
    p: productId,
    q: 1,
  });
  expect(twice.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.orderId' });
  dataOf(
    await execute(catalog, svc, `mutation($o: ID!) { shipOrderStock(orderId: $o) { quantity kind } }`, {
      o: String(a),
    }),
  );
  dataOf(
    await execute(catalog, svc, `mutation($o: ID!) { releaseOrderStock(orderId: $o) { status } }`, {
      o: String(a + 1),
    }),
  );
  expect(await stockState()).toEqual({ on_hand: 18, reserved: 0, ledger: 18, active: 0 });
  // releasing what is not held changes nothing and is not an error (a retried compensation)
  expect(
    dataOf(
      await execute(catalog, svc, `mutation($o: ID!) { releaseOrderStock(orderId: $o) { status } }`, {
        o: String(a + 1),
      }),
    ).releaseOrderStock,
  ).toEqual([]);
  // undoing a shipment brings the units back, reserved again for the order, with an ADJUSTMENT saying why
  dataOf(
    await execute(catalog, svc, `mutation($o: ID!) { undoOrderShipment(orderId: $o) { quantity kind } }`, {
      o: String(a),
    }),
  );
  expect(await stockState()).toEqual({ on_hand: 30, reserved: 12, ledger: 30, active: 12 });
  dataOf(
    await execute(catalog, svc, `mutation($o: ID!) { releaseOrderStock(orderId: $o) { status } }`, {
      o: String(a),
    }),
  );
  expect(await stockState()).toEqual({ on_hand: 30, reserved: 0, ledger: 30, active: 0 });
  dataOf(
    await execute(
      catalog,
      manager,
      `mutation($w: ID!, $p: ID!) { recordAdjustment(input: {warehouseId: $w, productId: $p, quantity: -12, reason: "test reset"}) { id } }`,
      { w: warehouseId, p: productId },
    ),
  );
});

test('a reservation beyond available stock fails with INSUFFICIENT_STOCK naming the product, and reserves nothing', async () => {
  const before = await stockState();
  const res = await reserve('SO-BIG', 1000);
  expect(res.errors?.[0]?.extensions?.code).toBe('INSUFFICIENT_STOCK');
  expect(res.errors?.[0]?.message).toContain('HAM-1');
  expect(await stockState()).toEqual(before);
});

test('no oversell: 50 concurrent reservations competing for 10 units reserve exactly 10, 20 times over', async () => {
  for (let round = 0; round < 20; round++) {
    const { on_hand, reserved } = await stockState();
    const free = on_hand - reserved;
    if (free !== 10) {
      // top up or write down to exactly 10 available units
      await execute(
        catalog,
        manager,
        `mutation($w: ID!, $p: ID!, $q: Int!) { recordAdjustment(input: {warehouseId: $w, productId: $p, quantity: $q, reason: "test setup"}) { id } }`,
        {
          w: warehouseId,
          p: productId,
          q: 10 - free,
        },
      );
    }
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => reserve(`R${round}-${i}`, 1)));
    const ok = results.filter((r) => !r.errors).length;
    const refused = results.filter((r) => r.errors?.[0]?.extensions?.code === 'INSUFFICIENT_STOCK').length;
    expect({
      ok,
      refused,
      other: results
        .filter((r) => r.errors && r.errors[0]?.extensions?.code !== 'INSUFFICIENT_STOCK')
        .slice(0, 1),
    }).toEqual({ ok: 10, refused: 40, other: [] });
    const s = await stockState();
    expect(s.on_hand - s.reserved).toBe(0);
    expect(s.ledger).toBe(s.on_hand);
    expect(s.active).toBe(s.reserved);
  }
});

test("a person cannot reserve, release or ship stock: the order stock operations are the sales service's alone", async () => {
  const held = nextOrder;
  dataOf(
    await execute(
      catalog,
      manager,
      `mutation($w: ID!, $p: ID!) { recordReceipt(input: {warehouseId: $w, reference: "PO-P", lines: [{productId: $p, quantity: 3}]}) { id } }`,
      { w: warehouseId, p: productId },
    ),
  );
  dataOf(await reserve('SO-HELD', 3));
  const before = await stockState();
  for (const role of [
    'ADMIN',
    'MANAGER',
    'SALES',
    'WAREHOUSE',
    'PURCHASING',
    'ANALYST',
    'ETL_SERVICE',
    'MINING_SERVICE',
    'SERVICE',
  ] as const) {
    const who = identity(role, 5);
    const attempts = [
      await reserve(`SO-${role}`, 1, who),
      await execute(catalog, who, `mutation($o: ID!) { releaseOrderStock(orderId: $o) { status } }`, {
        o: String(held),
      }),
      await execute(catalog, who, `mutation($o: ID!) { shipOrderStock(orderId: $o) { id } }`, {
        o: String(held),
      }),
      await execute(catalog, who, `mutation($o: ID!) { undoOrderShipment(orderId: $o) { id } }`, {
        o: String(held),
      }),
      await execute(catalog, who, `{ orderStockHolds { orderId } }`),
    ];
    expect(attempts.map((r) => r.errors?.[0]?.extensions?.code)).toEqual([
      'FORBIDDEN',
      'FORBIDDEN',
      'FORBIDDEN',
      'FORBIDDEN',
      'FORBIDDEN',
    ]);
  }
  expect(await stockState()).toEqual(before);
  expect(
    dataOf(await execute(catalog, svc, `{ orderStockHolds { orderId reference } }`)).orderStockHolds,
  ).toContainEqual({ orderId: String(held), reference: 'SO-HELD' });
});

test('an idempotency key replays the first result and a different payload under it is refused', async () => {
  const q = `mutation($w: ID!, $p: ID!, $q: Int!, $k: String) { recordReceipt(input: {warehouseId: $w, reference: "PO-9", lines: [{productId: $p, quantity: $q}]}, idempotencyKey: $k) { id quantity } }`;
  const first = dataOf(
    await execute(catalog, manager, q, { w: warehouseId, p: productId, q: 7, k: 'receipt-key-0001' }),
  );
  const again = dataOf(
    await execute(catalog, manager, q, { w: warehouseId, p: productId, q: 7, k: 'receipt-key-0001' }),
  );
  expect(again).toEqual(first);
  const { rows } = await catalog.db.pool.query(
    `SELECT count(*)::int AS n FROM inventory.stock_movements WHERE reference = 'PO-9'`,
  );
  expect(rows[0].n).toBe(1);
  const other = await execute(catalog, manager, q, {
    w: warehouseId,
    p: productId,
    q: 8,
    k: 'receipt-key-0001',
  });
  expect(other.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_MISMATCH');
});

test('every committed mutation leaves an audit row; a failed one leaves none', async () => {
  const count = async () =>
    (
      await catalog.db.pool.query(
        `SELECT count(*)::int AS n FROM platform.audit_log WHERE operation = 'createProduct'`,
      )
    ).rows[0].n;
  const before = await count();
  dataOf(
    await execute(
      catalog,
      manager,
      `mutation { createProduct(input: {sku: "SAW-1", name: "Saw", categoryId: "1", listPrice: "20"}) { id } }`,
    ),
  );
  const dup = await execute(
    catalog,
    manager,
    `mutation { createProduct(input: {sku: "SAW-1", name: "Saw", categoryId: "1", listPrice: "20"}) { id } }`,
  );
  expect(dup.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  expect(await count()).toBe(before + 1);
});

test('validation errors name the field and the value', async () => {
  const res = await execute(
    catalog,
    manager,
    `mutation { createProduct(input: {sku: "X-1", name: "X", categoryId: "1", listPrice: "-3"}) { id } }`,
  );
  expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  const res2 = await execute(
    catalog,
    manager,
    `mutation { createProduct(input: {sku: "X-1", name: "X", categoryId: "abc", listPrice: "3"}) { id } }`,
  );
  expect(res2.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.categoryId' });
  expect(res2.errors?.[0]?.message).toContain('"abc"');
});
