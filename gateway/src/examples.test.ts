import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@erp/kit';
import {
  CancelOrderDocument,
  ConfirmOrderDocument,
  createClient,
  CreateOrderDocument,
  CustomersDocument,
  CustomerWithOrdersDocument,
  LoginDocument,
  LowStockDocument,
  MeDocument,
  OrderDocument,
  OrdersDocument,
  PipelineRunsDocument,
  RunPipelineDocument,
  ProductsDocument,
  RecordReceiptDocument,
  RefreshTokenDocument,
  RevenueByMonthAndCategoryDocument,
  AskRevenueByCategoryDocument,
  ShipOrderDocument,
  SupplierScorecardsDocument,
  WarehousesDocument,
} from '@erp/sdk';
import { buildSchema, Kind, parse, validate } from 'graphql';
import { fillStar } from '@erp/subgraph-analytics/test/star';
import { armorProtection } from './gateway';
import { examples } from './playground';
import { PASSWORD, type TestSystem, startFixtureSystem } from './test-system';

/**
 * Every example operation of gateway/examples (the playground's preloaded operations and the SDK's
 * documents) runs through the gateway with the typed SDK client, on a small imported data set.
 */
let t: TestSystem;
const ran = new Set<string>();

beforeAll(async () => {
  t = await startFixtureSystem();
  await fillStar(t.dwh); // a small hand-made star in the warehouse the analytics example reads
}, 60_000);
afterAll(() => t.close());

test('every example runs without errors and returns what it says', async () => {
  const anonymous = createClient({ url: t.system.gatewayUrl });
  const login = await anonymous.request(LoginDocument, { email: t.users.ADMIN.email, password: PASSWORD });
  ran.add('Login');
  expect(login.login.user.role).toBe('ADMIN');
  const refreshed = await anonymous.request(RefreshTokenDocument, { refreshToken: login.login.refreshToken });
  ran.add('RefreshToken');
  const sdk = createClient({ url: t.system.gatewayUrl, token: refreshed.refreshToken.accessToken });

  expect((await sdk.request(MeDocument)).me.email).toBe(t.users.ADMIN.email);
  ran.add('Me');
  const products = await sdk.request(ProductsDocument, { first: 10 });
  ran.add('Products');
  expect(products.products.totalCount).toBeGreaterThan(0);
  await sdk.request(LowStockDocument, {});
  ran.add('LowStock');
  const { warehouses } = await sdk.request(WarehousesDocument);
  ran.add('Warehouses');
  const lyon = warehouses.find((w) => w.code === 'WH-LYON')!;
  const hammer = products.products.edges.find((e) => e.node.sku === 'HT-001')!.node;
  const receipt = await sdk.request(RecordReceiptDocument, {
    input: { warehouseId: lyon.id, reference: 'PO-EX-1', lines: [{ productId: hammer.id, quantity: 5 }] },
  });
  ran.add('RecordReceipt');
  expect(receipt.recordReceipt[0]!.quantity).toBe(5);

  const customers = await sdk.request(CustomersDocument, { first: 5 });
  ran.add('Customers');
  const customer = customers.customers.edges[0]!.node;
  await sdk.request(CustomerWithOrdersDocument, { id: customer.id });
  ran.add('CustomerWithOrders');
  await sdk.request(SupplierScorecardsDocument, {});
  ran.add('SupplierScorecards');
  const orders = await sdk.request(OrdersDocument, { first: 20 });
  ran.add('Orders');
  expect(orders.orders.totalCount).toBeGreaterThan(0);

  const created = await sdk.request(CreateOrderDocument, {
    input: {
      customerId: customer.id,
      warehouseId: lyon.id,
      lines: [{ productId: hammer.id, quantity: 2, unitPrice: '12.00' }],
    },
  });
  ran.add('CreateOrder');
  const confirmed = await sdk.request(ConfirmOrderDocument, {
    id: created.createOrder.id,
    idempotencyKey: 'example-confirm-1',
  });
  ran.add('ConfirmOrder');
  expect(confirmed.confirmOrder.status).toBe('CONFIRMED');
  expect((await sdk.request(ShipOrderDocument, { id: created.createOrder.id })).shipOrder.status).toBe(
    'SHIPPED',
  );
  ran.add('ShipOrder');
  const detail = await sdk.request(OrderDocument, { id: created.createOrder.id });
  ran.add('Order');
  expect(detail.order?.statusHistory.map((h) => h.toStatus)).toEqual(['DRAFT', 'CONFIRMED', 'SHIPPED']);
  const another = await sdk.request(CreateOrderDocument, {
    input: {
      customerId: customer.id,
      warehouseId: lyon.id,
      lines: [{ productId: hammer.id, quantity: 1, unitPrice: '12.00' }],
    },
  });
  expect(
    (
      await sdk.request(CancelOrderDocument, {
        id: another.createOrder.id,
        reason: 'customer changed their mind',
      })
    ).cancelOrder.status,
  ).toBe('CANCELLED');
  ran.add('CancelOrder');
  // No pipeline worker runs with the test gateway: the request says so instead of pretending.
  const requested = await sdk.request(RunPipelineDocument, {});
  ran.add('RunPipeline');
  expect(requested.runPipeline).toMatchObject({ queued: false, jobId: null });
  expect((await sdk.request(PipelineRunsDocument, {})).pipelineRuns).toEqual([]);
  ran.add('PipelineRuns');

  const analytics = await sdk.request(RevenueByMonthAndCategoryDocument);
  ran.add('RevenueByMonthAndCategory');
  expect(analytics.olap.rows.length).toBeGreaterThan(0);
  expect(analytics.olap.rows[0]!.members.map((m) => m.level)).toEqual(['date.month', 'product.category']);
  expect(analytics.olap.freshness.reconciled).toBe(true);

  const asked = await sdk.request(AskRevenueByCategoryDocument);
  ran.add('AskRevenueByCategory');
  expect(asked.ask.understood).toBe(true);
  expect(JSON.parse(asked.ask.query!)).toMatchObject({
    measures: ['revenue'],
    dimensions: ['product.category'],
  });
  expect(JSON.parse(asked.ask.rows).length).toBeGreaterThan(0);
});

const EXAMPLES = path.join(repoRoot(), 'gateway', 'examples');
const exampleFiles = () => readdirSync(EXAMPLES).filter((f) => f.endsWith('.graphql'));

test('no example is left untested', () => {
  const names = exampleFiles().flatMap((f) =>
    parse(readFileSync(path.join(EXAMPLES, f), 'utf8'))
      .definitions.filter((d) => d.kind !== Kind.FRAGMENT_DEFINITION)
      .map((d) => ('name' in d && d.name ? d.name.value : '?')),
  );
  expect(names.filter((n) => !ran.has(n))).toEqual([]);
});

// The playground opens one example at a time: each, with the shared fragments it is served with, must be complete.
test('every example, as the playground opens it, is valid on its own against the public schema', () => {
  const schema = buildSchema(readFileSync(path.join(repoRoot(), 'sdk', 'schema.graphql'), 'utf8'));
  const served = examples();
  expect(served.map((e) => `${e.name}.graphql`)).toEqual(exampleFiles().sort());
  const errors = served.flatMap((e) =>
    validate(schema, parse(e.query)).map((err) => `${e.name}: ${err.message}`),
  );
  expect(errors).toEqual([]);
});

// The gateway refuses an operation past its limits (a fragment spread counts as a level of depth):
// every document the SDK sends and every example the playground opens must pass them.
test("every SDK operation and every example stays within the gateway's limits", () => {
  const schema = buildSchema(readFileSync(path.join(repoRoot(), 'sdk', 'schema.graphql'), 'utf8'));
  const rules = armorProtection().validationRules;
  const operations = path.join(repoRoot(), 'sdk', 'operations');
  const sdkDocument = readdirSync(operations)
    .filter((f) => f.endsWith('.graphql'))
    .map((f) => readFileSync(path.join(operations, f), 'utf8'))
    .join('\n');
  const errors = [
    ...validate(schema, parse(sdkDocument), rules).map((err) => `sdk: ${err.message}`),
    ...examples().flatMap((e) =>
      validate(schema, parse(e.query), rules).map((err) => `${e.name}: ${err.message}`),
    ),
  ];
  expect(errors).toEqual([]);
});
