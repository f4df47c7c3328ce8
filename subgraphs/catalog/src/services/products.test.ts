import { dataOf, execute, identity } from '@erp/kit/test/graphql';
import { subgraphUnderTest } from '@erp/kit/test/subgraph';
import { createCatalogSubgraph } from '../server';

const catalog = subgraphUnderTest(createCatalogSubgraph);
const analyst = identity('ANALYST', 7);

beforeAll(async () => {
  // 45 products; updated_at values with microseconds, several shared, names repeated.
  await catalog.db.pool.query(`
    INSERT INTO catalog.categories (code, name) VALUES ('ROOT', 'Root');
    INSERT INTO catalog.products (sku, name, category_id, list_price)
      SELECT 'SKU-' || i, 'Item ' || (i % 7), (SELECT id FROM catalog.categories), (i % 5) + 0.5 FROM generate_series(1, 45) i;
    ALTER TABLE catalog.products DISABLE TRIGGER touch_updated_at;
    UPDATE catalog.products SET updated_at = timestamptz '2025-03-01 10:00:00.123456+00' + (id % 4) * interval '1 microsecond';
    ALTER TABLE catalog.products ENABLE TRIGGER touch_updated_at;`);
});

async function allPages(orderBy: string): Promise<string[]> {
  const skus: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 20; page++) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const d: any = dataOf(
      await execute(
        catalog,
        analyst,
        `query($after: String) { products(first: 10, after: $after, orderBy: ${orderBy}) { totalCount edges { node { sku } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      ),
    );
    skus.push(...d.products.edges.map((e: { node: { sku: string } }) => e.node.sku));
    if (!d.products.pageInfo.hasNextPage) break;
    after = d.products.pageInfo.endCursor;
  }
  return skus;
}

// Bug: the cursor held a JS Date (milliseconds), so rows whose updated_at differ only in microseconds
// were repeated or skipped across pages. The cursor now keeps PostgreSQL's own text of the sort value.
test.each([
  '{field: UPDATED_AT}',
  '{field: UPDATED_AT, direction: DESC}',
  '{field: NAME}',
  '{field: LIST_PRICE, direction: DESC}',
  '{field: SKU}',
])('paging by %s returns every product exactly once', async (orderBy) => {
  const skus = await allPages(orderBy);
  expect(skus).toHaveLength(45);
  expect(new Set(skus).size).toBe(45);
});

test('search takes LIKE wildcards literally', async () => {
  const d = dataOf(await execute(catalog, analyst, `{ products(filter: {search: "%"}) { totalCount } }`));
  expect(d.products.totalCount).toBe(0);
  const d2 = dataOf(
    await execute(catalog, analyst, `{ products(filter: {search: "sku-4"}) { totalCount } }`),
  );
  expect(d2.products.totalCount).toBe(7); // SKU-4 and SKU-40 … SKU-45
});

test('an unknown sort field or a foreign cursor is a validation error naming the argument', async () => {
  const r = await execute(catalog, analyst, `{ products(after: "bm90LWEtY3Vyc29y") { totalCount } }`);
  expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
});

test("products' availability: one statement for a batch of entities, the same figures as a list page's (summed per product)", async () => {
  await catalog.db.pool.query(`
    INSERT INTO inventory.warehouses (code, name, city, country_code) VALUES ('W1', 'One', 'Lyon', 'FR'), ('W2', 'Two', 'Lille', 'FR');
    INSERT INTO inventory.stock_movements (product_id, warehouse_id, kind, quantity, reference)
      SELECT p.id, w.id, 'RECEIPT', p.id + 10 * w.id, 'PO-' || p.id FROM catalog.products p, inventory.warehouses w WHERE p.id <= 3;
    UPDATE inventory.stock_levels SET reserved = 2 WHERE product_id = 1;`);
  const ids = (
    await catalog.db.pool.query(`SELECT id FROM catalog.products WHERE id <= 5 ORDER BY id`)
  ).rows.map((r) => String(r.id));
  const expected = (
    await catalog.db.pool.query(
      `SELECT p.id::text AS id, coalesce(sum(s.on_hand), 0)::int AS "totalOnHand", coalesce(sum(s.on_hand - s.reserved), 0)::int AS "totalAvailable"
       FROM catalog.products p LEFT JOIN inventory.stock_levels s ON s.product_id = p.id WHERE p.id <= 5 GROUP BY p.id ORDER BY p.id`,
    )
  ).rows;
  expect(expected.filter((r) => r.totalOnHand > 0)).toHaveLength(3);
  const statements: string[] = [];
  const original = catalog.db.pool.query;
  catalog.db.pool.query = ((q: unknown, v?: unknown[]) => {
    statements.push(typeof q === 'string' ? q : (q as { text: string }).text);
    return (original as (q: unknown, v?: unknown[]) => unknown).call(catalog.db.pool, q, v);
  }) as typeof catalog.db.pool.query;
  try {
    const q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id totalOnHand totalAvailable } } }`;
    const d = dataOf(
      await execute(catalog, analyst, q, { r: ids.map((id) => ({ __typename: 'Product', id })) }),
    );
    expect(d._entities).toEqual(expected);
    expect(statements).toHaveLength(1);
    // a list page's rows come without the sums: the stock levels are summed per product (one more statement)
    const list = dataOf(
      await execute(
        catalog,
        analyst,
        `{ products(first: 5, orderBy: {field: UPDATED_AT}) { edges { node { id totalOnHand totalAvailable } } } }`,
      ),
    );
    const byId = new Map(expected.map((r) => [r.id, r]));
    for (const { node } of list.products.edges)
      expect(node).toEqual(byId.get(node.id) ?? { id: node.id, totalOnHand: 0, totalAvailable: 0 });
  } finally {
    catalog.db.pool.query = original;
  }
});
