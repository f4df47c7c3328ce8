import { AppError, InsufficientStockError } from '@erp/kit';
import type { Listening } from '@erp/kit/graphql';
import { dataOf, execute, identity, quietLogger } from '@erp/kit/test/graphql';
import { httpInventory } from './inventory';
import { createSalesSubgraph } from './server';
import { CREATE, lines, manager, product, SECRET, stockOf, world, type World } from './services/test-helpers';

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

test('reserve / release / ship over HTTP with the signed identity; catalog errors come back typed', async () => {
  const p = await product(w, 'HTTP-A', 5);
  const inv = httpInventory(url, SECRET);
  const who = identity('MANAGER', 1);
  await inv.reserve(who, 'SO-HTTP-1', Number(w.warehouseId), [{ productId: Number(p), quantity: 3 }]);
  expect(await stockOf(w, p)).toMatchObject({ reserved: 3 });

  const short = await inv.reserve(who, 'SO-HTTP-2', Number(w.warehouseId), [{ productId: Number(p), quantity: 3 }]).catch((e) => e);
  expect(short).toBeInstanceOf(InsufficientStockError);
  expect(short.details).toMatchObject({ productId: Number(p), sku: 'HTTP-A', requested: 3, available: 2 });

  await inv.ship(who, 'SO-HTTP-1');
  expect(await stockOf(w, p)).toEqual({ on_hand: 2, reserved: 0, ledger: 2, active: 0 });
  const none = await inv.release(who, 'SO-HTTP-1').catch((e) => e);
  expect(none).toBeInstanceOf(AppError);
  expect(none.code).toBe('NOT_FOUND');

  // the catalog's matrix applies to the forwarded identity: a WAREHOUSE user may not reserve
  const forbidden = await inv.reserve(identity('WAREHOUSE', 9), 'SO-HTTP-3', Number(w.warehouseId), [{ productId: Number(p), quantity: 1 }]).catch((e) => e);
  expect(forbidden.code).toBe('FORBIDDEN');
  // another secret: refused by the catalog, reported as a fault (not a client error)
  const unsigned = await httpInventory(url, 'y'.repeat(32)).release(who, 'SO-HTTP-1').catch((e) => e);
  expect(unsigned).not.toBeInstanceOf(AppError);
  expect(unsigned.message).toContain('UNAUTHENTICATED');
});

test('the sales subgraph confirms and ships through the HTTP client', async () => {
  const p = await product(w, 'HTTP-B', 4);
  const sales = await createSalesSubgraph({ pool: w.db.pool, log: quietLogger(), identitySecret: SECRET, production: false, inventory: httpInventory(url, SECRET) });
  try {
    const order = dataOf(await execute(sales as never, manager, CREATE, { input: { customerId: '1', warehouseId: w.warehouseId, lines: lines([p, 4]) } })).createOrder;
    dataOf(await execute(sales as never, manager, `mutation($id: ID!) { confirmOrder(id: $id) { status } }`, { id: order.id }));
    expect(await stockOf(w, p)).toMatchObject({ on_hand: 4, reserved: 4 });
    const other = dataOf(await execute(sales as never, manager, CREATE, { input: { customerId: '1', warehouseId: w.warehouseId, lines: lines([p, 1]) } })).createOrder;
    const refused = await execute(sales as never, manager, `mutation($id: ID!) { confirmOrder(id: $id) { status } }`, { id: other.id });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'INSUFFICIENT_STOCK', sku: 'HTTP-B' });
    dataOf(await execute(sales as never, manager, `mutation($id: ID!) { shipOrder(id: $id) { status } }`, { id: order.id }));
    expect(await stockOf(w, p)).toEqual({ on_hand: 0, reserved: 0, ledger: 0, active: 0 });
  } finally {
    await sales.stop();
  }
});
