-- The analytics subgraph's own objects in the warehouse (idempotent; applied by ensureAnalyticsSchema).
-- Pre-aggregations of sales at month grain; the subgraph answers from the smallest fresh one that
-- fits a query (src/semantic/model.ts ROLLUPS, src/services/rollups.ts), from the facts otherwise.
-- Every rollup names a member in the same column (category_code, country_code, sku, ...).
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

-- Month × product (SCD2 versions with the same SKU and name are one row).
CREATE TABLE IF NOT EXISTS analytics.sales_product_month (
  month_start        date NOT NULL,
  year               smallint NOT NULL,
  quarter            smallint NOT NULL,
  year_month         text NOT NULL,
  root_code          text NOT NULL,
  root_name          text NOT NULL,
  category_code      text NOT NULL,
  category_name      text NOT NULL,
  sku                text NOT NULL,
  product_name       text NOT NULL,
  status             text NOT NULL,
  kind               text NOT NULL,
  net_amount         numeric(16, 2) NOT NULL,
  margin_amount      numeric(16, 2),
  costed_net_amount  numeric(16, 2),
  units              bigint NOT NULL,
  lines              bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS sales_product_month_month ON analytics.sales_product_month (month_start);

-- Month × customer, with the place and segment of the customer at the time of the order. An order falls in exactly one row, so `orders` adds up over any of its levels.
CREATE TABLE IF NOT EXISTS analytics.sales_customer_month (
  month_start        date NOT NULL,
  year               smallint NOT NULL,
  quarter            smallint NOT NULL,
  year_month         text NOT NULL,
  customer_id        integer NOT NULL,
  customer_code      text NOT NULL,
  customer_name      text NOT NULL,
  country_code       text NOT NULL,
  country_name       text NOT NULL,
  region             text NOT NULL,
  city               text NOT NULL,
  segment            text NOT NULL,
  status             text NOT NULL,
  kind               text NOT NULL,
  net_amount         numeric(16, 2) NOT NULL,
  margin_amount      numeric(16, 2),
  costed_net_amount  numeric(16, 2),
  units              bigint NOT NULL,
  orders             bigint NOT NULL,
  lines              bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS sales_customer_month_month ON analytics.sales_customer_month (month_start);
CREATE INDEX IF NOT EXISTS sales_customer_month_customer ON analytics.sales_customer_month (customer_id);

-- Month × place × segment × status × kind, aggregated from sales_customer_month (orders add up).
CREATE TABLE IF NOT EXISTS analytics.sales_order_month (
  month_start        date NOT NULL,
  year               smallint NOT NULL,
  quarter            smallint NOT NULL,
  year_month         text NOT NULL,
  country_code       text NOT NULL,
  country_name       text NOT NULL,
  region             text NOT NULL,
  city               text NOT NULL,
  segment            text NOT NULL,
  status             text NOT NULL,
  kind               text NOT NULL,
  net_amount         numeric(16, 2) NOT NULL,
  margin_amount      numeric(16, 2),
  costed_net_amount  numeric(16, 2),
  units              bigint NOT NULL,
  orders             bigint NOT NULL,
  lines              bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS sales_order_month_month ON analytics.sales_order_month (month_start);

-- Coarser rollups, computed from the ones above (fewer rows: the smallest that can answer is read).
CREATE TABLE IF NOT EXISTS analytics.sales_region_month (
  month_start        date NOT NULL,
  year               smallint NOT NULL,
  quarter            smallint NOT NULL,
  year_month         text NOT NULL,
  country_code       text NOT NULL,
  country_name       text NOT NULL,
  region             text NOT NULL,
  segment            text NOT NULL,
  status             text NOT NULL,
  kind               text NOT NULL,
  net_amount         numeric(16, 2) NOT NULL,
  margin_amount      numeric(16, 2),
  costed_net_amount  numeric(16, 2),
  units              bigint NOT NULL,
  orders             bigint NOT NULL,
  lines              bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS sales_region_month_month ON analytics.sales_region_month (month_start);

CREATE TABLE IF NOT EXISTS analytics.sales_segment_month (
  month_start        date NOT NULL,
  year               smallint NOT NULL,
  quarter            smallint NOT NULL,
  year_month         text NOT NULL,
  segment            text NOT NULL,
  status             text NOT NULL,
  kind               text NOT NULL,
  net_amount         numeric(16, 2) NOT NULL,
  margin_amount      numeric(16, 2),
  costed_net_amount  numeric(16, 2),
  units              bigint NOT NULL,
  orders             bigint NOT NULL,
  lines              bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS sales_segment_month_month ON analytics.sales_segment_month (month_start);

CREATE TABLE IF NOT EXISTS analytics.sales_category_month (
  month_start        date NOT NULL,
  year               smallint NOT NULL,
  quarter            smallint NOT NULL,
  year_month         text NOT NULL,
  root_code          text NOT NULL,
  root_name          text NOT NULL,
  category_code      text NOT NULL,
  category_name      text NOT NULL,
  status             text NOT NULL,
  kind               text NOT NULL,
  net_amount         numeric(16, 2) NOT NULL,
  margin_amount      numeric(16, 2),
  costed_net_amount  numeric(16, 2),
  units              bigint NOT NULL,
  lines              bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS sales_category_month_month ON analytics.sales_category_month (month_start);

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
