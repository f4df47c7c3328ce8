import type { ReplenishmentRow } from '@erp/subgraph-suppliers';
import { type TestSystem, startFixtureSystem, loadWarehouse, sellTwoDaysAgo } from './test-system';

/**
 * From the AI's REORDER recommendation to stock on the shelf, through the gateway: the fixture set
 * imported; one product with a preferred supplier sells most of its stock today (an order confirmed
 * and shipped through the API); the ETL loads the warehouse; the recommendations are read as a
 * manager would, the product's REORDER turned into a DRAFT purchase order in one call, reviewed and
 * sent by PURCHASING, received by WAREHOUSE: the product's stock grows by the ordered quantity.
 */
let t: TestSystem;
let period: { from: string; to: string };
let hot: { productId: string; warehouseId: string; shipped: number; left: number; lead: number; moq: number };

beforeAll(async () => {
  t = await startFixtureSystem();
  // the product with a preferred supplier and the most available stock: it sells all but 2 units today
  const { rows: pick } = await t.db.pool.query(
    `SELECT s.product_id AS "productId", s.warehouse_id AS "warehouseId", s.on_hand - s.reserved AS available, ps.lead_time_days AS lead, ps.min_order_quantity AS moq
     FROM inventory.stock_levels s JOIN suppliers.product_supplies ps ON ps.product_id = s.product_id AND ps.is_preferred
     ORDER BY s.on_hand - s.reserved DESC, s.product_id LIMIT 1`,
  );
  const customer = (
    await t.db.pool.query(`SELECT id FROM customers.customers WHERE status = 'ACTIVE' ORDER BY id LIMIT 1`)
  ).rows[0].id;
  const p = pick[0];
  if (!p || p.available < 12)
    throw new Error(`fixture: no product with stock to sell (${JSON.stringify(p)})`);
  hot = {
    productId: String(p.productId),
    warehouseId: String(p.warehouseId),
    shipped: p.available - 2,
    left: 2,
    lead: p.lead,
    moq: p.moq,
  };
  await sellTwoDaysAgo(t, {
    customerId: String(customer),
    warehouseId: hot.warehouseId,
    productId: hot.productId,
    quantity: hot.shipped,
  });
  await loadWarehouse(t);
  // the period of the data's as-of date: the AI reads the latest stock snapshot for it
  const cal = await t.gql(`query { dataCalendar { asOf } }`, {}, await t.login('MANAGER'));
  const asOf = new Date(`${cal.body.data.dataCalendar.asOf}T00:00:00Z`);
  period = {
    from: new Date(Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth(), 1)).toISOString().slice(0, 10),
    to: new Date(Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth() + 1, 0)).toISOString().slice(0, 10),
  };
}, 240_000);
afterAll(() => t.close());

interface Recommendation {
  id: string;
  action: string;
  productId: string | null;
  supplierId: string | null;
  warehouse: { id: string | null } | null;
  quantity: number | null;
}

test('replenishment suggestions: shipped demand over the lead time against on hand − reserved + on order', async () => {
  const purchasing = await t.login('PURCHASING');
  const r = await t.gql(
    `query { replenishmentSuggestions(first: 50) { product { id } warehouse { id } supply { supplier { id } minOrderQuantity } dailyDemand leadTimeDays leadTimeSource safetyDays onHand reserved onOrder projected coverNeeded suggestedQuantity } }`,
    {},
    purchasing,
  );
  expect(r.body.errors).toBeUndefined();
  // The figures as the subgraph computes them; the references as the query selects them.
  const list = r.body.data.replenishmentSuggestions as (Omit<
    ReplenishmentRow,
    'productId' | 'warehouseId' | 'supply' | 'amount'
  > & { product: { id: string }; warehouse: { id: string }; supply: { minOrderQuantity: number } })[];
  // the product that sold today: 90 days of demand, the quoted lead time (no receipt yet), 7 safety days
  const mine = list.find((x) => x.product.id === hot.productId && x.warehouse.id === hot.warehouseId);
  const daily = hot.shipped / 90;
  const cover = Math.ceil(daily * (hot.lead + 7));
  expect(mine).toMatchObject({
    dailyDemand: Math.round(daily * 100) / 100,
    leadTimeDays: hot.lead,
    leadTimeSource: 'QUOTED',
    safetyDays: 7,
    onHand: hot.left,
    reserved: 0,
    onOrder: 0,
    projected: hot.left,
    coverNeeded: cover,
  });
  expect(mine!.suggestedQuantity).toBe(Math.ceil((cover - hot.left) / hot.moq) * hot.moq);
  for (const s of list) {
    expect(s.projected).toBe(s.onHand - s.reserved + s.onOrder);
    expect(s.projected).toBeLessThan(s.coverNeeded);
    expect(s.suggestedQuantity % s.supply.minOrderQuantity).toBe(0);
    expect(s.suggestedQuantity).toBeGreaterThanOrEqual(s.coverNeeded - s.projected);
    expect(s.suggestedQuantity - s.supply.minOrderQuantity).toBeLessThan(s.coverNeeded - s.projected);
  }
  // on hand and reserved are the catalog's figures
  const s = list[0]!;
  const level = await t.db.pool.query(
    `SELECT on_hand, reserved FROM inventory.stock_levels WHERE product_id = $1 AND warehouse_id = $2`,
    [s.product.id, s.warehouse.id],
  );
  expect([s.onHand, s.reserved]).toEqual([level.rows[0].on_hand, level.rows[0].reserved]);
  // SALES does not get them
  expect(
    (await t.gql(`query { replenishmentSuggestions { suggestedQuantity } }`, {}, await t.login('SALES'))).body
      .errors[0].extensions.code,
  ).toBe('FORBIDDEN');
});

test('a REORDER recommendation becomes a draft purchase order in one call, which is sent and received into stock', async () => {
  const manager = await t.login('MANAGER');
  const recs = await t.gql(
    `query($p: OlapPeriod) { recommendations(period: $p, limit: 100) { recommendations { id action productId supplierId warehouse { id } quantity } } }`,
    { p: period },
    manager,
  );
  expect(recs.body.errors).toBeUndefined();
  const reorder = (recs.body.data.recommendations.recommendations as Recommendation[]).find(
    (x) => x.action === 'REORDER' && x.productId === hot.productId && x.warehouse?.id === hot.warehouseId,
  );
  expect(reorder).toBeDefined();
  const r = reorder!;
  const input = {
    recommendationId: r.id,
    productId: r.productId,
    supplierId: r.supplierId,
    warehouseId: r.warehouse!.id,
    quantity: Math.ceil(r.quantity!),
  };
  const FROM_REC = `mutation($input: PurchaseOrderFromRecommendationInput!) { createPurchaseOrderFromRecommendation(input: $input) {
    id status sourceRecommendationId supplier { id } warehouse { id } lines { id quantity unitCost expectedDate product { id } } } }`;
  const purchasing = await t.login('PURCHASING');
  // WAREHOUSE does not buy
  expect((await t.gql(FROM_REC, { input }, await t.login('WAREHOUSE'))).body.errors[0].extensions.code).toBe(
    'FORBIDDEN',
  );
  const created = await t.gql(FROM_REC, { input }, purchasing);
  expect(created.body.errors).toBeUndefined();
  const po = created.body.data.createPurchaseOrderFromRecommendation;
  const supply = (
    await t.db.pool.query(
      `SELECT unit_cost::text AS cost, min_order_quantity AS moq, lead_time_days AS lead FROM suppliers.product_supplies WHERE supplier_id = $1 AND product_id = $2`,
      [r.supplierId, r.productId],
    )
  ).rows[0];
  const expectedQuantity = Math.ceil(input.quantity / supply.moq) * supply.moq;
  expect(po).toMatchObject({
    status: 'DRAFT',
    sourceRecommendationId: r.id,
    supplier: { id: r.supplierId },
    warehouse: { id: r.warehouse!.id },
  });
  expect(po.lines).toEqual([
    {
      id: expect.any(String),
      quantity: expectedQuantity,
      unitCost: Number(supply.cost).toFixed(4),
      expectedDate: new Date(Date.now() + supply.lead * 86_400_000).toISOString().slice(0, 10),
      product: { id: r.productId },
    },
  ]);
  // a second click on the same recommendation gives the same open order
  expect(
    (await t.gql(FROM_REC, { input }, purchasing)).body.data.createPurchaseOrderFromRecommendation.id,
  ).toBe(po.id);

  const onHand = async () =>
    (
      await t.db.pool.query(
        `SELECT coalesce(sum(quantity), 0)::int AS n FROM inventory.stock_movements WHERE product_id = $1 AND warehouse_id = $2`,
        [r.productId, r.warehouse!.id],
      )
    ).rows[0].n as number;
  const before = await onHand();
  const sent = await t.gql(
    `mutation($id: ID!) { sendPurchaseOrder(id: $id) { status } }`,
    { id: po.id },
    purchasing,
  );
  expect(sent.body.data.sendPurchaseOrder.status).toBe('SENT');
  const unitsOnOrder = await t.gql(
    `query($p: ID!) { product(id: $p) { unitsOnOrder } }`,
    { p: r.productId },
    purchasing,
  );
  expect(unitsOnOrder.body.data.product.unitsOnOrder).toBeGreaterThanOrEqual(expectedQuantity);
  const received = await t.gql(
    `mutation($id: ID!, $l: ID!, $q: Int!) { receivePurchaseOrder(id: $id, input: {lines: [{lineId: $l, quantity: $q}]}) { status receipts { quantity onTime } } }`,
    { id: po.id, l: po.lines[0].id, q: expectedQuantity },
    await t.login('WAREHOUSE'),
  );
  expect(received.body.errors).toBeUndefined();
  expect(received.body.data.receivePurchaseOrder).toEqual({
    status: 'RECEIVED',
    receipts: [{ quantity: expectedQuantity, onTime: true }],
  });
  expect(await onHand()).toBe(before + expectedQuantity);
  const level = await t.db.pool.query(
    `SELECT on_hand FROM inventory.stock_levels WHERE product_id = $1 AND warehouse_id = $2`,
    [r.productId, r.warehouse!.id],
  );
  expect(level.rows[0].on_hand).toBe(before + expectedQuantity);
}, 120_000);
