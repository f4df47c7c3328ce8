import { AppError, IDENTITY_HEADER, InsufficientStockError, signIdentity } from '@erp/kit';
import type { Listening } from '@erp/kit/graphql';
import { dataOf, execute, identity, quietLogger } from '@erp/kit/test/graphql';
import { httpInventory } from './inventory';
import { createSalesSubgraph } from './server';
import {
  anyCustomer,
  CREATE,
  lines,
  manager,
  product,
  SECRET,
  stockOf,
  world,
  type World,
} from './services/test-helpers';

/** The HTTP client of the catalog's stock, against the catalog subgraph listening on a real port. */
let w: World;
let http: Listening;
let url: string;

beforeAll(async () => {
  w = await world();
  http = await w.catalog.listen(0);
  url = `${http.url}/graphql`;
});
afterAll(async () => {
  await http.close();
  await w.stop();
});

test('reserve / release / ship over HTTP with the sales service identity; catalog errors come back typed', async () => {
  const p = await product(w, 'HTTP-A', 5);
  const inv = httpInventory(url, SECRET);
  const who = identity('MANAGER', 1);
  const order = (id: number) => ({ id, number: `SO-HTTP-${id}`, warehouseId: Number(w.warehouseId) });
  await inv.reserve(who, order(9001), [{ productId: Number(p), quantity: 3 }]);
  expect(await stockOf(w, p)).toMatchObject({ reserved: 3 });

  const short = await inv.reserve(who, order(9002), [{ productId: Number(p), quantity: 3 }]).catch((e) => e);
  expect(short).toBeInstanceOf(InsufficientStockError);
  expect(short.details).toMatchObject({ productId: Number(p), sku: 'HTTP-A', requested: 3, available: 2 });

  await inv.ship(who, 9001);
  expect(await stockOf(w, p)).toEqual({ on_hand: 2, reserved: 0, ledger: 2, active: 0 });
  const none = await inv.ship(who, 9001).catch((e) => e);
  expect(none).toBeInstanceOf(AppError);
  expect(none.code).toBe('NOT_FOUND');
  // the catalog's audit keeps the person the workflow acted for
  const { rows } = await w.db.pool.query(
    `SELECT user_id FROM platform.audit_log WHERE operation = 'shipOrderStock' ORDER BY id DESC LIMIT 1`,
  );
  expect(rows).toEqual([{ user_id: 1 }]);

  // another secret: refused by the catalog, reported as a fault (not a client error)
  const unsigned = await httpInventory(url, 'y'.repeat(32))
    .release(who, 9001)
    .catch((e) => e);
  expect(unsigned).not.toBeInstanceOf(AppError);
  expect(unsigned.message).toContain('UNAUTHENTICATED');
});

test("a person's signed identity cannot reach the order stock operations over HTTP", async () => {
  const p = await product(w, 'HTTP-C', 5);
  await httpInventory(url, SECRET).reserve(
    manager,
    { id: 9100, number: 'SO-HTTP-9100', warehouseId: Number(w.warehouseId) },
    [{ productId: Number(p), quantity: 2 }],
  );
  for (const role of ['ADMIN', 'MANAGER', 'SALES', 'WAREHOUSE'] as const) {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [IDENTITY_HEADER]: await signIdentity(SECRET, identity(role, 3)),
      },
      body: JSON.stringify({ query: `mutation { releaseOrderStock(orderId: "9100") { status } }` }),
    });
    const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  }
  expect(await stockOf(w, p)).toMatchObject({ reserved: 2, active: 2 });
});

test('the sales subgraph confirms and ships through the HTTP client', async () => {
  const p = await product(w, 'HTTP-B', 4);
  const sales = await createSalesSubgraph({
    pool: w.db.pool,
    log: quietLogger(),
    identitySecret: SECRET,
    production: false,
    inventory: httpInventory(url, SECRET),
    customers: anyCustomer,
  });
  try {
    const order = dataOf(
      await execute(sales, manager, CREATE, {
        input: { customerId: '1', warehouseId: w.warehouseId, lines: lines([p, 4]) },
      }),
    ).createOrder;
    dataOf(
      await execute(sales, manager, `mutation($id: ID!) { confirmOrder(id: $id) { status } }`, {
        id: order.id,
      }),
    );
    expect(await stockOf(w, p)).toMatchObject({ on_hand: 4, reserved: 4 });
    const other = dataOf(
      await execute(sales, manager, CREATE, {
        input: { customerId: '1', warehouseId: w.warehouseId, lines: lines([p, 1]) },
      }),
    ).createOrder;
    const refused = await execute(sales, manager, `mutation($id: ID!) { confirmOrder(id: $id) { status } }`, {
      id: other.id,
    });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'INSUFFICIENT_STOCK', sku: 'HTTP-B' });
    dataOf(
      await execute(sales, manager, `mutation($id: ID!) { shipOrder(id: $id) { status } }`, {
        id: order.id,
      }),
    );
    expect(await stockOf(w, p)).toEqual({ on_hand: 0, reserved: 0, ledger: 0, active: 0 });
  } finally {
    await sales.stop();
  }
});
