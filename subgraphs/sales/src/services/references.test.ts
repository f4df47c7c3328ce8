import { dataOf, execute, identity, quietLogger } from '@erp/kit/test/graphql';
import { createCustomersSubgraph } from '@erp/subgraph-customers';
import { localCustomers } from '../inventory';
import { CREATE, lines, manager, product, SECRET, world, type World } from './test-helpers';

/**
 * No order without real references: createOrder accepted any customerId or warehouseId (another
 * rep's customer, one that does not exist), the order committed, and reads of it then showed
 * nothing. The customers are checked against the customers subgraph, as each user sees them.
 */
let w: World;
let customers: Awaited<ReturnType<typeof createCustomersSubgraph>>;
const alice = identity('SALES', 21);
const bob = identity('SALES', 22);
const ids: Record<string, string> = {};

beforeAll(async () => {
  w = await world(undefined, {
    customers: async (pool) => {
      customers = await createCustomersSubgraph({
        pool,
        log: quietLogger(),
        identitySecret: SECRET,
        production: false,
      });
      return localCustomers(customers);
    },
  });
  await w.db.pool.query(`
    INSERT INTO customers.countries (code, name) VALUES ('FR', 'France');
    INSERT INTO customers.regions (country_code, name) VALUES ('FR', 'Rhône');
    INSERT INTO customers.cities (region_id, name) SELECT id, 'Lyon' FROM customers.regions;`);
  for (const [code, rep, status] of [
    ['ALICE-1', 21, 'ACTIVE'],
    ['BOB-1', 22, 'ACTIVE'],
    ['GONE', 21, 'INACTIVE'],
  ] as const) {
    const { rows } = await w.db.pool.query(
      `INSERT INTO customers.customers (code, name, email, city_id, sales_rep_id, status) SELECT $1, $1, lower($1) || '@example.test', id, $2, $3 FROM customers.cities RETURNING id`,
      [code, rep, status],
    );
    ids[code] = String(rows[0].id);
  }
}, 30_000);
afterAll(async () => {
  await customers.stop();
  await w.stop();
});

const count = async () =>
  (await w.db.pool.query(`SELECT count(*)::int AS n FROM sales.orders`)).rows[0].n as number;

test('createOrder accepted a customer, warehouse or product that does not exist: refused, naming the field, and nothing is written', async () => {
  const p = await product(w, 'REF-P', 0);
  const before = await count();
  const ok = { customerId: ids['ALICE-1'], warehouseId: w.warehouseId, lines: lines([p, 1]) };
  const cases: [Record<string, unknown>, string][] = [
    [{ ...ok, customerId: '999999' }, 'input.customerId'],
    [{ ...ok, warehouseId: '999999' }, 'input.warehouseId'],
    [{ ...ok, lines: lines(['999999', 1]) }, 'input.lines[0].productId'],
  ];
  for (const [input, field] of cases) {
    const res = await execute(w.sales, manager, CREATE, { input });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  }
  expect(await count()).toBe(before);
  expect(dataOf(await execute(w.sales, manager, CREATE, { input: ok })).createOrder.customer).toEqual({
    id: ids['ALICE-1'],
  });
});

test('createOrder accepted an inactive customer or a discontinued product: refused, naming the field', async () => {
  const p = await product(w, 'REF-OLD', 0);
  dataOf(
    await execute(
      w.catalog,
      manager,
      `mutation($id: ID!) { updateProduct(id: $id, input: {status: DISCONTINUED}) { id } }`,
      { id: p },
    ),
  );
  const fresh = await product(w, 'REF-NEW', 0);
  const inactive = await execute(w.sales, manager, CREATE, {
    input: { customerId: ids.GONE, warehouseId: w.warehouseId, lines: lines([fresh, 1]) },
  });
  expect(inactive.errors?.[0]?.extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'input.customerId',
  });
  expect(inactive.errors?.[0]?.message).toContain('inactive');
  const old = await execute(w.sales, manager, CREATE, {
    input: { customerId: ids['ALICE-1'], warehouseId: w.warehouseId, lines: lines([fresh, 1], [p, 1]) },
  });
  expect(old.errors?.[0]?.extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'input.lines[1].productId',
  });
});

test("a SALES rep could order for another rep's customer: refused with the same answer as a missing customer", async () => {
  const p = await product(w, 'REF-REP', 0);
  const before = await count();
  const theirs = await execute(w.sales, alice, CREATE, {
    input: { customerId: ids['BOB-1'], warehouseId: w.warehouseId, lines: lines([p, 1]) },
  });
  const missing = await execute(w.sales, alice, CREATE, {
    input: { customerId: '999998', warehouseId: w.warehouseId, lines: lines([p, 1]) },
  });
  expect(theirs.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.customerId' });
  expect(theirs.errors?.[0]?.message.replace(ids['BOB-1']!, 'ID')).toBe(
    missing.errors?.[0]?.message.replace('999998', 'ID'),
  );
  expect(await count()).toBe(before);
  expect(
    dataOf(
      await execute(w.sales, alice, CREATE, {
        input: { customerId: ids['ALICE-1'], warehouseId: w.warehouseId, lines: lines([p, 1]) },
      }),
    ).createOrder.salesRepId,
  ).toBe('21');
  expect(
    dataOf(
      await execute(w.sales, bob, CREATE, {
        input: { customerId: ids['BOB-1'], warehouseId: w.warehouseId, lines: lines([p, 1]) },
      }),
    ).createOrder.salesRepId,
  ).toBe('22');
});

test('updateOrder accepted a warehouse or product that does not exist: refused, naming the field, the order unchanged', async () => {
  const p = await product(w, 'REF-UPD', 0);
  const order = dataOf(
    await execute(w.sales, manager, CREATE, {
      input: { customerId: ids['ALICE-1'], warehouseId: w.warehouseId, lines: lines([p, 2]) },
    }),
  ).createOrder;
  const UPDATE = `mutation($id: ID!, $input: UpdateOrderInput!) { updateOrder(id: $id, input: $input) { id warehouse { id } lines { quantity } } }`;
  const wh = await execute(w.sales, manager, UPDATE, { id: order.id, input: { warehouseId: '999999' } });
  expect(wh.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.warehouseId' });
  const pr = await execute(w.sales, manager, UPDATE, {
    id: order.id,
    input: { lines: lines(['999999', 1]) },
  });
  expect(pr.errors?.[0]?.extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'input.lines[0].productId',
  });
  const now = dataOf(
    await execute(
      w.sales,
      manager,
      `query($id: ID!) { order(id: $id) { warehouse { id } lines { quantity } } }`,
      { id: order.id },
    ),
  ).order;
  expect(now).toEqual({ warehouse: { id: w.warehouseId }, lines: [{ quantity: 2 }] });
});
