import { ROLLUPS, rollupColumns } from '@erp/semantic';
import { testDatabase, type TestDatabase } from '@erp/kit/test/db';
import { migrateDwh } from './migrate';
import { rollupTablesSql } from './rollups';

/**
 * The rollup tables are created by the migrations, generated from their definitions: after
 * migrating, every rollup of the model has its table with exactly the columns (names, order, types,
 * nullability) and indexes its definition derives. A rollup changed without a new migration fails here.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await testDatabase({ migrated: false });
  await migrateDwh(db.url);
});
afterAll(() => db.drop());

const normalise = (type: string) => type.replace(/\s+NOT NULL$/, '').replace(/,\s+/g, ',');

test('every rollup table of the migrated warehouse matches its definition (else: npm run rollups:migration -w @erp/dwh-schema)', async () => {
  const { rows } = await db.pool.query<{ table: string; columns: string[] }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS table,
            array_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END ORDER BY a.attnum) AS columns
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE n.nspname = 'analytics' AND c.relkind = 'r' GROUP BY 1`,
  );
  const actual = new Map(rows.map((r) => [r.table, r.columns]));
  expect(ROLLUPS.length).toBeGreaterThan(0);
  for (const r of ROLLUPS) {
    const expected = rollupColumns(r).map(
      (c) => `${c.name} ${normalise(c.type)}${/NOT NULL$/.test(c.type) ? ' NOT NULL' : ''}`,
    );
    expect([r.table, actual.get(r.table)]).toEqual([r.table, expected]);
  }
  const { rows: idx } = await db.pool.query<{ name: string }>(
    `SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'analytics'`,
  );
  const indexes = idx.map((i) => i.name);
  for (const r of ROLLUPS) expect(indexes).toContain(`${r.name}_month`);
  for (const r of ROLLUPS.filter((x) => x.customerGrain)) expect(indexes).toContain(`${r.name}_customer`);
});

test('the generated rebuild migration recreates a drifted rollup table and forgets its state', async () => {
  const r = ROLLUPS[0]!;
  await db.pool.query(`INSERT INTO analytics.rollup_state (name) VALUES ($1)`, [r.name]);
  await db.pool.query(`ALTER TABLE ${r.table} DROP COLUMN lines`);
  await db.pool.query(rollupTablesSql({ replace: true }));
  const { rows } = await db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM analytics.rollup_state`,
  );
  expect(rows[0]!.n).toBe(0);
  const cols = await db.pool.query<{ c: string }>(
    `SELECT column_name AS c FROM information_schema.columns WHERE table_schema = 'analytics' AND table_name = $1 ORDER BY ordinal_position`,
    [r.table.replace('analytics.', '')],
  );
  expect(cols.rows.map((x) => x.c)).toEqual(rollupColumns(r).map((c) => c.name));
});
