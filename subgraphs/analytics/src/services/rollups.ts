import { ValidationError } from '@erp/kit';
import type pg from 'pg';
import { ensureAnalyticsSchema } from '../db/ensure';
import { addDays, addMonths, parseIsoDate } from '../semantic/periods';

const LOCK_KEY = 7_405_102;

export interface RefreshResult {
  rollup: string;
  /** The months recomputed (first day of the first, last day of the last), or null for 'all'. */
  from: string | null;
  to: string | null;
  rowsWritten: number;
}

/**
 * Recomputes the sales rollup for the months touched by [fromDate, toDate] (whole months around
 * them), or entirely with 'all'; in one transaction, so readers see either the old or the new months.
 * The ETL calls it with the periods its run touched. A rollup never fully built is built entirely.
 */
export async function refreshRollups(pool: pg.Pool, period: { fromDate: string; toDate: string } | 'all'): Promise<RefreshResult> {
  await ensureAnalyticsSchema(pool);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL statement_timeout = '10min'`);
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    const state = await client.query(`SELECT 1 FROM analytics.rollup_state WHERE name = 'sales_month'`);
    let from: string | null = null;
    let to: string | null = null;
    if (period !== 'all' && state.rowCount) {
      const a = parseIsoDate('fromDate', period.fromDate);
      const b = parseIsoDate('toDate', period.toDate);
      if (a > b) throw new ValidationError('toDate', b, 'is before fromDate');
      from = `${a.slice(0, 7)}-01`;
      to = addDays(addMonths(`${b.slice(0, 7)}-01`, 1), -1);
      await client.query('DELETE FROM analytics.sales_month WHERE month_start BETWEEN $1::date AND $2::date', [from, to]);
    } else {
      await client.query('TRUNCATE analytics.sales_month');
    }
    const ins = await client.query(
      `INSERT INTO analytics.sales_month
       SELECT date_trunc('month', d.full_date)::date, d.year, d.quarter, d.year_month,
              COALESCE(cat.root_code, '(none)'), COALESCE(cat.root_name, 'No category'),
              COALESCE(cat.code, '(none)'), COALESCE(cat.name, 'No category'),
              g.country_code, g.country_name, c.segment, s.status, k.kind,
              SUM(f.net_amount), SUM(f.net_amount - f.cost_amount),
              SUM(CASE WHEN f.cost_amount IS NOT NULL THEN f.net_amount END), SUM(f.quantity), COUNT(*)
         FROM dw.fact_sales f
         JOIN dw.dim_date d ON d.date_key = f.order_date_key
         JOIN dw.dim_product p ON p.product_key = f.product_key
         LEFT JOIN dw.dim_category cat ON cat.category_key = p.category_key
         JOIN dw.dim_customer c ON c.customer_key = f.customer_key
         JOIN dw.dim_geography g ON g.geography_key = f.geography_key
         JOIN dw.dim_order_status s ON s.status_key = f.status_key
         JOIN dw.dim_order_kind k ON k.kind_key = f.kind_key
        WHERE ($1::date IS NULL OR d.full_date BETWEEN $1::date AND $2::date)
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13`,
      [from, to],
    );
    await client.query(
      `INSERT INTO analytics.rollup_state (name, refreshed_at, covered_run_id, last_from, last_to, rows_written)
       VALUES ('sales_month', clock_timestamp(), (SELECT max(run_id) FROM meta.etl_runs), $1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET refreshed_at = EXCLUDED.refreshed_at, covered_run_id = EXCLUDED.covered_run_id,
         last_from = EXCLUDED.last_from, last_to = EXCLUDED.last_to, rows_written = EXCLUDED.rows_written`,
      [from, to, ins.rowCount ?? 0],
    );
    await client.query('COMMIT');
    return { rollup: 'sales_month', from, to, rowsWritten: ins.rowCount ?? 0 };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Whether the sales rollup is built and covers the last ETL run (else queries read the facts). */
export async function rollupIsFresh(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query<{ fresh: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM analytics.rollup_state st
                     WHERE st.name = 'sales_month'
                       AND COALESCE(st.covered_run_id, 0) >= COALESCE((SELECT max(run_id) FROM meta.etl_runs), 0)) AS fresh`,
  );
  return rows[0]!.fresh;
}

/**
 * After an ETL run that changed no fact and no dimension the rollups read: the rollups are still
 * exact, so they are marked as covering that run without being recomputed.
 */
export async function markRollupsCurrent(pool: pg.Pool): Promise<void> {
  await ensureAnalyticsSchema(pool);
  await pool.query(
    `UPDATE analytics.rollup_state SET covered_run_id = (SELECT max(run_id) FROM meta.etl_runs) WHERE name = 'sales_month'`,
  );
}
