import { dataOf, execute, identity } from '@erp/kit/test/graphql';
import { subgraphUnderTest } from '@erp/kit/test/subgraph';
import { createCatalogSubgraph } from '../server';
import type { StockMovementFeedPage } from './feed';

/** The ETL's feed of the stock ledger: keyset pages in the order recorded, flat tuples, the ETL's identity only. */
const catalog = subgraphUnderTest(createCatalogSubgraph);
const etl = identity('ETL_SERVICE', 9);

const FEED = `query($first: Int, $after: String, $updatedFrom: DateTime) {
  stockMovementFeed(first: $first, after: $after, updatedFrom: $updatedFrom) {
    columns rows movements hasNextPage endCursor lastUpdatedAt lastId } }`;

beforeAll(async () => {
  // 250 movements recorded in one instant (ties across page boundaries) over 2 products and 2
  // warehouses, then 5 recorded later: a receipt, a shipment, a transfer out and in, an adjustment.
  await catalog.db.pool.query(`
    INSERT INTO catalog.categories (code, name) VALUES ('ROOT', 'Root');
    INSERT INTO catalog.products (sku, name, category_id, list_price)
      SELECT 'P-' || i, 'Product ' || i, (SELECT id FROM catalog.categories), 1 FROM generate_series(1, 2) i;
    INSERT INTO inventory.warehouses (code, name, city, country_code) VALUES ('WH-A', 'A', 'Lyon', 'FR'), ('WH-B', 'B', 'Munich', 'DE');
    INSERT INTO inventory.stock_movements (product_id, warehouse_id, kind, quantity, reference, occurred_at, created_at, updated_at)
      SELECT (SELECT min(id) FROM catalog.products) + i % 2, (SELECT min(id) FROM inventory.warehouses) + i % 2, 'RECEIPT', i, 'PO-' || i,
             timestamptz '2025-02-01 08:00:00+00', timestamptz '2025-03-01 10:00:00.123456+00', timestamptz '2025-03-01 10:00:00.123456+00'
        FROM generate_series(1, 250) i;
    INSERT INTO inventory.stock_movements (product_id, warehouse_id, kind, quantity, reference, external_key, occurred_at, created_at, updated_at)
      SELECT (SELECT min(id) FROM catalog.products), (SELECT min(id) FROM inventory.warehouses) + w, k::inventory.stock_movement_kind, q, ref, ext,
             timestamptz '2025-03-02 07:00:00+00', t, t
        FROM (VALUES (0, 'RECEIPT', 40, 'PO-900', 'purchase-receipt:900:1', 1), (0, 'SHIPMENT', -3, 'SO-1', NULL, 2),
                     (0, 'TRANSFER_OUT', -5, 'TR-1', NULL, 3), (1, 'TRANSFER_IN', 5, 'TR-1', NULL, 4), (1, 'ADJUSTMENT', -1, NULL, NULL, 5))
             AS v(w, k, q, ref, ext, n),
             LATERAL (SELECT timestamptz '2025-03-02 08:00:00.000250+00' + n * interval '1 microsecond' AS t) x;`);
});

/** Every page of the feed from the start (or from `updatedFrom`), `first` movements a page. */
async function extract(first: number, updatedFrom: string | null = null): Promise<StockMovementFeedPage[]> {
  const read = async (after: string | null) =>
    dataOf<{ stockMovementFeed: StockMovementFeedPage }>(
      await execute(catalog, etl, FEED, { first, after, updatedFrom }),
    ).stockMovementFeed;
  const pages = [await read(null)];
  while (pages.at(-1)!.hasNextPage && pages.length <= 20) pages.push(await read(pages.at(-1)!.endCursor));
  return pages;
}

test('pages in the order recorded: every movement exactly once, ties across pages included, as the ledger holds it', async () => {
  const pages = await extract(100);
  expect(pages.map((p) => p.movements)).toEqual([100, 100, 55]);
  const cols = pages[0]!.columns;
  const at = (name: string) => cols.indexOf(name);
  const rows = pages.flatMap((p) => JSON.parse(p.rows) as unknown[][]);
  expect(rows).toHaveLength(255);
  const { rows: ledger } = await catalog.db.pool.query<{
    id: number;
    product_id: number;
    warehouse_id: number;
    kind: string;
    quantity: number;
    reference: string | null;
    external_key: string | null;
    occurred_at: Date;
  }>(
    'SELECT id, product_id, warehouse_id, kind, quantity, reference, external_key, occurred_at FROM inventory.stock_movements ORDER BY updated_at, id',
  );
  expect(
    rows.map((r) => [
      String(r[at('id')]),
      r[at('product_id')],
      r[at('warehouse_id')],
      r[at('kind')],
      r[at('quantity')],
      r[at('reference')],
      r[at('external_key')],
      new Date(String(r[at('occurred_at')])).toISOString(),
    ]),
  ).toEqual(
    ledger.map((m) => [
      String(m.id),
      m.product_id,
      m.warehouse_id,
      m.kind,
      m.quantity,
      m.reference,
      m.external_key,
      m.occurred_at.toISOString(),
    ]),
  );
  // the last page ends on the last movement recorded
  const last = pages.at(-1)!;
  expect(last.lastId).toBe(String(ledger.at(-1)!.id));
  expect(last.lastUpdatedAt).toBe('2025-03-02T08:00:00.000Z');
});

test('updatedFrom keeps only the movements recorded at or after it', async () => {
  const pages = await extract(100, '2025-03-02T08:00:00.000Z');
  expect(pages.map((p) => p.movements)).toEqual([5]);
  const rows = JSON.parse(pages[0]!.rows) as unknown[][];
  const kind = pages[0]!.columns.indexOf('kind');
  expect(rows.map((r) => r[kind])).toEqual([
    'RECEIPT',
    'SHIPMENT',
    'TRANSFER_OUT',
    'TRANSFER_IN',
    'ADJUSTMENT',
  ]);
  expect(
    (await extract(100, '2030-01-01T00:00:00Z')).map((p) => [
      p.movements,
      p.rows,
      p.endCursor,
      p.hasNextPage,
    ]),
  ).toEqual([[0, '[]', null, false]]);
});

test('the ETL identity alone may read it; a forged cursor is a validation error', async () => {
  const people = ['ADMIN', 'MANAGER', 'SALES', 'WAREHOUSE', 'PURCHASING', 'ANALYST'] as const;
  const answers = await Promise.all(
    people.map((role) => execute(catalog, identity(role, 1), FEED, { first: 10 })),
  );
  expect(answers.map((r) => r.errors?.[0]?.extensions?.code)).toEqual(people.map(() => 'FORBIDDEN'));
  const forged = Buffer.from(JSON.stringify([{ x: 1 }, 'a'])).toString('base64url');
  const r = await execute(catalog, etl, FEED, { first: 10, after: forged });
  expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
});
