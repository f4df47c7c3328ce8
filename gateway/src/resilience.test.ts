import { startTestSystem, type TestSystem } from './test-system';

/** RES-01: a subgraph goes down; the gateway stays up, serves what it can, and recovers. */
let t: TestSystem;
beforeAll(async () => {
  t = await startTestSystem();
  await t.db.pool.query(`
    INSERT INTO catalog.categories (code, name) VALUES ('C', 'Cat');
    INSERT INTO catalog.products (sku, name, category_id, list_price) SELECT 'P-1', 'Pen', id, 2 FROM catalog.categories;
    INSERT INTO inventory.warehouses (code, name, city, country_code) VALUES ('W', 'Main', 'Lyon', 'FR');`);
}, 60_000);
afterAll(() => t.close());

const PRODUCTS_WITH_SUPPLIERS = `{ products(first: 5) { edges { node { sku suppliers { leadTimeDays } } } } }`;

test('with the suppliers subgraph down, catalog data still comes back, with a DOWNSTREAM error for the rest; then it recovers', async () => {
  const token = await t.login('MANAGER');
  const healthy = await t.gql(PRODUCTS_WITH_SUPPLIERS, {}, token);
  expect(healthy.body.errors).toBeUndefined();

  await t.system.stopSubgraph('suppliers');
  const partial = await t.gql(PRODUCTS_WITH_SUPPLIERS, {}, token);
  expect(partial.status).toBe(200);
  expect(partial.body.errors?.[0]?.extensions?.code).toBe('DOWNSTREAM_SERVICE_ERROR');
  expect(JSON.stringify(partial.body.errors)).not.toMatch(/stack|query \{/i);
  const base = t.system.gatewayUrl.replace(/\/graphql$/, '');
  const health = await fetch(`${base}/healthz`);
  expect(health.status).toBe(200); // the gateway itself is alive…
  expect(((await health.json()) as { subgraphs: unknown }).subgraphs).toMatchObject({
    suppliers: 'unreachable',
    catalog: 'ready',
  }); // …and says who is not
  expect((await fetch(`${base}/readyz`)).status).toBe(503);
  const untouched = await t.gql(`{ warehouses { code } }`, {}, token);
  expect(untouched.body.data.warehouses).toEqual([{ code: 'W' }]);

  await t.system.restartSubgraph('suppliers');
  const recovered = await t.gql(PRODUCTS_WITH_SUPPLIERS, {}, token);
  expect(recovered.body.errors).toBeUndefined();
  expect(recovered.body.data.products.edges[0].node).toEqual({ sku: 'P-1', suppliers: [] });
});
