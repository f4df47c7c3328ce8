-- The analytics subgraph's own objects in the warehouse (idempotent; applied by ensureAnalyticsSchema).
-- Pre-aggregations of additive sales components at month grain; the subgraph answers from them when
-- a query fits (see src/services/rollups.ts), from the facts otherwise.
CREATE SCHEMA IF NOT EXISTS analytics;

CREATE TABLE IF NOT EXISTS analytics.sales_month (
  month_start        date NOT NULL,
  year               smallint NOT NULL,
  quarter            smallint NOT NULL,
  year_month         text NOT NULL,
  root_code          text NOT NULL,
  root_name          text NOT NULL,
  category_code      text NOT NULL,
  category_name      text NOT NULL,
  country_code       text NOT NULL,
  country_name       text NOT NULL,
  segment            text NOT NULL,
  status             text NOT NULL,
  kind               text NOT NULL,
  net_amount         numeric(16, 2) NOT NULL,
  margin_amount      numeric(16, 2),
  costed_net_amount  numeric(16, 2),
  units              bigint NOT NULL,
  lines              bigint NOT NULL,
  PRIMARY KEY (month_start, category_code, country_code, segment, status, kind)
);

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

-- The facts by customer (row-level security of SALES users) and current customers by sales rep.
CREATE INDEX IF NOT EXISTS dim_customer_rep_current ON dw.dim_customer (sales_rep_id) WHERE is_current;
