import type { BaseContext, Subgraph } from '@erp/kit/graphql';
import { testDatabase, type TestDatabase } from '@erp/kit/test/db';
import { dataOf, execute, identity, quietLogger } from '@erp/kit/test/graphql';
import { createSuppliersSubgraph } from '../server';

/** The warehouse ETL's incremental extraction of suppliers: updatedFrom, UPDATED_AT keyset with ties. */
let db: TestDatabase;
let sg: Subgraph<BaseContext>;
const analyst = identity('ANALYST', 7);

beforeAll(async () => {
  db = await testDatabase();
  sg = (await createSuppliersSubgraph({ pool: db.pool, log: quietLogger(), identitySecret: 'x'.repeat(32), production: false })) as never;
  await db.pool.query(`
    INSERT INTO suppliers.suppliers (code, name, country_code, updated_at)
      SELECT 'TIE-' || lpad(i::text, 3, '0'), 'Tie ' || i, 'DE', timestamptz '2025-03-01 10:00:00.123456+00' FROM generate_series(1, 250) i;
    INSERT INTO suppliers.suppliers (code, name, country_code, updated_at)
      SELECT 'NEW-' || i, 'New ' || i, 'DE', timestamptz '2025-03-02 08:00:00.000250+00' + i * interval '1 microsecond' FROM generate_series(1, 5) i;`);
});
afterAll(async () => {
  await sg.stop();
  await db.drop();
});

const PAGE = `query($first: Int!, $after: String, $updatedFrom: DateTime, $dir: SortDirection) {
  suppliers(first: $first, after: $after, filter: {updatedFrom: $updatedFrom}, orderBy: {field: UPDATED_AT, direction: $dir}) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { code updatedAt } } } }`;

async function extract(updatedFrom: string | null, dir: 'ASC' | 'DESC' = 'ASC') {
  const codes: string[] = [];
  const pages: number[] = [];
  let after: string | null = null;
  for (;;) {
    const d: { suppliers: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: { code: string } }[] } } = dataOf(
      await execute(sg, analyst, PAGE, { first: 100, after, updatedFrom, dir }),
    );
    codes.push(...d.suppliers.edges.map((e) => e.node.code));
    pages.push(d.suppliers.edges.length);
    if (!d.suppliers.pageInfo.hasNextPage || pages.length > 10) return { codes, pages, totalCount: d.suppliers.totalCount };
    after = d.suppliers.pageInfo.endCursor;
  }
}

test.each(['ASC', 'DESC'] as const)('250 suppliers with one updated_at, 100 a page (%s): each exactly once, ties by id', async (dir) => {
  const { codes, pages, totalCount } = await extract(null, dir);
  expect(totalCount).toBe(255);
  expect(pages).toEqual([100, 100, 55]);
  expect(new Set(codes).size).toBe(255);
  const byId = Array.from({ length: 250 }, (_, i) => `TIE-${String(i + 1).padStart(3, '0')}`);
  expect(codes.filter((c) => c.startsWith('TIE-'))).toEqual(dir === 'ASC' ? byId : byId.reverse());
});

test('updatedFrom keeps only the suppliers changed at or after it (inclusive, to the millisecond given)', async () => {
  const newer = await extract('2025-03-02T08:00:00.000Z');
  expect(newer.codes).toEqual(['NEW-1', 'NEW-2', 'NEW-3', 'NEW-4', 'NEW-5']);
  expect(newer.totalCount).toBe(5);
  expect((await extract('2025-03-01T10:00:00.123Z')).totalCount).toBe(255);
  expect((await extract('2025-03-01T10:00:00.124Z')).totalCount).toBe(5);
  expect((await extract('2030-01-01T00:00:00Z')).codes).toEqual([]);
});
