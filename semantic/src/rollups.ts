import { analyzeStale, ValidationError } from '@erp/kit';
import type pg from 'pg';
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
export async function refreshRollups(
  pool: pg.Pool,
  period: { fromDate: string; toDate: string } | 'all',
  opts: { coveredRunId?: number | null } = {},
): Promise<RefreshResult> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL statement_timeout = '30min'`);
    // The GROUP BYs over the facts sort or hash millions of rows: in memory rather than spilled to disk.
    await client.query(`SET LOCAL work_mem = '256MB'`);
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    const built = await client.query(`SELECT name FROM analytics.rollup_state WHERE name = ANY($1::text[])`, [
      REFRESH_ORDER,
    ]);
    let from: string | null = null;
    let to: string | null = null;
    if (period !== 'all' && built.rowCount === REFRESH_ORDER.length) {
      const a = parseIsoDate('fromDate', period.fromDate);
      const b = parseIsoDate('toDate', period.toDate);
      if (a > b) throw new ValidationError('toDate', b, 'is before fromDate');
      from = `${a.slice(0, 7)}-01`;
      to = addDays(addMonths(`${b.slice(0, 7)}-01`, 1), -1);
      for (const name of REFRESH_ORDER)
        await client.query(`DELETE FROM analytics.${name} WHERE month_start BETWEEN $1::date AND $2::date`, [
          from,
          to,
        ]);
    } else {
      await client.query(`TRUNCATE ${REFRESH_ORDER.map((n) => `analytics.${n}`).join(', ')}`);
    }
    const rollups: RefreshResult['rollups'] = [];
    for (const name of REFRESH_ORDER) {
      const ins = await client.query(REFRESH.get(name)!, [from, to]);
      const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM analytics.${name}`);
      await client.query(
        `INSERT INTO analytics.rollup_state (name, refreshed_at, covered_run_id, last_from, last_to, rows_written, total_rows)
         VALUES ($1, clock_timestamp(), COALESCE($6::bigint, (SELECT max(run_id) FROM meta.etl_runs)), $2, $3, $4, $5)
         ON CONFLICT (name) DO UPDATE SET refreshed_at = EXCLUDED.refreshed_at, covered_run_id = EXCLUDED.covered_run_id,
           last_from = EXCLUDED.last_from, last_to = EXCLUDED.last_to, rows_written = EXCLUDED.rows_written, total_rows = EXCLUDED.total_rows`,
        [name, from, to, ins.rowCount ?? 0, rows[0]!.n, opts.coveredRunId ?? null],
      );
      rollups.push({ name, rowsWritten: ins.rowCount ?? 0 });
    }
    await client.query('COMMIT');
    // Fresh statistics for the planner on the tables just rewritten (outside the transaction).
    await analyzeStale(pool, ['analytics'], {
      written: Object.fromEntries(rollups.map((r) => [`analytics.${r.name}`, r.rowsWritten])),
    });
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

/**
 * The last ETL run that may have changed the warehouse: one still running, or one that committed a
 * row (its per-entity counters are committed with each page, so an interrupted run counts too). A
 * finished run that wrote nothing leaves the rollups as exact as they were.
 */
const LAST_CHANGING_RUN = `(SELECT max(r.run_id) FROM meta.etl_runs r WHERE r.status = 'RUNNING' OR r.rows_written > 0
    OR EXISTS (SELECT 1 FROM meta.etl_run_entities e WHERE e.run_id = r.run_id AND e.rows_written > 0))`;

/** The state of every rollup that was ever built. */
export async function rollupStates(pool: pg.Pool): Promise<Map<string, RollupState>> {
  const { rows } = await pool.query<{ name: string; fresh: boolean; rows: number }>(
    `SELECT st.name, COALESCE(st.covered_run_id, 0) >= COALESCE(${LAST_CHANGING_RUN}, 0) AS fresh, st.total_rows AS rows
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
 * exact, so they are marked as covering that run without being recomputed. (A run that wrote no
 * row at all needs no call: it does not make the rollups stale.)
 */
export async function markRollupsCurrent(
  pool: pg.Pool,
  opts: { coveredRunId?: number | null } = {},
): Promise<void> {
  await pool.query(
    `UPDATE analytics.rollup_state SET covered_run_id = COALESCE($2::bigint, (SELECT max(run_id) FROM meta.etl_runs)) WHERE name = ANY($1::text[])`,
    [REFRESH_ORDER, opts.coveredRunId ?? null],
  );
}

/** The entities whose rows the rollups group by: a change there rebuilds every rollup. */
const ROLLUP_DIMENSIONS = ['products', 'customers', 'warehouses'];

export interface RollupStageResult {
  /**
   * rebuilt: every rollup recomputed (a dimension they group by changed, or one was never built);
   * refreshed: the months of the orders loaded since; marked: the runs since changed no row the
   * rollups read, so they are marked as covering them; unchanged: no ETL run wrote a row since.
   */
  action: 'rebuilt' | 'refreshed' | 'marked' | 'unchanged';
  reason: string;
  /** The last finished ETL run the rollups now cover. */
  coveredRunId: number | null;
  from: string | null;
  to: string | null;
  rowsWritten: number;
  seconds: number;
}

/**
 * Brings the rollups up to the last finished ETL run, recomputing only what the runs since their
 * last refresh changed (meta.etl_run_entities, staging.orders): everything when a dimension they
 * group by changed, the months of the orders loaded otherwise, nothing (only marked current) when
 * those runs changed no row the rollups read. A run still going is left to the next call.
 */
export async function refreshStaleRollups(pool: pg.Pool): Promise<RollupStageResult> {
  const t0 = Date.now();
  const done = (r: Omit<RollupStageResult, 'seconds'>): RollupStageResult => ({
    ...r,
    seconds: (Date.now() - t0) / 1000,
  });
  const {
    rows: [head],
  } = await pool.query<{ through: string | null; covered: string | null; built: number }>(
    `SELECT (SELECT max(run_id) FROM meta.etl_runs WHERE status <> 'RUNNING') AS through,
            (SELECT min(COALESCE(covered_run_id, 0)) FROM analytics.rollup_state WHERE name = ANY($1::text[])) AS covered,
            (SELECT count(*)::int FROM analytics.rollup_state WHERE name = ANY($1::text[])) AS built`,
    [REFRESH_ORDER],
  );
  const through = head?.through === null || head?.through === undefined ? null : Number(head.through);
  if (head!.built < REFRESH_ORDER.length) {
    const r = await refreshRollups(pool, 'all', { coveredRunId: through });
    return done({
      action: 'rebuilt',
      reason: 'a rollup was never built',
      coveredRunId: through,
      from: null,
      to: null,
      rowsWritten: r.rowsWritten,
    });
  }
  const covered = Number(head!.covered ?? 0);
  const unchanged = (reason: string) =>
    done({
      action: 'unchanged',
      reason,
      coveredRunId: covered || null,
      from: null,
      to: null,
      rowsWritten: 0,
    });
  if (through === null || through <= covered) return unchanged('no ETL run finished since the last refresh');
  const { rows: written } = await pool.query<{ entity: string; n: number }>(
    `SELECT entity, sum(rows_written)::int AS n FROM meta.etl_run_entities WHERE run_id > $1 AND run_id <= $2 GROUP BY entity HAVING sum(rows_written) > 0`,
    [covered, through],
  );
  const changed = written.map((w) => w.entity);
  if (!changed.length) return unchanged('the ETL runs since the last refresh wrote no row');
  const dimensions = changed.filter((e) => ROLLUP_DIMENSIONS.includes(e));
  if (dimensions.length) {
    const r = await refreshRollups(pool, 'all', { coveredRunId: through });
    return done({
      action: 'rebuilt',
      reason: `a dimension the rollups group by changed (${dimensions.join(', ')})`,
      coveredRunId: through,
      from: null,
      to: null,
      rowsWritten: r.rowsWritten,
    });
  }
  if (changed.includes('orders')) {
    const { rows } = await pool.query<{ from: string | null; to: string | null }>(
      `SELECT min((payload->>'orderedAt')::timestamptz)::date::text AS from, max((payload->>'orderedAt')::timestamptz)::date::text AS to
         FROM staging.orders WHERE run_id > $1 AND run_id <= $2`,
      [covered, through],
    );
    const period = rows[0]?.from && rows[0].to ? { fromDate: rows[0].from, toDate: rows[0].to } : 'all';
    const r = await refreshRollups(pool, period, { coveredRunId: through });
    return done({
      action: period === 'all' ? 'rebuilt' : 'refreshed',
      reason: 'orders were loaded',
      coveredRunId: through,
      from: r.from,
      to: r.to,
      rowsWritten: r.rowsWritten,
    });
  }
  await markRollupsCurrent(pool, { coveredRunId: through });
  return done({
    action: 'marked',
    reason: `the runs since changed no row the rollups read (${changed.join(', ')})`,
    coveredRunId: through,
    from: null,
    to: null,
    rowsWritten: 0,
  });
}

/** One line for logs and the pipeline ledger: what the rollup refresh did, why, its rows and duration. */
export function describeRollupRefresh(r: RollupStageResult): string {
  const months = r.from && r.to ? ` for ${r.from} … ${r.to}` : '';
  return `rollups ${r.action}${months} (${r.reason}): ${r.rowsWritten.toLocaleString('en')} rows in ${r.seconds.toFixed(1)} s`;
}
