import { defaultStages, runPipeline, type StageContext } from '@erp/automation';
import { quietLogger } from '@erp/kit/test/graphql';
import { seedPenShop, stageContextOf, startTestSystem, type TestSystem } from './test-system';

/**
 * The stock sweeper as the pipeline's first stage: a reservation left behind by a crash (the order's
 * confirmation never committed) is found, released and counted in the run's record; a run with no
 * leftover skips it.
 */
let t: TestSystem;
let ctx: StageContext;
let ids: { product: number; warehouse: number; customer: number };
const log = quietLogger();

beforeAll(async () => {
  t = await startTestSystem();
  ids = await seedPenShop(t);
  await t.db.pool.query(
    `INSERT INTO inventory.stock_movements (product_id, warehouse_id, kind, quantity) VALUES ($1, $2, 'OPENING', 10)`,
    [ids.product, ids.warehouse],
  );
  ctx = stageContextOf(t, log);
}, 60_000);
afterAll(() => t.close());

const sweeperOnly = () => defaultStages(ctx).filter((s) => s.name === 'stock-sweeper');
const confirmed = async (quantity: number) => {
  const token = await t.login('MANAGER');
  const created = await t.gql(
    `mutation($c: ID!, $w: ID!, $p: ID!, $q: Int!) { createOrder(input: {customerId: $c, warehouseId: $w, lines: [{productId: $p, quantity: $q}]}) { id } }`,
    { c: String(ids.customer), w: String(ids.warehouse), p: String(ids.product), q: quantity },
    token,
  );
  const id = created.body.data.createOrder.id as string;
  const r = await t.gql(`mutation($id: ID!) { confirmOrder(id: $id) { status } }`, { id }, token);
  expect(r.body.data.confirmOrder.status).toBe('CONFIRMED');
  return Number(id);
};
const stock = async () =>
  (
    await t.db.pool.query(
      `SELECT on_hand, reserved, (SELECT coalesce(sum(quantity), 0)::int FROM inventory.stock_reservations WHERE status = 'ACTIVE') AS active FROM inventory.stock_levels`,
    )
  ).rows[0];

test('the sweeper is a stage of the pipeline, ahead of the ETL (which then reads the stock as it really is)', () => {
  expect(defaultStages(ctx).map((s) => s.name)).toEqual([
    'stock-sweeper',
    'etl',
    'rollups',
    'mining',
    'reporting',
  ]);
});

test("crash leftovers (reservations with no live order) are released by the pipeline's sweeper stage and counted in the run's record", async () => {
  const live = await confirmed(2);
  const crashed = await confirmed(3);
  // The process died after the catalog reserved and before the order's confirmation committed: the order is still a DRAFT.
  await t.db.pool.query(`UPDATE sales.orders SET status = 'DRAFT', confirmed_at = NULL WHERE id = $1`, [
    crashed,
  ]);
  expect(await stock()).toEqual({ on_hand: 10, reserved: 5, active: 5 });

  const run = await runPipeline({
    pool: t.db.pool,
    stages: sweeperOnly(),
    trigger: 'manual',
    log,
    attempts: 1,
  });
  expect(run.status).toBe('SUCCEEDED');
  const stage = run.stages[0]!;
  expect(stage).toMatchObject({
    name: 'stock-sweeper',
    status: 'SUCCEEDED',
    result: { checked: 2, released: 1, orders: [{ orderId: crashed, reason: 'order is DRAFT' }] },
  });
  expect(await stock()).toEqual({ on_hand: 10, reserved: 2, active: 2 });
  // reported where the pipeline's runs are kept (the console's pipeline page reads them)
  const { rows } = await t.db.pool.query(
    `SELECT s->'result'->>'released' AS released FROM automation.pipeline_runs r, jsonb_array_elements(r.stages) s WHERE r.id = $1`,
    [run.runId],
  );
  expect(rows).toEqual([{ released: '1' }]);
  expect(
    (await t.db.pool.query(`SELECT status FROM sales.orders WHERE id = $1`, [live])).rows[0].status,
  ).toBe('CONFIRMED');

  // nothing left over: the next run finds nothing to release (its input changed: the leftovers are gone),
  // and from then on, with still nothing left over, the stage is skipped with the reason
  const again = await runPipeline({
    pool: t.db.pool,
    stages: sweeperOnly(),
    trigger: 'manual',
    log,
    attempts: 1,
  });
  expect(again.stages[0]).toMatchObject({
    name: 'stock-sweeper',
    status: 'SUCCEEDED',
    result: { checked: 1, released: 0 },
  });
  const third = await runPipeline({
    pool: t.db.pool,
    stages: sweeperOnly(),
    trigger: 'manual',
    log,
    attempts: 1,
  });
  expect(third.stages[0]).toMatchObject({
    name: 'stock-sweeper',
    status: 'SKIPPED',
    reason: 'input unchanged since its last successful run',
  });
  expect(await stock()).toEqual({ on_hand: 10, reserved: 2, active: 2 });
});
