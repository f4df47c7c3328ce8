import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
    const { rows } = await db.pool.query(
      `SELECT table_schema || '.' || table_name AS t FROM information_schema.tables WHERE table_schema IN ('dw','meta','staging')`,
    );
    const tables = rows.map((r) => r.t);
    const dims = tables.filter((t) => t.startsWith('dw.dim_'));
    const facts = tables.filter((t) => t.startsWith('dw.fact_'));
    expect(dims.length).toBeGreaterThanOrEqual(8);
    expect(facts.length).toBeGreaterThanOrEqual(3);
    expect(tables).toEqual(
      expect.arrayContaining([
        'meta.etl_runs',
        'meta.watermarks',
        'meta.checkpoints',
        'meta.schema_migrations',
        'staging.orders',
      ]),
    );
  });

  it('own every warehouse schema: the analytics, mining and AI tables are created by the migrations too', async () => {
    const { rows } = await db.pool.query<{ t: string }>(
      `SELECT table_schema || '.' || table_name AS t FROM information_schema.tables WHERE table_schema IN ('analytics', 'mining', 'ai')`,
    );
    expect(rows.map((r) => r.t)).toEqual(
      expect.arrayContaining([
        'analytics.rollup_state',
        'analytics.saved_views',
        'mining.runs',
        'mining.rfm',
        'mining.anomalies',
        'mining.eda_quality',
        'ai.reports',
        'ai.insights',
      ]),
    );
  });

  it('fills dim_date with every day, weekends flagged', async () => {
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n, (max(full_date) - min(full_date) + 1)::int AS span,
              bool_and(is_weekend = (weekday IN (6,7))) AS ok FROM dw.dim_date`,
    );
    expect(rows[0].n).toBe(rows[0].span);
    expect(rows[0].ok).toBe(true);
    const d = await db.pool.query(
      `SELECT year, quarter, month, iso_week, weekday, weekday_name, is_weekend FROM dw.dim_date WHERE full_date = '2025-03-15'`,
    );
    expect(d.rows[0]).toEqual({
      year: 2025,
      quarter: 1,
      month: 3,
      iso_week: 11,
      weekday: 6,
      weekday_name: 'Saturday',
      is_weekend: true,
    });
  });
});

describe('a warehouse whose analytics, mining and AI tables were created by their readers (before the migrations owned them)', () => {
  let db: TestDatabase;
  afterAll(() => db?.drop());

  it('upgrades cleanly and keeps their rows', async () => {
    db = await testDatabase({ migrated: false });
    const files = migrationFiles();
    const owner = files.find((m) => m.name.includes('analytics_mining_ai'))!;
    expect(owner).toBeDefined();
    // The warehouse as it was: the migrations before this one, then the same objects made by the readers.
    const before = mkdtempSync(path.join(tmpdir(), 'dwh-before-'));
    for (const m of files.filter((f) => f.name < owner.name)) writeFileSync(path.join(before, m.name), m.sql);
    await migrateDwh(db.url, { dir: before });
    await db.pool.query(owner.sql);
    await db.pool.query(`INSERT INTO mining.runs (parameters) VALUES ('{}')`);
    await db.pool.query(
      `INSERT INTO analytics.saved_views (owner_id, owner_name, name, query) VALUES (1, 'Ann', 'Top', 'measures=net')`,
    );
    await db.pool.query(`INSERT INTO analytics.rollup_state (name, total_rows) VALUES ('sales_month', 12)`);

    const r = await migrateDwh(db.url);
    expect(r.applied).toEqual(files.filter((f) => f.name >= owner.name).map((f) => f.name));
    const { rows } = await db.pool.query(
      `SELECT (SELECT count(*)::int FROM mining.runs) AS runs, (SELECT count(*)::int FROM analytics.saved_views) AS views,
              (SELECT total_rows FROM analytics.rollup_state WHERE name = 'sales_month') AS total`,
    );
    expect(rows[0]).toEqual({ runs: 1, views: 1, total: 12 });
  });
});
