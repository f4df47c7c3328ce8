-- The semantic layer's own objects in the warehouse (idempotent; applied by ensureAnalyticsSchema).
-- The rollup tables themselves are derived from their definitions (src/model.ts ROLLUPS) by
-- src/rollup-tables.ts; here only what they share.
CREATE SCHEMA IF NOT EXISTS analytics;

-- One row per rollup: what it covers. `covered_run_id` is the last meta.etl_runs run when it was
-- refreshed: a later run (still running, or that did not refresh it) makes the rollup stale, and
-- queries go to the facts until it is refreshed.
CREATE TABLE IF NOT EXISTS analytics.rollup_state (
  name            text PRIMARY KEY,
  refreshed_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  covered_run_id  bigint,
  last_from       date,
  last_to         date,
  rows_written    integer NOT NULL DEFAULT 0
);
-- Its size after the last refresh: the smallest rollup that can answer a query is chosen.
ALTER TABLE analytics.rollup_state ADD COLUMN IF NOT EXISTS total_rows integer NOT NULL DEFAULT 0;

-- The facts by customer (row-level security of SALES users) and current customers by sales rep.
CREATE INDEX IF NOT EXISTS dim_customer_rep_current ON dw.dim_customer (sales_rep_id) WHERE is_current;
