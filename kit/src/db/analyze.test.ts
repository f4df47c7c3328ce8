import { testDatabase, type TestDatabase } from '../test/db';
import { analyzeStale } from './analyze';

/** Statistics without autovacuum: which tables analyzeStale refreshes, on a schema of its own. */
let db: TestDatabase;
beforeAll(async () => {
  db = await testDatabase({ migrated: false });
  await db.pool.query(`CREATE SCHEMA w`);
  for (const t of ['dim_small', 'dim_empty_first', 'fact', 'untouched'])
    await db.pool.query(
      `CREATE TABLE w.${t} (id int PRIMARY KEY, label text) WITH (autovacuum_enabled = false)`,
    );
});
afterAll(() => db.drop());

const lastAnalyze = async (t: string) =>
  (
    await db.pool.query<{ at: Date | null }>(
      `SELECT last_analyze AS at FROM pg_stat_user_tables WHERE schemaname = 'w' AND relname = $1`,
      [t],
    )
  ).rows[0]?.at ?? null;
const fill = (t: string, from: number, to: number) =>
  db.pool.query(`INSERT INTO w.${t} SELECT g, 'row ' || g FROM generate_series($1::int, $2::int) g`, [
    from,
    to,
  ]);

test('never analysed, analysed while empty then loaded, or changed by more than 10 %: analysed; a few rows on a large table: not', async () => {
  await fill('dim_small', 1, 6);
  await fill('fact', 1, 5000);
  // analysed before its first load (an ETL run on an empty source)
  await db.pool.query(`ANALYZE w.dim_empty_first`);

  const first = await analyzeStale(db.pool, ['w']);
  // every table never analysed, the empty ones included (their estimate is then real)
  expect(first).toEqual(['w.dim_small', 'w.fact', 'w.untouched']);
  for (const t of ['dim_small', 'fact', 'untouched', 'dim_empty_first'])
    expect([t, await lastAnalyze(t)]).toEqual([t, expect.any(Date)]);

  // the dimension analysed empty gets its 3 rows: analysed again, whatever the row threshold
  await fill('dim_empty_first', 1, 3);
  // 20 rows on 5,000: not material
  await fill('fact', 5001, 5020);
  expect(await analyzeStale(db.pool, ['w'], { written: { 'w.dim_empty_first': 3, 'w.fact': 20 } })).toEqual([
    'w.dim_empty_first',
  ]);
  const { rows } = await db.pool.query<{ n: number }>(
    `SELECT reltuples::int AS n FROM pg_class WHERE oid = 'w.dim_empty_first'::regclass`,
  );
  expect(rows[0]!.n).toBe(3);

  // 1,000 rows more on 5,020 (counted by the caller, as the server's counters may lag): analysed
  await fill('fact', 5021, 6020);
  expect(await analyzeStale(db.pool, ['w'], { written: { 'w.fact': 1000 } })).toEqual(['w.fact']);
  // and nothing written since: nothing to do
  expect(await analyzeStale(db.pool, ['w'])).toEqual([]);
});

test('a table grown by more than 10 % of its pages is analysed even when the change counters have not caught up', async () => {
  // the counters say nothing changed (reset): only the table's size shows the new rows
  await fill('dim_small', 7, 2000);
  await db.pool.query(`SELECT pg_stat_reset_single_table_counters('w.dim_small'::regclass)`);
  expect(await analyzeStale(db.pool, ['w'])).toEqual(['w.dim_small']);
  const { rows } = await db.pool.query<{ n: number }>(
    `SELECT reltuples::int AS n FROM pg_class WHERE oid = 'w.dim_small'::regclass`,
  );
  expect(rows[0]!.n).toBe(2000);
});
