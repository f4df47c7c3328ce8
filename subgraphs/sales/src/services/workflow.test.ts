import { dataOf, execute, identity } from '@erp/kit/test/graphql';
import {
  CREATE,
  failingStep,
  lines,
  manager,
  ORDER_FIELDS,
  product,
  stockOf,
  world,
  type World,
} from './test-helpers';

let w: World;
const warehouseUser = identity('WAREHOUSE', 7);

beforeAll(async () => {
  w = await world(undefined, { separatePools: true });
});
afterAll(async () => {
  await w.stop();
});

const act = (name: string, extra = '') => `mutation($id: ID!, $k: String${extra ? `, ${extra}` : ''}) {
  ${name}(id: $id, idempotencyKey: $k${extra ? ', reason: $reason' : ''}) { ${ORDER_FIELDS} } }`;
const CONFIRM = act('confirmOrder');
const SHIP = act('shipOrder');
const DELIVER = act('deliverOrder');
const CANCEL = act('cancelOrder', '$reason: String!');

/** A DRAFT order of customer 100 at the test warehouse. */
async function newOrder(
  ls: { productId: string; quantity: number; unitPrice?: string; discount?: string; taxRate?: string }[],
  who = manager,
) {
  return dataOf(
    await execute(w.sales, who, CREATE, {
      input: { customerId: '100', warehouseId: w.warehouseId, lines: ls },
    }),
  ).createOrder;
}

test('the full workflow DRAFT → CONFIRMED → SHIPPED → DELIVERED reserves, then ships the stock', async () => {
  const a = await product(w, 'WF-A', 20);
  const b = await product(w, 'WF-B', 20);
  const order = await newOrder(lines([a, 3], [b, 2]));
  expect(order).toMatchObject({ status: 'DRAFT', customer: { id: '100' }, warehouse: { id: w.warehouseId } });
  expect(order.number).toMatch(/^SO-\d{7,}$/);
  expect(order.statusHistory).toEqual([{ fromStatus: null, toStatus: 'DRAFT', changedBy: '1', note: null }]);

  const confirmed = dataOf(await execute(w.sales, manager, CONFIRM, { id: order.id })).confirmOrder;
  expect(confirmed.status).toBe('CONFIRMED');
  expect(await stockOf(w, a)).toEqual({ on_hand: 20, reserved: 3, ledger: 20, active: 3 });
  expect(await stockOf(w, b)).toEqual({ on_hand: 20, reserved: 2, ledger: 20, active: 2 });

  const shipped = dataOf(await execute(w.sales, warehouseUser, SHIP, { id: order.id })).shipOrder;
  expect(shipped.status).toBe('SHIPPED');
  expect(await stockOf(w, a)).toEqual({ on_hand: 17, reserved: 0, ledger: 17, active: 0 });
  expect(await stockOf(w, b)).toEqual({ on_hand: 18, reserved: 0, ledger: 18, active: 0 });
  const { rows: ledger } = await w.db.pool.query(
    `SELECT product_id::text AS p, kind, quantity FROM inventory.stock_movements WHERE reference = $1 ORDER BY product_id`,
    [order.number],
  );
  expect(ledger).toEqual([
    { p: a, kind: 'SHIPMENT', quantity: -3 },
    { p: b, kind: 'SHIPMENT', quantity: -2 },
  ]);

  const delivered = dataOf(await execute(w.sales, warehouseUser, DELIVER, { id: order.id })).deliverOrder;
  expect(delivered.status).toBe('DELIVERED');
  expect(delivered.statusHistory.map((h: { toStatus: string }) => h.toStatus)).toEqual([
    'DRAFT',
    'CONFIRMED',
    'SHIPPED',
    'DELIVERED',
  ]);
  expect(delivered.statusHistory[2]).toMatchObject({ fromStatus: 'CONFIRMED', changedBy: '7' });
  const { rows: stamps } = await w.db.pool.query(
    `SELECT confirmed_at IS NOT NULL AS c, shipped_at IS NOT NULL AS s, delivered_at IS NOT NULL AS d FROM sales.orders WHERE id = $1`,
    [order.id],
  );
  expect(stamps[0]).toEqual({ c: true, s: true, d: true });
  const { rows: audit } = await w.db.pool.query(
    `SELECT operation FROM platform.audit_log WHERE entity = 'Order' AND entity_id = $1 ORDER BY id`,
    [order.id],
  );
  expect(audit.map((r) => r.operation)).toEqual(['createOrder', 'confirmOrder', 'shipOrder', 'deliverOrder']);
});

test('cancelling a CONFIRMED order releases its stock; cancelling a DRAFT holds nothing', async () => {
  const p = await product(w, 'CAN-A', 5);
  const order = await newOrder(lines([p, 4]));
  dataOf(await execute(w.sales, manager, CONFIRM, { id: order.id }));
  expect(await stockOf(w, p)).toMatchObject({ on_hand: 5, reserved: 4 });
  const cancelled = dataOf(
    await execute(w.sales, manager, CANCEL, { id: order.id, reason: 'customer changed their mind' }),
  ).cancelOrder;
  expect(cancelled.status).toBe('CANCELLED');
  expect(cancelled.statusHistory.at(-1)).toMatchObject({
    fromStatus: 'CONFIRMED',
    toStatus: 'CANCELLED',
    note: 'customer changed their mind',
  });
  expect(await stockOf(w, p)).toEqual({ on_hand: 5, reserved: 0, ledger: 5, active: 0 });
  const { rows } = await w.db.pool.query(
    `SELECT status FROM inventory.stock_reservations WHERE reference = $1`,
    [order.number],
  );
  expect(rows).toEqual([{ status: 'RELEASED' }]);

  const draft = await newOrder(lines([p, 1]));
  const c2 = dataOf(
    await execute(w.sales, manager, CANCEL, { id: draft.id, reason: 'duplicate' }),
  ).cancelOrder;
  expect(c2.status).toBe('CANCELLED');
  expect(await stockOf(w, p)).toMatchObject({ on_hand: 5, reserved: 0 });
});

test('invalid transitions are refused with INVALID_TRANSITION and change nothing', async () => {
  const p = await product(w, 'INV-A', 10);
  const draft = await newOrder(lines([p, 1]));
  const ship = await execute(w.sales, manager, SHIP, { id: draft.id });
  expect(ship.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
  expect(ship.errors?.[0]?.message).toContain('DRAFT');
  const deliver = await execute(w.sales, manager, DELIVER, { id: draft.id });
  expect(deliver.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');

  dataOf(await execute(w.sales, manager, CONFIRM, { id: draft.id }));
  const again = await execute(w.sales, manager, CONFIRM, { id: draft.id });
  expect(again.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
  expect(await stockOf(w, p)).toMatchObject({ reserved: 1 });
  dataOf(await execute(w.sales, manager, SHIP, { id: draft.id }));
  const cancel = await execute(w.sales, manager, CANCEL, { id: draft.id, reason: 'too late' });
  expect(cancel.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
  const { rows } = await w.db.pool.query(`SELECT status FROM sales.orders WHERE id = $1`, [draft.id]);
  expect(rows[0].status).toBe('SHIPPED');
  expect(await stockOf(w, p)).toEqual({ on_hand: 9, reserved: 0, ledger: 9, active: 0 });
});

test('a confirmation with one line short of stock fails with INSUFFICIENT_STOCK naming that product, and reserves nothing', async () => {
  const plenty = await product(w, 'SHORT-OK', 50);
  const short = await product(w, 'SHORT-KO', 2);
  const order = await newOrder(lines([plenty, 5], [short, 3]));
  const res = await execute(w.sales, manager, CONFIRM, { id: order.id });
  expect(res.errors?.[0]?.extensions).toMatchObject({
    code: 'INSUFFICIENT_STOCK',
    productId: Number(short),
    requested: 3,
    available: 2,
  });
  expect(res.errors?.[0]?.message).toContain('SHORT-KO');
  expect(await stockOf(w, plenty)).toEqual({ on_hand: 50, reserved: 0, ledger: 50, active: 0 });
  expect(await stockOf(w, short)).toEqual({ on_hand: 2, reserved: 0, ledger: 2, active: 0 });
  const { rows } = await w.db.pool.query(`SELECT status FROM sales.orders WHERE id = $1`, [order.id]);
  expect(rows[0].status).toBe('DRAFT');
});

test('no oversell: 50 concurrent confirmations of one-unit orders competing for 10 units confirm exactly 10', async () => {
  const p = await product(w, 'RACE', 10);
  const orders = [];
  for (let i = 0; i < 50; i++) orders.push(await newOrder(lines([p, 1])));
  const results = await Promise.all(orders.map((o) => execute(w.sales, manager, CONFIRM, { id: o.id })));
  const ok = results.filter((r) => !r.errors).length;
  const refused = results.filter((r) => r.errors?.[0]?.extensions?.code === 'INSUFFICIENT_STOCK').length;
  expect({ ok, refused }).toEqual({ ok: 10, refused: 40 });
  const s = await stockOf(w, p);
  expect(s).toEqual({ on_hand: 10, reserved: 10, ledger: 10, active: 10 });
  expect(s.on_hand - s.reserved).toBeGreaterThanOrEqual(0);
  const { rows } = await w.db.pool.query(
    `SELECT status, count(*)::int AS n FROM sales.orders WHERE id = ANY($1) GROUP BY status ORDER BY status`,
    [orders.map((o) => Number(o.id))],
  );
  expect(rows).toEqual([
    { status: 'DRAFT', n: 40 },
    { status: 'CONFIRMED', n: 10 },
  ]);
});

test('confirm is idempotent under a key: a retry returns the first result and reserves nothing twice', async () => {
  const p = await product(w, 'IDEM', 10);
  const order = await newOrder(lines([p, 4]));
  const key = `confirm-${order.id}-attempt`;
  const [first, concurrent] = await Promise.all([
    execute(w.sales, manager, CONFIRM, { id: order.id, k: key }),
    execute(w.sales, manager, CONFIRM, { id: order.id, k: key }),
  ]);
  const again = await execute(w.sales, manager, CONFIRM, { id: order.id, k: key });
  expect(dataOf(first).confirmOrder.status).toBe('CONFIRMED');
  expect(dataOf(concurrent).confirmOrder).toEqual(dataOf(first).confirmOrder);
  expect(dataOf(again).confirmOrder).toEqual(dataOf(first).confirmOrder);
  expect(await stockOf(w, p)).toEqual({ on_hand: 10, reserved: 4, ledger: 10, active: 4 });
  const { rows } = await w.db.pool.query(
    `SELECT count(*)::int AS n FROM platform.audit_log WHERE operation = 'confirmOrder' AND entity_id = $1`,
    [order.id],
  );
  expect(rows[0].n).toBe(1);
  const { rows: hist } = await w.db.pool.query(
    `SELECT count(*)::int AS n FROM sales.order_status_history WHERE order_id = $1 AND to_status = 'CONFIRMED'`,
    [order.id],
  );
  expect(hist[0].n).toBe(1);
});

test('when the sales step fails after the stock was reserved, the reservation is released (compensation)', async () => {
  const p = await product(w, 'COMP', 10);
  const order = await newOrder(lines([p, 6]));
  await failingStep(w, 'CONFIRMED', order.number, async () => {
    const res = await execute(w.sales, manager, CONFIRM, { id: order.id });
    expect(res.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(await stockOf(w, p)).toEqual({ on_hand: 10, reserved: 0, ledger: 10, active: 0 });
    const { rows } = await w.db.pool.query(
      `SELECT status FROM inventory.stock_reservations WHERE reference = $1`,
      [order.number],
    );
    expect(rows).toEqual([{ status: 'RELEASED' }]);
  });
  // Once repaired, the order confirms normally.
  expect(dataOf(await execute(w.sales, manager, CONFIRM, { id: order.id })).confirmOrder.status).toBe(
    'CONFIRMED',
  );
  expect(await stockOf(w, p)).toMatchObject({ reserved: 6, active: 6 });
});

test('an orphan reservation of a DRAFT order (a crashed confirmation) is replaced at confirmation', async () => {
  const p = await product(w, 'ORPH', 10);
  const order = await newOrder(lines([p, 2]));
  dataOf(
    await execute(
      w.catalog,
      identity('SALES_SERVICE', 1),
      `mutation($o: ID!, $r: String!, $w: ID!, $p: ID!) { reserveOrderStock(input: {orderId: $o, orderNumber: $r, warehouseId: $w, lines: [{productId: $p, quantity: 5}]}) { quantity } }`,
      {
        o: order.id,
        r: order.number,
        w: w.warehouseId,
        p,
      },
    ),
  );
  dataOf(await execute(w.sales, manager, CONFIRM, { id: order.id }));
  expect(await stockOf(w, p)).toMatchObject({ reserved: 2, active: 2 });
});

test('totals are exact: 3 × 19.99 at 10 % discount and 20 % tax', async () => {
  const p = await product(w, 'TOT', 0);
  const q = await product(w, 'TOT2', 0);
  const order = await newOrder([
    { productId: p, quantity: 3, unitPrice: '19.99', discount: '0.1', taxRate: '0.2' },
    { productId: q, quantity: 7, unitPrice: '0.10', discount: '0', taxRate: '0.055' },
  ]);
  expect(order.lines[0]).toMatchObject({ netAmount: '53.97', taxAmount: '10.79', grossAmount: '64.76' });
  // 7 × 0.10 = 0.70; tax 0.0385 → 0.04
  expect(order.lines[1]).toMatchObject({ netAmount: '0.70', taxAmount: '0.04', grossAmount: '0.74' });
  expect(order.totals).toEqual({ netAmount: '54.67', taxAmount: '10.83', grossAmount: '65.50' });
});

test('updateOrder replaces the lines of a DRAFT order only', async () => {
  const p = await product(w, 'UPD', 10);
  const order = await newOrder(lines([p, 1], [p, 2]));
  const UPDATE = `mutation($id: ID!, $input: UpdateOrderInput!) { updateOrder(id: $id, input: $input) { ${ORDER_FIELDS} notes } }`;
  const updated = dataOf(
    await execute(w.sales, manager, UPDATE, {
      id: order.id,
      input: { lines: lines([p, 5, '2.50']), notes: 'rush' },
    }),
  ).updateOrder;
  expect(updated.lines).toHaveLength(1);
  expect(updated).toMatchObject({ notes: 'rush', totals: { netAmount: '12.50' } });
  dataOf(await execute(w.sales, manager, CONFIRM, { id: order.id }));
  const late = await execute(w.sales, manager, UPDATE, { id: order.id, input: { notes: 'too late' } });
  expect(late.errors?.[0]?.extensions?.code).toBe('CONFLICT');
});

test('a line without a unit price takes the catalog list price; an unknown product is refused by field', async () => {
  const p = await product(w, 'LIST', 0);
  const order = await newOrder([
    { productId: p, quantity: 2 },
    { productId: p, quantity: 1, unitPrice: '7.5' },
  ]);
  expect(order.lines.map((l: { unitPrice: string }) => Number(l.unitPrice))).toEqual([10, 7.5]);
  expect(order.totals.netAmount).toBe('27.50');
  const unknown = await execute(w.sales, manager, CREATE, {
    input: {
      customerId: '100',
      warehouseId: w.warehouseId,
      lines: [
        { productId: p, quantity: 1, unitPrice: '1' },
        { productId: '99999', quantity: 1 },
      ],
    },
  });
  expect(unknown.errors?.[0]?.extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'input.lines[1].productId',
  });
});

test('order numbers: generated when absent, unique when given', async () => {
  const p = await product(w, 'NUM', 0);
  const input = { customerId: '100', warehouseId: w.warehouseId, lines: lines([p, 1]), number: 'WEB-0001' };
  expect(dataOf(await execute(w.sales, manager, CREATE, { input })).createOrder.number).toBe('WEB-0001');
  const dup = await execute(w.sales, manager, CREATE, { input });
  expect(dup.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.number' });
});

test('validation errors name the field and the value', async () => {
  const p = await product(w, 'VAL', 0);
  const base = { customerId: '100', warehouseId: w.warehouseId };
  const q0 = await execute(w.sales, manager, CREATE, {
    input: { ...base, lines: [{ productId: p, quantity: 0, unitPrice: '1' }] },
  });
  expect(q0.errors?.[0]?.extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'input.lines[0].quantity',
  });
  const d = await execute(w.sales, manager, CREATE, {
    input: { ...base, lines: [{ productId: p, quantity: 1, unitPrice: '1', discount: '1.5' }] },
  });
  expect(d.errors?.[0]?.extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'input.lines[0].discount',
  });
  expect(d.errors?.[0]?.message).toContain('"1.5"');
  const c = await execute(w.sales, manager, CREATE, {
    input: { ...base, customerId: 'abc', lines: lines([p, 1]) },
  });
  expect(c.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.customerId' });
  const none = await execute(w.sales, manager, CREATE, { input: { ...base, lines: [] } });
  expect(none.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.lines' });
  const price = await execute(w.sales, manager, CREATE, {
    input: { ...base, lines: [{ productId: p, quantity: 1, unitPrice: '1.999' }] },
  });
  expect(price.errors?.[0]?.extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'input.lines[0].unitPrice',
  });
  const reason = await execute(w.sales, manager, CANCEL, { id: '1', reason: '  ' });
  expect(reason.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
});

test('roles the matrix denies get FORBIDDEN', async () => {
  const p = await product(w, 'ROLE', 5);
  const input = { customerId: '100', warehouseId: w.warehouseId, lines: lines([p, 1]) };
  const order = await newOrder(input.lines);
  const create = await execute(w.sales, warehouseUser, CREATE, { input });
  expect(create.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  const confirm = await execute(w.sales, warehouseUser, CONFIRM, { id: order.id });
  expect(confirm.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  const cancel = await execute(w.sales, warehouseUser, CANCEL, { id: order.id, reason: 'no' });
  expect(cancel.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  const ship = await execute(w.sales, identity('SALES', 3), SHIP, { id: order.id });
  expect(ship.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  const list = await execute(w.sales, identity('PURCHASING', 4), `{ orders { totalCount } }`);
  expect(list.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  const analyst = await execute(w.sales, identity('ANALYST', 5), CONFIRM, { id: order.id });
  expect(analyst.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
});
