import { ValidationError } from '@erp/kit';
import type pg from 'pg';
import { ensureAnalyticsSchema } from './ensure';
import { ROLLUPS } from './model';
import { refreshPlan, refreshStatement } from './rollup-tables';
import { addDays, addMonths, parseIsoDate } from './periods';

const LOCK_KEY = 7_405_102;

export interface RefreshResult {
  /** The months recomputed (first day of the first, last day of the last), or null for 'all'. */
  from: string | null;
  to: string | null;
  /** Rows written, all rollups together. */
  rowsWritten: number;
  rollups: { name: string; rowsWritten: number }[];
}

const PLAN = refreshPlan();
const REFRESH_ORDER = PLAN.map((p) => p.rollup.name);
const REFRESH = new Map(PLAN.map((p) => [p.rollup.name, refreshStatement(p.rollup, p.from)]));

/**
 * Recomputes every rollup for the months touched by [fromDate, toDate] (whole months around them),
 * or entirely with 'all'; in one transaction, so readers see either the old or the new months. The
 * ETL calls it with the periods its run touched. When one rollup was never built, all are built.
 */
export async function refreshRollups(pool: pg.Pool, period: { fromDate: string; toDate: string } | 'all'): Promise<RefreshResult> {
  await ensureAnalyticsSchema(pool);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL statement_timeout = '30min'`);
    // The GROUP BYs over the facts sort or hash millions of rows: in memory rather than spilled to disk.
    await client.query(`SET LOCAL work_mem = '256MB'`);
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    const built = await client.query(`SELECT name FROM analytics.rollup_state WHERE name = ANY($1::text[])`, [REFRESH_ORDER]);
    let from: string | null = null;
    let to: string | null = null;
    if (period !== 'all' && built.rowCount === REFRESH_ORDER.length) {
      const a = parseIsoDate('fromDate', period.fromDate);
      const b = parseIsoDate('toDate', period.toDate);
      if (a > b) throw new ValidationError('toDate', b, 'is before fromDate');
      from = `${a.slice(0, 7)}-01`;
      to = addDays(addMonths(`${b.slice(0, 7)}-01`, 1), -1);
      for (const name of REFRESH_ORDER) await client.query(`DELETE FROM analytics.${name} WHERE month_start BETWEEN $1::date AND $2::date`, [from, to]);
    } else {
      await client.query(`TRUNCATE ${REFRESH_ORDER.map((n) => `analytics.${n}`).join(', ')}`);
    }
    const rollups: RefreshResult['rollups'] = [];
    for (const name of REFRESH_ORDER) {
      const ins = await client.query(REFRESH.get(name)!, [from, to]);
      const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM analytics.${name}`);
      await client.query(
        `INSERT INTO analytics.rollup_state (name, refreshed_at, covered_run_id, last_from, last_to, rows_written, total_rows)
         VALUES ($1, clock_timestamp(), (SELECT max(run_id) FROM meta.etl_runs), $2, $3, $4, $5)
         ON CONFLICT (name) DO UPDATE SET refreshed_at = EXCLUDED.refreshed_at, covered_run_id = EXCLUDED.covered_run_id,
           last_from = EXCLUDED.last_from, last_to = EXCLUDED.last_to, rows_written = EXCLUDED.rows_written, total_rows = EXCLUDED.total_rows`,
        [name, from, to, ins.rowCount ?? 0, rows[0]!.n],
      );
      rollups.push({ name, rowsWritten: ins.rowCount ?? 0 });
    }
    await client.query('COMMIT');
    // Fresh statistics for the planner on the tables just rewritten (outside the transaction).
    await pool.query(`ANALYZE ${REFRESH_ORDER.map((n) => `analytics.${n}`).join(', ')}`);
    return { from, to, rowsWritten: rollups.reduce((s, r) => s + r.rowsWritten, 0), rollups };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export interface RollupState {
  name: string;
  /** Built and covering the last ETL run (else queries read the facts). */
  fresh: boolean;
  /** Its size, to choose the smallest rollup that can answer. */
  rows: number;
}

/** The state of every rollup that was ever built. */
export async function rollupStates(pool: pg.Pool): Promise<Map<string, RollupState>> {
  const { rows } = await pool.query<{ name: string; fresh: boolean; rows: number }>(
    `SELECT st.name, COALESCE(st.covered_run_id, 0) >= COALESCE((SELECT max(run_id) FROM meta.etl_runs), 0) AS fresh, st.total_rows AS rows
       FROM analytics.rollup_state st`,
  );
  return new Map(rows.map((r) => [r.name, r]));
}

/** Whether every rollup is built and covers the last ETL run. */
export async function rollupIsFresh(pool: pg.Pool): Promise<boolean> {
  const states = await rollupStates(pool);
  return ROLLUPS.every((r) => states.get(r.name)?.fresh === true);
}

/**
 * After an ETL run that changed no fact and no dimension the rollups read: the rollups are still
 * exact, so they are marked as covering that run without being recomputed.
 */
export async function markRollupsCurrent(pool: pg.Pool): Promise<void> {
  await ensureAnalyticsSchema(pool);
  await pool.query(`UPDATE analytics.rollup_state SET covered_run_id = (SELECT max(run_id) FROM meta.etl_runs) WHERE name = ANY($1::text[])`, [REFRESH_ORDER]);
}
