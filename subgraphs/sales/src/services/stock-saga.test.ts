import { dataOf, execute, identity, quietLogger } from '@erp/kit/test/graphql';
import pg from 'pg';
import { localInventory, type Inventory } from '../inventory';
import { sweepReservations } from './sweeper';
import { CREATE, failingStep, lines, manager, product, stockOf, world, type World } from './test-helpers';

/**
 * The stock commands belong to the order workflow: each test is named after a defect found by
 * probing the API as an attacker or a careless client, and reproduces it.
 */
const calls: string[] = [];
let duringReserve: ((orderId: number) => Promise<void>) | null = null;
/** The catalog as the sales subgraph reaches it, with every call recorded. */
const recorded = (inv: Inventory): Inventory => ({
  ...inv,
  reserve: async (a, order, l) => {
    calls.push(`reserve:${order.id}`);
    if (duringReserve) await duringReserve(order.id);
    return inv.reserve(a, order, l);
  },
  release: async (a, id) => {
    calls.push(`release:${id}`);
    return inv.release(a, id);
  },
  ship: async (a, id) => {
    calls.push(`ship:${id}`);
    return inv.ship(a, id);
  },
  undoShipment: async (a, id) => {
    calls.push(`undoShipment:${id}`);
    return inv.undoShipment(a, id);
  },
});
const callsFor = (id: string) => calls.filter((c) => c.endsWith(`:${id}`)).map((c) => c.split(':')[0]);

let w: World;
const alice = identity('SALES', 21);
const bob = identity('SALES', 22);
const warehouseUser = identity('WAREHOUSE', 30);
const CONFIRM = `mutation($id: ID!) { confirmOrder(id: $id) { id status } }`;
const SHIP = `mutation($id: ID!) { shipOrder(id: $id) { id status } }`;
const CANCEL = `mutation($id: ID!) { cancelOrder(id: $id, reason: "probe") { id status } }`;
const RELEASE = `mutation($o: ID!) { releaseOrderStock(orderId: $o) { status } }`;

beforeAll(async () => {
  w = await world(recorded, { separatePools: true });
}, 30_000);
afterAll(async () => {
  await w.stop();
});

async function order(who: ReturnType<typeof identity>, ls: ReturnType<typeof lines>, customerId = '100') {
  return dataOf(
    await execute(w.sales, who, CREATE, { input: { customerId, warehouseId: w.warehouseId, lines: ls } }),
  ).createOrder as { id: string; number: string };
}

/** Reserved units = the active reservations, and every active reservation belongs to a CONFIRMED order. */
async function reservationsOfLiveOrdersOnly(productId: string) {
  const { rows } = await w.db.pool.query(
    `SELECT coalesce(sum(r.quantity) FILTER (WHERE o.status = 'CONFIRMED'), 0)::int AS live,
            coalesce(sum(r.quantity) FILTER (WHERE o.status IS DISTINCT FROM 'CONFIRMED'), 0)::int AS dead
     FROM inventory.stock_reservations r LEFT JOIN sales.orders o ON o.id = r.order_id
     WHERE r.product_id = $1 AND r.status = 'ACTIVE'`,
    [productId],
  );
  return rows[0] as { live: number; dead: number };
}

test("a SALES user cannot release another order's reservation (and so no 11th order is confirmed on a stock of 10)", async () => {
  const p = await product(w, 'REL-10', 10);
  const mine = [];
  for (let i = 0; i < 10; i++) mine.push(await order(alice, lines([p, 1])));
  for (const o of mine) dataOf(await execute(w.sales, alice, CONFIRM, { id: o.id }));
  expect(await stockOf(w, p)).toEqual({ on_hand: 10, reserved: 10, ledger: 10, active: 10 });

  // the public mutation is gone: it is not in the schema any more
  const legacy = await execute(
    w.catalog,
    bob,
    `mutation($r: String!) { releaseStock(reference: $r) { status } }`,
    { r: mine[0]!.number },
  );
  expect(legacy.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  // the internal operation refuses a person, whatever the order
  const internal = await execute(w.catalog, bob, RELEASE, { o: mine[0]!.id });
  expect(internal.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  // and through the workflow, another rep's order does not exist for bob
  const cancel = await execute(w.sales, bob, CANCEL, { id: mine[0]!.id });
  expect(cancel.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

  const eleventh = await order(bob, lines([p, 1]));
  const refused = await execute(w.sales, bob, CONFIRM, { id: eleventh.id });
  expect(refused.errors?.[0]?.extensions?.code).toBe('INSUFFICIENT_STOCK');
  expect(await stockOf(w, p)).toEqual({ on_hand: 10, reserved: 10, ledger: 10, active: 10 });
});

test('a SALES user cannot reserve another product under an order and get it shipped with that order', async () => {
  const p1 = await product(w, 'SHIP-P1', 10);
  const p2 = await product(w, 'SHIP-P2', 97);
  const o = await order(alice, lines([p1, 3]));
  dataOf(await execute(w.sales, alice, CONFIRM, { id: o.id }));
  const probe = await execute(
    w.catalog,
    alice,
    `mutation($o: ID!, $n: String!, $w: ID!, $p: ID!) {
    reserveOrderStock(input: {orderId: $o, orderNumber: $n, warehouseId: $w, lines: [{productId: $p, quantity: 50}]}) { quantity } }`,
    {
      o: o.id,
      n: o.number,
      w: w.warehouseId,
      p: p2,
    },
  );
  expect(probe.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  dataOf(await execute(w.sales, warehouseUser, SHIP, { id: o.id }));
  const { rows } = await w.db.pool.query(
    `SELECT product_id::text AS p, kind, quantity FROM inventory.stock_movements WHERE reference = $1`,
    [o.number],
  );
  expect(rows).toEqual([{ p: p1, kind: 'SHIPMENT', quantity: -3 }]);
  expect(await stockOf(w, p2)).toEqual({ on_hand: 97, reserved: 0, ledger: 97, active: 0 });
  expect(await stockOf(w, p1)).toEqual({ on_hand: 7, reserved: 0, ledger: 7, active: 0 });
});

test('a made-up reference cannot hold stock forever: no person reserves, and the sweeper releases reservations with no live order', async () => {
  const p = await product(w, 'SWEEP', 97);
  const made = await execute(
    w.catalog,
    alice,
    `mutation($w: ID!, $p: ID!) {
    reserveOrderStock(input: {orderId: "999999", orderNumber: "MADE-UP", warehouseId: $w, lines: [{productId: $p, quantity: 90}]}) { quantity } }`,
    { w: w.warehouseId, p },
  );
  expect(made.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  expect(await stockOf(w, p)).toMatchObject({ reserved: 0 });

  // crash leftovers, as the sales service would have left them: an order that never committed,
  // a DRAFT order, a cancelled one; and one live confirmed order that must keep its stock
  const svc = identity('SALES_SERVICE', null);
  const draft = await order(alice, lines([p, 2]));
  const cancelled = await order(alice, lines([p, 3]));
  dataOf(await execute(w.sales, alice, CANCEL, { id: cancelled.id }));
  const live = await order(alice, lines([p, 4]));
  dataOf(await execute(w.sales, alice, CONFIRM, { id: live.id }));
  const RESERVE = `mutation($o: ID!, $n: String!, $w: ID!, $p: ID!, $q: Int!) {
    reserveOrderStock(input: {orderId: $o, orderNumber: $n, warehouseId: $w, lines: [{productId: $p, quantity: $q}]}) { quantity } }`;
  for (const [o, n, q] of [
    ['999999', 'CRASHED', 80],
    [draft.id, draft.number, 2],
    [cancelled.id, cancelled.number, 3],
  ] as const) {
    dataOf(await execute(w.catalog, svc, RESERVE, { o, n, w: w.warehouseId, p, q }));
  }
  expect(await stockOf(w, p)).toMatchObject({ reserved: 89, active: 89 });
  expect(await reservationsOfLiveOrdersOnly(p)).toEqual({ live: 4, dead: 85 });

  const swept = await sweepReservations({
    pool: w.db.pool,
    inventory: localInventory(w.catalog),
    log: quietLogger(),
  });
  expect(swept.released.map((r) => [r.reference, r.reason]).sort()).toEqual(
    [
      ['CRASHED', 'no such order'],
      [draft.number, 'order is DRAFT'],
      [cancelled.number, 'order is CANCELLED'],
    ].sort(),
  );
  expect(await stockOf(w, p)).toEqual({ on_hand: 97, reserved: 4, ledger: 97, active: 4 });
  expect(await reservationsOfLiveOrdersOnly(p)).toEqual({ live: 4, dead: 0 });
  // a second sweep finds nothing left to release
  expect(
    (await sweepReservations({ pool: w.db.pool, inventory: localInventory(w.catalog), log: quietLogger() }))
      .released,
  ).toEqual([]);
});

test('a deadlock while marking the order confirmed retries that step alone: the stock is reserved once', async () => {
  const p = await product(w, 'DEADLOCK', 10);
  const o = await order(manager, lines([p, 4]));
  await w.db.pool.query(`CREATE SEQUENCE public.deadlock_once`);
  await w.db.pool.query(`CREATE FUNCTION public.deadlock_once() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.status = 'CONFIRMED' AND NEW.number = '${o.number}' AND nextval('public.deadlock_once') = 1 THEN
      RAISE EXCEPTION 'deadlock detected (injected)' USING ERRCODE = '40P01'; END IF; RETURN NEW; END $$`);
  await w.db.pool.query(
    `CREATE TRIGGER deadlock_once BEFORE UPDATE ON sales.orders FOR EACH ROW EXECUTE FUNCTION public.deadlock_once()`,
  );
  try {
    expect(dataOf(await execute(w.sales, manager, CONFIRM, { id: o.id })).confirmOrder.status).toBe(
      'CONFIRMED',
    );
    const { rows } = await w.db.pool.query(`SELECT last_value FROM public.deadlock_once`);
    expect(Number(rows[0].last_value)).toBe(2); // the step did fail once, and ran again
  } finally {
    await w.db.pool.query(
      `DROP TRIGGER deadlock_once ON sales.orders; DROP FUNCTION public.deadlock_once(); DROP SEQUENCE public.deadlock_once`,
    );
  }
  expect(callsFor(o.id)).toEqual(['reserve']);
  expect(await stockOf(w, p)).toEqual({ on_hand: 10, reserved: 4, ledger: 10, active: 4 });
});

test('the reservation runs outside the sales transaction: the order row is not locked while the catalog is called', async () => {
  const p = await product(w, 'OUTSIDE', 10);
  const o = await order(manager, lines([p, 1]));
  const other = new pg.Client({ connectionString: w.db.url });
  await other.connect();
  let probed: string | null = null;
  duringReserve = async (orderId) => {
    if (String(orderId) !== o.id) return;
    await other.query('BEGIN');
    try {
      await other.query(`SELECT 1 FROM sales.orders WHERE id = $1 FOR UPDATE NOWAIT`, [o.id]);
      probed = 'row free';
    } catch (err) {
      probed = (err as { code?: string }).code ?? 'error';
    } finally {
      await other.query('ROLLBACK');
    }
  };
  try {
    dataOf(await execute(w.sales, manager, CONFIRM, { id: o.id }));
  } finally {
    duringReserve = null;
    await other.end();
  }
  expect(probed).toBe('row free');
});

test('a held row lock on confirmOrder (55P03) is retried with back-off, then answers CONFLICT and releases the stock', async () => {
  const p = await product(w, 'HELD', 10);
  const brief = await order(manager, lines([p, 2]));
  const held = await order(manager, lines([p, 3]));
  const holder = new pg.Client({ connectionString: w.db.url });
  await holder.connect();
  try {
    // held for 3 s: longer than lock_timeout (2 s), so the first attempt times out, a later one passes
    await holder.query(`BEGIN; SELECT 1 FROM sales.orders WHERE id = ${Number(brief.id)} FOR UPDATE`);
    const releaseSoon = new Promise((r) => setTimeout(r, 3000)).then(() => holder.query('ROLLBACK'));
    expect(dataOf(await execute(w.sales, manager, CONFIRM, { id: brief.id })).confirmOrder.status).toBe(
      'CONFIRMED',
    );
    await releaseSoon;
    expect(callsFor(brief.id)).toEqual(['reserve']);

    // held for good: CONFLICT once the attempts are spent, and the reservation is released
    await holder.query(`BEGIN; SELECT 1 FROM sales.orders WHERE id = ${Number(held.id)} FOR UPDATE`);
    const res = await execute(w.sales, manager, CONFIRM, { id: held.id });
    expect(res.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(res.errors?.[0]?.message).not.toMatch(/internal/i);
    expect(callsFor(held.id)).toEqual(['reserve', 'release']);
  } finally {
    await holder.query('ROLLBACK').catch(() => undefined);
    await holder.end();
  }
  expect(await stockOf(w, p)).toEqual({ on_hand: 10, reserved: 2, ledger: 10, active: 2 });
  const { rows } = await w.db.pool.query(`SELECT status FROM sales.orders WHERE id = $1`, [held.id]);
  expect(rows[0].status).toBe('DRAFT');
}, 60_000);

test('shipOrder had no compensation: when the order cannot be marked shipped, the shipment is undone', async () => {
  const p = await product(w, 'UNSHIP', 10);
  const o = await order(manager, lines([p, 6]));
  dataOf(await execute(w.sales, manager, CONFIRM, { id: o.id }));
  await failingStep(w, 'SHIPPED', o.number, async () => {
    const res = await execute(w.sales, warehouseUser, SHIP, { id: o.id });
    expect(res.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(callsFor(o.id)).toEqual(['reserve', 'ship', 'undoShipment']);
    expect(await stockOf(w, p)).toEqual({ on_hand: 10, reserved: 6, ledger: 10, active: 6 });
  });
  expect(dataOf(await execute(w.sales, warehouseUser, SHIP, { id: o.id })).shipOrder.status).toBe('SHIPPED');
  expect(await stockOf(w, p)).toEqual({ on_hand: 4, reserved: 0, ledger: 4, active: 0 });
});

test('13 × 50 concurrent confirmations on a stock of 10, interleaved with release attempts by other reps: no oversell, ledger = on hand, reserved = active reservations of live orders', async () => {
  const reps = Array.from({ length: 13 }, (_, i) => identity('SALES', 200 + i));
  const tally: Record<string, number> = {};
  const unexpected: unknown[] = [];
  let attacks = 0;
  for (let round = 0; round < 13; round++) {
    const p = await product(w, `RACE-${round}`, 10);
    // 50 one-unit orders of the 13 reps
    const orders = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        order(reps[i % 13]!, lines([p, 1]), String(1000 + (i % 13))).then((o) => ({ ...o, rep: i % 13 })),
      ),
    );
    const others = (rep: number) => orders.filter((o) => o.rep !== rep);
    const work: Promise<void>[] = [];
    orders.forEach((o, i) => {
      const rep = reps[o.rep]!;
      work.push(
        execute(w.sales, rep, CONFIRM, { id: o.id }).then((r) => {
          const code = r.errors ? String(r.errors[0]?.extensions?.code) : 'OK';
          tally[code] = (tally[code] ?? 0) + 1;
          if (!['OK', 'INSUFFICIENT_STOCK', 'INVALID_TRANSITION'].includes(code)) unexpected.push(r.errors);
        }),
      );
      if (i % 5 === 0) {
        // another rep tries to free the stock: the internal release, and cancelling the order
        const target = others(o.rep)[(i * 7 + round) % others(o.rep).length]!;
        for (const attempt of [
          execute(w.catalog, rep, RELEASE, { o: target.id }),
          execute(w.sales, rep, CANCEL, { id: target.id }),
        ]) {
          attacks++;
          work.push(
            attempt.then((r) => {
              const code = String(r.errors?.[0]?.extensions?.code ?? 'OK');
              if (code !== 'FORBIDDEN' && code !== 'NOT_FOUND') unexpected.push({ attack: target.id, code });
            }),
          );
        }
      }
      // and twice a round an owner cancels their own order (the stock it holds, if any, is freed)
      if (i % 25 === 3)
        work.push(
          new Promise((r) => setTimeout(r, 2))
            .then(() => execute(w.sales, rep, CANCEL, { id: o.id }))
            .then(() => undefined),
        );
    });
    await Promise.all(work);

    const s = await stockOf(w, p);
    expect({ round, ...s }).toEqual({ round, on_hand: 10, ledger: 10, reserved: s.active, active: s.active });
    expect(s.reserved).toBeLessThanOrEqual(10);
    expect(await reservationsOfLiveOrdersOnly(p)).toEqual({ live: s.reserved, dead: 0 });
    // what the owners' cancellations freed goes to the orders still in DRAFT: then the stock is full, never more
    const { rows: drafts } = await w.db.pool.query(
      `SELECT id::text, sales_rep_id AS rep FROM sales.orders WHERE id = ANY($1) AND status = 'DRAFT'`,
      [orders.map((o) => Number(o.id))],
    );
    await Promise.all(
      drafts.map((d: { id: string; rep: number }) =>
        execute(w.sales, identity('SALES', d.rep), CONFIRM, { id: d.id }),
      ),
    );
    expect({ round, ...(await stockOf(w, p)) }).toEqual({
      round,
      on_hand: 10,
      reserved: 10,
      ledger: 10,
      active: 10,
    });
    expect(await reservationsOfLiveOrdersOnly(p)).toEqual({ live: 10, dead: 0 });
    const { rows } = await w.db.pool.query(
      `SELECT count(*)::int AS n FROM sales.orders WHERE id = ANY($1) AND status = 'CONFIRMED'`,
      [orders.map((o) => Number(o.id))],
    );
    expect(rows[0].n).toBe(10);
  }
  expect(unexpected).toEqual([]);
  expect(attacks).toBe(13 * 20);
  expect(tally.OK).toBeGreaterThanOrEqual(13 * 10);
}, 180_000);
