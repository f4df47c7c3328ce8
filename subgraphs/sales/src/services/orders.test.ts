import { countStatements } from '@erp/kit/db/tx';
import type { TestDatabase } from '@erp/kit/test/db';
import { dataOf, execute, identity } from '@erp/kit/test/graphql';
import { subgraphUnderTest } from '@erp/kit/test/subgraph';
import { createSalesSubgraph } from '../server';
import { anyCustomer, stocklessInventory } from './test-helpers';

/** Reads, row-level rules and federation entities; the stock is not involved (no order is confirmed). */
let db: TestDatabase;
let counter: ReturnType<typeof countStatements>;
/** How many counts one pool.query makes (1: countStatements counts at the client); measured, not assumed. */
let perQuery = 1;
const statements = () => counter.count / perQuery;
const manager = identity('MANAGER', 1);
const alice = identity('SALES', 21);
const bob = identity('SALES', 22);
const warehouseUser = identity('WAREHOUSE', 30);
const noStock = stocklessInventory(
  async (_who, ids) => new Map(ids.map((id) => [id, { listPrice: '1.00', status: 'ACTIVE' }])),
);

const sales = subgraphUnderTest(async (opts, testDb) => {
  db = testDb;
  counter = countStatements(db.pool); // once, so that every pooled client is counted alike
  counter.reset();
  await db.pool.query('SELECT 1');
  perQuery = counter.count;
  return createSalesSubgraph({ ...opts, inventory: noStock, customers: anyCustomer });
});

beforeAll(async () => {
  // 120 orders: customers 1..12, reps alice (even) / bob (odd), 3 lines each, a DRAFT history row each.
  await db.pool.query(`
    INSERT INTO sales.orders (id, number, customer_id, sales_rep_id, warehouse_id, ordered_at)
    SELECT i, format('T-%s', lpad(i::text, 4, '0')), 1 + i % 12, CASE WHEN i % 2 = 0 THEN 21 ELSE 22 END, 1 + i % 2,
           timestamptz '2024-01-01' + i * interval '1 day'
    FROM generate_series(1, 120) i;
    SELECT setval(pg_get_serial_sequence('sales.orders', 'id'), 120);
    INSERT INTO sales.order_lines (order_id, line_no, product_id, quantity, unit_price, discount, tax_rate)
    SELECT o, n, 100 + n, n, '19.99', '0.1', '0.2' FROM generate_series(1, 120) o, generate_series(1, 3) n;
    INSERT INTO sales.order_status_history (order_id, from_status, to_status, changed_by) SELECT i, NULL, 'DRAFT', 1 FROM generate_series(1, 120) i;
  `);
});

const PAGE = `query($first: Int, $after: String, $filter: OrderFilter, $orderBy: OrderOrder) {
  orders(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id number status salesRepId customer { id } warehouse { id }
      lines { lineNo product { id } quantity netAmount taxAmount grossAmount } totals { netAmount taxAmount grossAmount }
      statusHistory { fromStatus toStatus changedBy } } } } }`;

test('_entities resolves an Order, and null for an order a SALES user may not see', async () => {
  const q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id number salesRepId totals { grossAmount } } } }`;
  const reps = [
    { __typename: 'Order', id: '2' },
    { __typename: 'Order', id: '3' },
    { __typename: 'Order', id: '9999' },
  ];
  const asManager = dataOf(await execute(sales, manager, q, { r: reps }));
  // per line: 19.99 × n × 0.9 → 17.99 / 35.98 / 53.97; tax 3.60 / 7.20 / 10.79
  expect(asManager._entities).toEqual([
    { id: '2', number: 'T-0002', salesRepId: '21', totals: { grossAmount: '129.53' } },
    { id: '3', number: 'T-0003', salesRepId: '22', totals: { grossAmount: '129.53' } },
    null,
  ]);
  const asAlice = dataOf(await execute(sales, alice, q, { r: reps }));
  expect(asAlice._entities).toEqual([
    { id: '2', number: 'T-0002', salesRepId: '21', totals: { grossAmount: '129.53' } },
    null,
    null,
  ]);
  const asPurchasing = dataOf(await execute(sales, identity('PURCHASING', 40), q, { r: reps }));
  expect(asPurchasing._entities).toEqual([null, null, null]);
});

test('_entities resolves Customer with the orders this subgraph contributes, filtered by row-level rules', async () => {
  const q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id orders(first: 3, orderBy: {field: NUMBER, direction: ASC}) {
    totalCount pageInfo { hasNextPage } edges { node { number customer { id } } } } } } }`;
  const reps = [
    { __typename: 'Customer', id: '1' },
    { __typename: 'Customer', id: '2' },
    { __typename: 'Customer', id: '777' },
  ];
  counter.reset();
  const res = dataOf(await execute(sales, manager, q, { r: reps }));
  expect(statements()).toBe(2); // one windowed page query + one count, for all the customers
  // customer 1: orders 12, 24, …, 120 (10 orders); customer 2: 1, 13, …, 109 (10 orders)
  expect(res._entities[0]).toEqual({
    id: '1',
    orders: {
      totalCount: 10,
      pageInfo: { hasNextPage: true },
      edges: [
        { node: { number: 'T-0012', customer: { id: '1' } } },
        { node: { number: 'T-0024', customer: { id: '1' } } },
        { node: { number: 'T-0036', customer: { id: '1' } } },
      ],
    },
  });
  expect(res._entities[1].orders.edges[0].node.number).toBe('T-0001');
  expect(res._entities[2]).toEqual({
    id: '777',
    orders: { totalCount: 0, pageInfo: { hasNextPage: false }, edges: [] },
  });
  // customer 2's orders all have an odd id: bob's, none of alice's
  const asAlice = dataOf(await execute(sales, alice, q, { r: reps }));
  expect(asAlice._entities[0].orders.totalCount).toBe(10);
  expect(asAlice._entities[1].orders).toEqual({ totalCount: 0, pageInfo: { hasNextPage: false }, edges: [] });

  // the next page through the cursor
  const page2 = `query($r: [_Any!]!, $after: String) { _entities(representations: $r) { ... on Customer { orders(first: 3, after: $after, orderBy: {field: NUMBER, direction: ASC}) {
    edges { cursor node { number } } } } } }`;
  const first = dataOf(await execute(sales, manager, page2, { r: [reps[0]] }))._entities[0].orders.edges;
  const next = dataOf(await execute(sales, manager, page2, { r: [reps[0]], after: first[2].cursor }))
    ._entities[0].orders.edges;
  expect(next.map((e: { node: { number: string } }) => e.node.number)).toEqual([
    'T-0048',
    'T-0060',
    'T-0072',
  ]);
});

test('a page of 100 orders with lines, totals and history runs a constant, small number of statements', async () => {
  for (const first of [5, 100]) {
    counter.reset();
    const res = dataOf(await execute(sales, manager, PAGE, { first }));
    expect(res.orders.edges).toHaveLength(first);
    expect(res.orders.edges[0].node.lines).toHaveLength(3);
    expect(res.orders.edges[0].node.statusHistory).toEqual([
      { fromStatus: null, toStatus: 'DRAFT', changedBy: '1' },
    ]);
    expect(statements()).toBe(4); // page, count, lines (with amounts), history — whatever the page size
  }
});

test('totalCount is counted only when selected, and is right when it is', async () => {
  const BARE = `query($first: Int, $filter: OrderFilter) { orders(first: $first, filter: $filter) { pageInfo { hasNextPage } edges { node { number lines { quantity } } } } }`;
  const COUNTED = `query($first: Int, $filter: OrderFilter) { orders(first: $first, filter: $filter) { totalCount edges { node { number } } } }`;
  const statementsOf = async (q: string, variables: Record<string, unknown>, who = manager) => {
    counter.reset();
    const data = dataOf(await execute(sales, who, q, variables));
    return { data, n: statements() };
  };
  expect((await statementsOf(BARE, { first: 5 })).n).toBe(2); // the page and its lines: no count
  const all = await statementsOf(COUNTED, { first: 5 });
  expect(all.n).toBe(2); // the page and the count
  const truth = async (where: string) =>
    (await db.pool.query(`SELECT count(*)::int AS n FROM sales.orders WHERE ${where}`)).rows[0].n;
  expect(all.data.orders.totalCount).toBe(await truth('TRUE'));
  // with a filter, and under a row-level rule
  expect(
    (await statementsOf(COUNTED, { first: 1, filter: { customerId: '3' } })).data.orders.totalCount,
  ).toBe(await truth('customer_id = 3'));
  expect((await statementsOf(COUNTED, { first: 1 }, alice)).data.orders.totalCount).toBe(
    await truth('sales_rep_id = 21'),
  );
  // Customer.orders: the grouped count only when asked
  const ENTITY = (count: boolean) =>
    `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { orders(first: 2) { ${count ? 'totalCount' : ''} edges { node { number } } } } } }`;
  const reps = {
    r: [
      { __typename: 'Customer', id: '1' },
      { __typename: 'Customer', id: '2' },
    ],
  };
  expect((await statementsOf(ENTITY(false), reps)).n).toBe(1);
  const grouped = await statementsOf(ENTITY(true), reps);
  expect(grouped.n).toBe(2);
  expect(grouped.data._entities.map((e: { orders: { totalCount: number } }) => e.orders.totalCount)).toEqual([
    await truth('customer_id = 1'),
    await truth('customer_id = 2'),
  ]);
});

test('pages are stable: every order once across pages, in every sort, both directions, with ties on the sort key', async () => {
  // ties: 6 more orders sharing one ordered_at, the page boundary falling among them
  await db.pool
    .query(`INSERT INTO sales.orders (id, number, customer_id, sales_rep_id, warehouse_id, ordered_at)
    SELECT 900 + i, format('TIE-%s', i), 1, 21, 1, timestamptz '2024-02-15 12:00:00.123456+00' FROM generate_series(1, 6) i`);
  try {
    const total = (await db.pool.query(`SELECT count(*)::int AS n FROM sales.orders`)).rows[0].n;
    const Q = `query($after: String, $orderBy: OrderOrder) { orders(first: 7, after: $after, orderBy: $orderBy) { edges { node { number orderedAt } } pageInfo { hasNextPage endCursor } } }`;
    for (const field of ['ORDERED_AT', 'NUMBER', 'UPDATED_AT']) {
      for (const direction of ['ASC', 'DESC']) {
        const seen: string[] = [];
        let after: string | null = null;
        for (let guard = 0; guard < 100; guard++) {
          const page: {
            orders: {
              edges: { node: { number: string } }[];
              pageInfo: { hasNextPage: boolean; endCursor: string };
            };
          } = dataOf(await execute(sales, manager, Q, { after, orderBy: { field, direction } }));
          seen.push(...page.orders.edges.map((e) => e.node.number));
          if (!page.orders.pageInfo.hasNextPage) break;
          after = page.orders.pageInfo.endCursor;
        }
        expect([field, direction, seen.length, new Set(seen).size]).toEqual([field, direction, total, total]);
      }
    }
  } finally {
    await db.pool.query(`DELETE FROM sales.orders WHERE id > 900 AND id <= 906`);
  }
});

test('list: newest first by default, keyset pages by cursor, filters, totalCount', async () => {
  const all = dataOf(await execute(sales, manager, PAGE, { first: 100 }));
  expect(all.orders.totalCount).toBe(120);
  expect(all.orders.edges[0].node.number).toBe('T-0120');
  const seen: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page: {
      orders: {
        edges: { node: { number: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    } = dataOf(
      await execute(sales, manager, PAGE, {
        first: 50,
        after,
        orderBy: { field: 'NUMBER', direction: 'ASC' },
      }),
    );
    seen.push(...page.orders.edges.map((e) => e.node.number));
    if (!page.orders.pageInfo.hasNextPage) break;
    after = page.orders.pageInfo.endCursor;
  }
  expect(seen).toHaveLength(120);
  expect(seen[0]).toBe('T-0001');
  expect(new Set(seen).size).toBe(120);

  const filtered = dataOf(
    await execute(sales, manager, PAGE, {
      filter: { customerId: '3', warehouseId: '2', from: '2024-01-01T00:00:00Z', to: '2024-03-01T00:00:00Z' },
    }),
  );
  // customer 3: ids 2, 14, 26, 38, 50 …; warehouse 2 ⇔ odd id → none; warehouse 1 ⇔ even
  expect(filtered.orders.totalCount).toBe(0);
  const byDate = dataOf(
    await execute(sales, manager, PAGE, {
      filter: { customerId: '3', from: '2024-01-01T00:00:00Z', to: '2024-03-01T00:00:00Z' },
    }),
  );
  expect(byDate.orders.edges.map((e: { node: { number: string } }) => e.node.number)).toEqual([
    'T-0050',
    'T-0038',
    'T-0026',
    'T-0014',
    'T-0002',
  ]);
  const search = dataOf(await execute(sales, manager, PAGE, { filter: { search: '011' } }));
  expect(search.orders.edges.map((e: { node: { number: string } }) => e.node.number).sort()).toEqual(
    [
      'T-0011',
      'T-0110',
      'T-0111',
      'T-0112',
      'T-0113',
      'T-0114',
      'T-0115',
      'T-0116',
      'T-0117',
      'T-0118',
      'T-0119',
    ].sort(),
  );
  const bad = await execute(sales, manager, PAGE, { filter: { customerId: 'x' } });
  expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.customerId' });
});

test('a SALES user sees and acts on their own orders only; WAREHOUSE sees them all', async () => {
  const mine = dataOf(await execute(sales, alice, PAGE, { first: 100 }));
  expect(mine.orders.totalCount).toBe(60);
  expect(mine.orders.edges.every((e: { node: { salesRepId: string } }) => e.node.salesRepId === '21')).toBe(
    true,
  );
  const spoof = dataOf(await execute(sales, alice, PAGE, { filter: { salesRepId: '22' } }));
  expect(spoof.orders.totalCount).toBe(0);

  const ORDER = `query($id: ID, $n: String) { order(id: $id, number: $n) { number } }`;
  expect(dataOf(await execute(sales, alice, ORDER, { id: '2' })).order.number).toBe('T-0002');
  const other = await execute(sales, alice, ORDER, { id: '3' });
  expect(other.data?.order).toBeNull();
  expect(other.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  const otherByNumber = await execute(sales, alice, ORDER, { n: 'T-0003' });
  expect(otherByNumber.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  const missing = await execute(sales, alice, ORDER, { id: '9999' });
  expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

  // acting on another's order: NOT_FOUND (no leak), and nothing changes
  const cancel = await execute(
    sales,
    alice,
    `mutation { cancelOrder(id: "3", reason: "not mine") { status } }`,
  );
  expect(cancel.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  const upd = await execute(
    sales,
    alice,
    `mutation { updateOrder(id: "3", input: {notes: "x"}) { status } }`,
  );
  expect(upd.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  const { rows } = await db.pool.query(`SELECT status, notes FROM sales.orders WHERE id = 3`);
  expect(rows[0]).toEqual({ status: 'DRAFT', notes: null });
  // …but on their own, yes
  expect(
    dataOf(await execute(sales, alice, `mutation { cancelOrder(id: "4", reason: "mine") { status } }`))
      .cancelOrder.status,
  ).toBe('CANCELLED');

  // orders they create are theirs; they cannot create one for another rep
  const CREATE = `mutation($rep: ID) { createOrder(input: {customerId: "5", warehouseId: "1", salesRepId: $rep, lines: [{productId: "1", quantity: 1, unitPrice: "1"}]}) { salesRepId } }`;
  expect(dataOf(await execute(sales, bob, CREATE)).createOrder.salesRepId).toBe('22');
  const forOther = await execute(sales, bob, CREATE, { rep: '21' });
  expect(forOther.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  expect(dataOf(await execute(sales, manager, CREATE, { rep: '21' })).createOrder.salesRepId).toBe('21');

  const all = dataOf(await execute(sales, warehouseUser, PAGE, { first: 1 }));
  expect(all.orders.totalCount).toBe(122);
  expect(dataOf(await execute(sales, warehouseUser, ORDER, { id: '3' })).order.number).toBe('T-0003');
});
