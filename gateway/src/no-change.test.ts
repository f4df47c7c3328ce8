import type pg from 'pg';
import { quietLogger } from '@erp/kit/test/graphql';
import { runEtl } from '@erp/etl';
import { stageContextOf, type TestSystem, startFixtureSystem } from './test-system';
import { defaultStages, runPipeline, type StageContext } from '@erp/automation';

/**
 * The data path on a server without autovacuum: a first pipeline run (stock sweeper → ETL → rollups → mining → reporting)
 * on a fresh warehouse leaves every table it wrote with planner statistics, so every dashboard
 * tile and a chat question answer within the analytics statement timeout; a second run right
 * after, with no change in the OLTP, writes no row anywhere in the warehouse, rebuilds no rollup,
 * skips mining and reporting with the reason — and a forced ETL run then writes nothing either
 * (the segments mining wrote back to the ERP do not make the ETL reload customers).
 */
jest.setTimeout(300_000);

let t: TestSystem;
let ctx: StageContext;
let first: Awaited<ReturnType<typeof runPipeline>>;
const log = quietLogger();
const WAREHOUSE_SCHEMAS = ['dw', 'staging', 'analytics', 'mining', 'ai', 'meta'];

beforeAll(async () => {
  t = await startFixtureSystem();
  ctx = stageContextOf(t, log);
}, 240_000);

afterAll(async () => {
  await t?.close();
});

async function tables(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ t: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY($1::text[]) ORDER BY 1`,
    [WAREHOUSE_SCHEMAS],
  );
  return rows.map((r) => r.t);
}

/** Per table: its row count and how many of its rows were written by a transaction at or after `sinceXid`. */
async function writesSince(
  pool: pg.Pool,
  sinceXid: string,
): Promise<Map<string, { rows: number; written: number }>> {
  const out = new Map<string, { rows: number; written: number }>();
  for (const table of await tables(pool)) {
    const { rows } = await pool.query<{ n: number; w: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE xmin::text::bigint >= $1::bigint)::int AS w FROM ${table}`,
      [sinceXid],
    );
    out.set(table, { rows: rows[0]!.n, written: rows[0]!.w });
  }
  return out;
}

/**
 * Rows inserted, updated and deleted per warehouse table, as the server counts them. Other
 * connections report their counts when idle, at most once a second: wait that long first.
 */
async function tupleCounters(pool: pg.Pool): Promise<Map<string, { written: number; analysed: boolean }>> {
  await new Promise((r) => setTimeout(r, 1500));
  const client = await pool.connect();
  try {
    await client.query(`SELECT pg_stat_clear_snapshot()`);
    const { rows } = await client.query<{ t: string; written: string; analysed: boolean }>(
      `SELECT format('%I.%I', schemaname, relname) AS t, (n_tup_ins + n_tup_upd + n_tup_del)::text AS written,
              (last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL) AS analysed
         FROM pg_stat_user_tables WHERE schemaname = ANY($1::text[])`,
      [WAREHOUSE_SCHEMAS],
    );
    return new Map(rows.map((r) => [r.t, { written: Number(r.written), analysed: r.analysed }]));
  } finally {
    client.release();
  }
}

/** The current transaction id, as xmin shows it (32 bits). */
async function currentXid(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ x: string }>(
    `SELECT (pg_current_xact_id()::text::bigint % 4294967296)::text AS x`,
  );
  return rows[0]!.x;
}

test('a fresh warehouse with autovacuum off: every table the pipeline wrote has statistics; every tile and a chat question answer in time', async () => {
  // Autovacuum off for every warehouse table, whatever the server's setting: statistics must come from the data path itself.
  for (const table of await tables(t.dwh.pool))
    await t.dwh.pool.query(`ALTER TABLE ${table} SET (autovacuum_enabled = false)`);

  first = await runPipeline({
    pool: t.db.pool,
    stages: defaultStages(ctx),
    trigger: 'manual',
    log,
    attempts: 1,
  });
  expect(first.stages.map((s) => [s.name, s.status, s.error ?? null])).toEqual([
    ['stock-sweeper', 'SUCCEEDED', null],
    ['etl', 'SUCCEEDED', null],
    ['rollups', 'SUCCEEDED', null],
    ['mining', 'SUCCEEDED', null],
    ['reporting', 'SUCCEEDED', null],
  ]);
  // Created after the first migration (mining, ai): autovacuum off there too before checking.
  for (const table of await tables(t.dwh.pool))
    await t.dwh.pool.query(`ALTER TABLE ${table} SET (autovacuum_enabled = false)`);

  // Every table the pipeline wrote (the server's counters) has been analysed by the data path.
  const counters = await tupleCounters(t.dwh.pool);
  expect([...counters].filter(([, c]) => c.written > 0).length).toBeGreaterThan(20);
  expect(
    [...counters]
      .filter(([, c]) => c.written > 0 && !c.analysed)
      .map(([table, c]) => `${table}: ${c.written} rows written, never analysed`),
  ).toEqual([]);

  // Every non-empty table of the warehouse has been analysed since it got its rows, and its estimate is close.
  const { rows: stats } = await t.dwh.pool.query<{ t: string; reltuples: number; analysed: boolean }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS t, c.reltuples::float8 AS reltuples,
            EXISTS (SELECT 1 FROM pg_stats s WHERE s.schemaname = n.nspname AND s.tablename = c.relname) AS analysed
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname = ANY($1::text[])`,
    [WAREHOUSE_SCHEMAS.filter((s) => s !== 'meta')],
  );
  const stale: string[] = [];
  for (const s of stats) {
    const { rows } = await t.dwh.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${s.t}`);
    const n = rows[0]!.n;
    if (n === 0) continue;
    if (!s.analysed || s.reltuples < 0 || Math.abs(s.reltuples - n) > Math.max(10, 0.2 * n))
      stale.push(`${s.t}: ${n} rows, estimate ${s.reltuples}, analysed ${s.analysed}`);
  }
  expect(stale).toEqual([]);

  // Every dashboard tile (each kind, the fixture period) and a chat question, under the analytics statement timeout.
  const manager = await t.login('MANAGER');
  const { rows: p } = await t.db.pool.query<{ from: string; to: string }>(
    `SELECT to_char(min(ordered_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS "from", to_char(max(ordered_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS "to" FROM sales.orders`,
  );
  for (const kind of ['STRATEGIC', 'TACTICAL', 'OPERATIONAL']) {
    const r = await t.gql(
      `query($k: DashboardKind!, $p: OlapPeriod!) { dashboard(kind: $k, period: $p) { tiles { id error { code message } result { rows { values { value } } } } } }`,
      { k: kind, p: { from: p[0]!.from, to: p[0]!.to } },
      manager,
    );
    expect(r.body.errors ?? []).toEqual([]);
    const tiles = r.body.data.dashboard.tiles as { id: string; error: unknown; result: unknown }[];
    expect(tiles.length).toBeGreaterThan(0);
    expect(
      tiles.filter((x) => x.error || !x.result).map((x) => `${kind}/${x.id}: ${JSON.stringify(x.error)}`),
    ).toEqual([]);
  }
  const ask = await t.gql(
    `query($q: String!) { ask(question: $q, language: EN) { understood answer rows } }`,
    { q: 'revenue by month' },
    manager,
  );
  expect(ask.body.errors ?? []).toEqual([]);
  expect(ask.body.data.ask.understood).toBe(true);
  expect(ask.body.data.ask.answer).toMatch(/\d/);
});

test('a pipeline run right after a successful one, with no OLTP change: 0 rows written in the warehouse, no rollup rebuilt, mining and reports skipped with the reason', async () => {
  const rollupsBefore = (
    await t.dwh.pool.query(
      `SELECT name, refreshed_at, rows_written FROM analytics.rollup_state ORDER BY name`,
    )
  ).rows;
  // the runs the skipped stages' inputs name: the first pipeline's ETL and mining runs
  const etlRun = first.stages.find((s) => s.name === 'etl')!.result!.runId;
  const miningRun = first.stages.find((s) => s.name === 'mining')!.result!.runId;
  const before = await writesSince(t.dwh.pool, '0');
  const countersBefore = await tupleCounters(t.dwh.pool);
  const xid = await currentXid(t.dwh.pool);
  const t0 = Date.now();
  const second = await runPipeline({
    pool: t.db.pool,
    stages: defaultStages(ctx),
    trigger: 'manual',
    log,
    attempts: 1,
  });
  const seconds = (Date.now() - t0) / 1000;
  // the ETL's input (the source as the API shows it) did not change: mining's write-back does not count
  expect(second.stages.map((s) => [s.name, s.status, s.reason ?? s.error ?? null])).toEqual([
    ['stock-sweeper', 'SKIPPED', 'input unchanged since its last successful run'],
    [
      'etl',
      'SKIPPED',
      expect.stringMatching(
        /^input unchanged since its last successful run: the ERP shows no change since the last ETL run .*segments written back by mining do not count/,
      ),
    ],
    [
      'rollups',
      'SKIPPED',
      `input unchanged since its last successful run: no ETL run wrote a row since the rollups were refreshed (last ETL run that wrote rows: ${etlRun})`,
    ],
    [
      'mining',
      'SKIPPED',
      `input unchanged since its last successful run: the warehouse did not change since the last mining run (last ETL run that wrote rows: ${etlRun})`,
    ],
    [
      'reporting',
      'SKIPPED',
      `input unchanged since its last successful run: neither the warehouse nor the mining results changed since the last reports (last ETL run that wrote rows: ${etlRun}; last mining run: ${miningRun})`,
    ],
  ]);
  expect(second.status).toBe('SUCCEEDED');
  expect(seconds).toBeLessThan(10);

  const after = await writesSince(t.dwh.pool, xid);
  const changed = [...after]
    .filter(([table, a]) => a.written > 0 || a.rows !== before.get(table)?.rows)
    .map(([table, a]) => `${table}: ${a.written} written, ${before.get(table)?.rows} → ${a.rows} rows`);
  expect(changed).toEqual([]);
  // and as the server counts them (deletes included): no row inserted, updated or deleted in any table
  const countersAfter = await tupleCounters(t.dwh.pool);
  const moved = [...countersAfter]
    .filter(([table, c]) => c.written !== (countersBefore.get(table)?.written ?? 0))
    .map(([table, c]) => `${table}: ${c.written - (countersBefore.get(table)?.written ?? 0)} rows`);
  expect(moved).toEqual([]);
  expect(
    (
      await t.dwh.pool.query(
        `SELECT name, refreshed_at, rows_written FROM analytics.rollup_state ORDER BY name`,
      )
    ).rows,
  ).toEqual(rollupsBefore);
});

test('a forced ETL run after mining wrote its segments back: nothing reloaded, no fact or rollup touched', async () => {
  const { rows: seg } = await t.db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM customers.customers WHERE analytic_segment IS NOT NULL`,
  );
  expect(seg[0]!.n).toBeGreaterThan(0); // the first pipeline run did write segments back
  const xid = await currentXid(t.dwh.pool);
  const r = await runEtl({
    gatewayUrl: t.system.gatewayUrl,
    credentials: ctx.credentials,
    dwhUrl: t.dwh.url,
  });
  expect(r.status).toBe('SUCCEEDED');
  expect(r.rowsWritten).toBe(0);
  expect(r.message).toMatch(/no change in the source, 0 rows written/);
  const after = await writesSince(t.dwh.pool, xid);
  // Only the run's own bookkeeping (meta) is written.
  expect(
    [...after]
      .filter(([table, a]) => a.written > 0 && !table.startsWith('meta.'))
      .map(([table, a]) => `${table}: ${a.written}`),
  ).toEqual([]);
});

test('in the ERP, an analytic-only write keeps updated_at; a business change moves it', async () => {
  const at = async () =>
    (
      await t.db.pool.query<{ u: Date }>(
        `SELECT updated_at AS u FROM customers.customers ORDER BY id LIMIT 1`,
      )
    ).rows[0]!.u.toISOString();
  const before = await at();
  await t.db.pool.query(
    `UPDATE customers.customers SET analytic_segment = 'Test segment', analytic_segment_at = now() WHERE id = (SELECT min(id) FROM customers.customers)`,
  );
  expect(await at()).toBe(before);
  await t.db.pool.query(
    `UPDATE customers.customers SET name = name || ' (renamed)' WHERE id = (SELECT min(id) FROM customers.customers)`,
  );
  expect(await at()).not.toBe(before);
});
