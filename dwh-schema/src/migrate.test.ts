import { testDatabase, type TestDatabase } from '@erp/kit/test/db';
import { migrateDwh, migrationFiles } from './migrate';

describe('warehouse migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await testDatabase({ migrated: false });
  });
  afterAll(() => db.drop());

  it('apply in order once, concurrently safe, and create the star', async () => {
    const [a, b] = await Promise.all([migrateDwh(db.url), migrateDwh(db.url)]);
    const all = migrationFiles().map((m) => m.name);
    expect([...a.applied, ...b.applied].sort()).toEqual(all);
    const again = await migrateDwh(db.url);
    expect(again.applied).toEqual([]);
    const { rows } = await db.pool.query(`SELECT table_schema || '.' || table_name AS t FROM information_schema.tables WHERE table_schema IN ('dw','meta','staging')`);
    const tables = rows.map((r) => r.t);
    const dims = tables.filter((t) => t.startsWith('dw.dim_'));
    const facts = tables.filter((t) => t.startsWith('dw.fact_'));
    expect(dims.length).toBeGreaterThanOrEqual(8);
    expect(facts.length).toBeGreaterThanOrEqual(3);
    expect(tables).toEqual(expect.arrayContaining(['meta.etl_runs', 'meta.watermarks', 'meta.checkpoints', 'meta.schema_migrations', 'staging.orders']));
  });

  it('fills dim_date with every day, weekends flagged', async () => {
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n, (max(full_date) - min(full_date) + 1)::int AS span,
              bool_and(is_weekend = (weekday IN (6,7))) AS ok FROM dw.dim_date`,
    );
    expect(rows[0].n).toBe(rows[0].span);
    expect(rows[0].ok).toBe(true);
    const d = await db.pool.query(`SELECT year, quarter, month, iso_week, weekday, weekday_name, is_weekend FROM dw.dim_date WHERE full_date = '2025-03-15'`);
    expect(d.rows[0]).toEqual({ year: 2025, quarter: 1, month: 3, iso_week: 11, weekday: 6, weekday_name: 'Saturday', is_weekend: true });
  });
});
