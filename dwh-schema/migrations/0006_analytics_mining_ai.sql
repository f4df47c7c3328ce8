-- The warehouse objects that were created lazily by their readers until now (the semantic layer's
-- analytics schema, the saved explorer views, the mining results, the AI reports): here, once, like
-- every other warehouse table. Idempotent (IF NOT EXISTS), so a warehouse where those readers already
-- created them upgrades without change.

-- analytics: what the semantic layer keeps in the warehouse (rollups and their state, saved views).
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

-- Saved explorer views: a named explorer query kept per user (subgraphs/analytics services/views.ts).
CREATE TABLE IF NOT EXISTS analytics.saved_views (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  owner_id   bigint NOT NULL,
  owner_name text NOT NULL,
  name       text NOT NULL,
  query      text NOT NULL,
  shared     boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS saved_views_owner_name ON analytics.saved_views (owner_id, lower(name));
CREATE INDEX IF NOT EXISTS saved_views_shared ON analytics.saved_views (shared) WHERE shared;

-- The rollup tables, generated from their definitions (semantic ROLLUPS) by
-- `npm run rollups:migration -w @erp/dwh-schema`; dwh-schema/src/rollups.test.ts checks they match.
CREATE TABLE IF NOT EXISTS analytics.sales_segment_month (
  month_start date NOT NULL,
  year smallint NOT NULL,
  quarter smallint NOT NULL,
  year_month text NOT NULL,
  segment text NOT NULL,
  status text NOT NULL,
  kind text NOT NULL,
  net_amount numeric(16, 2) NOT NULL,
  margin_amount numeric(16, 2),
  costed_net_amount numeric(16, 2),
  units bigint NOT NULL,
  orders bigint NOT NULL,
  lines bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS sales_segment_month_month ON analytics.sales_segment_month (month_start);

CREATE TABLE IF NOT EXISTS analytics.sales_category_month (
  month_start date NOT NULL,
  year smallint NOT NULL,
  quarter smallint NOT NULL,
  year_month text NOT NULL,
  root_code text NOT NULL,
  root_name text NOT NULL,
  category_code text NOT NULL,
  category_name text NOT NULL,
  status text NOT NULL,
  kind text NOT NULL,
  net_amount numeric(16, 2) NOT NULL,
  margin_amount numeric(16, 2),
  costed_net_amount numeric(16, 2),
  units bigint NOT NULL,
  lines bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS sales_category_month_month ON analytics.sales_category_month (month_start);

CREATE TABLE IF NOT EXISTS analytics.sales_region_month (
  month_start date NOT NULL,
  year smallint NOT NULL,
  quarter smallint NOT NULL,
  year_month text NOT NULL,
  country_code text NOT NULL,
  country_name text NOT NULL,
  region text NOT NULL,
  segment text NOT NULL,
  status text NOT NULL,
  kind text NOT NULL,
  net_amount numeric(16, 2) NOT NULL,
  margin_amount numeric(16, 2),
  costed_net_amount numeric(16, 2),
  units bigint NOT NULL,
  orders bigint NOT NULL,
  lines bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS sales_region_month_month ON analytics.sales_region_month (month_start);

CREATE TABLE IF NOT EXISTS analytics.sales_order_month (
  month_start date NOT NULL,
  year smallint NOT NULL,
  quarter smallint NOT NULL,
  year_month text NOT NULL,
  country_code text NOT NULL,
  country_name text NOT NULL,
  region text NOT NULL,
  city text NOT NULL,
  segment text NOT NULL,
  status text NOT NULL,
  kind text NOT NULL,
  net_amount numeric(16, 2) NOT NULL,
  margin_amount numeric(16, 2),
  costed_net_amount numeric(16, 2),
  units bigint NOT NULL,
  orders bigint NOT NULL,
  lines bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS sales_order_month_month ON analytics.sales_order_month (month_start);

CREATE TABLE IF NOT EXISTS analytics.sales_month (
  month_start date NOT NULL,
  year smallint NOT NULL,
  quarter smallint NOT NULL,
  year_month text NOT NULL,
  root_code text NOT NULL,
  root_name text NOT NULL,
  category_code text NOT NULL,
  category_name text NOT NULL,
  country_code text NOT NULL,
  country_name text NOT NULL,
  segment text NOT NULL,
  status text NOT NULL,
  kind text NOT NULL,
  net_amount numeric(16, 2) NOT NULL,
  margin_amount numeric(16, 2),
  costed_net_amount numeric(16, 2),
  units bigint NOT NULL,
  lines bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS sales_month_month ON analytics.sales_month (month_start);

CREATE TABLE IF NOT EXISTS analytics.sales_warehouse_month (
  month_start date NOT NULL,
  year smallint NOT NULL,
  quarter smallint NOT NULL,
  year_month text NOT NULL,
  warehouse_code text NOT NULL,
  warehouse_name text NOT NULL,
  root_code text NOT NULL,
  root_name text NOT NULL,
  category_code text NOT NULL,
  category_name text NOT NULL,
  sku text NOT NULL,
  product_name text NOT NULL,
  status text NOT NULL,
  kind text NOT NULL,
  net_amount numeric(16, 2) NOT NULL,
  margin_amount numeric(16, 2),
  costed_net_amount numeric(16, 2),
  units bigint NOT NULL,
  lines bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS sales_warehouse_month_month ON analytics.sales_warehouse_month (month_start);

CREATE TABLE IF NOT EXISTS analytics.sales_product_month (
  month_start date NOT NULL,
  year smallint NOT NULL,
  quarter smallint NOT NULL,
  year_month text NOT NULL,
  root_code text NOT NULL,
  root_name text NOT NULL,
  category_code text NOT NULL,
  category_name text NOT NULL,
  sku text NOT NULL,
  product_name text NOT NULL,
  status text NOT NULL,
  kind text NOT NULL,
  net_amount numeric(16, 2) NOT NULL,
  margin_amount numeric(16, 2),
  costed_net_amount numeric(16, 2),
  units bigint NOT NULL,
  lines bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS sales_product_month_month ON analytics.sales_product_month (month_start);

CREATE TABLE IF NOT EXISTS analytics.sales_customer_month (
  month_start date NOT NULL,
  year smallint NOT NULL,
  quarter smallint NOT NULL,
  year_month text NOT NULL,
  country_code text NOT NULL,
  country_name text NOT NULL,
  region text NOT NULL,
  city text NOT NULL,
  customer_id integer NOT NULL,
  customer_code text NOT NULL,
  customer_name text NOT NULL,
  segment text NOT NULL,
  status text NOT NULL,
  kind text NOT NULL,
  net_amount numeric(16, 2) NOT NULL,
  margin_amount numeric(16, 2),
  costed_net_amount numeric(16, 2),
  units bigint NOT NULL,
  orders bigint NOT NULL,
  lines bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS sales_customer_month_month ON analytics.sales_customer_month (month_start);
CREATE INDEX IF NOT EXISTS sales_customer_month_customer ON analytics.sales_customer_month (customer_id);

-- mining: the results of each mining run (RFM, K-Means, Isolation Forest, EDA), keyed by the run id.
CREATE SCHEMA IF NOT EXISTS mining;

CREATE TABLE IF NOT EXISTS mining.runs (
  run_id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  started_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
  finished_at         timestamptz,
  status              text NOT NULL DEFAULT 'RUNNING' CHECK (status IN ('RUNNING', 'SUCCEEDED', 'SKIPPED', 'FAILED')),
  reason              text,
  parameters          jsonb NOT NULL,
  source_etl_run_id   bigint,
  source_etl_finished_at timestamptz,
  source_checksum     text,
  reference_date      date,
  timings             jsonb,
  summary             jsonb,
  error               text
);

CREATE TABLE IF NOT EXISTS mining.eda_distributions (
  run_id bigint NOT NULL REFERENCES mining.runs (run_id) ON DELETE CASCADE,
  measure text NOT NULL,
  n integer NOT NULL, mean double precision, sd double precision, min double precision,
  p01 double precision, p05 double precision, p25 double precision, p50 double precision,
  p75 double precision, p95 double precision, p99 double precision, max double precision,
  PRIMARY KEY (run_id, measure)
);
CREATE TABLE IF NOT EXISTS mining.eda_histograms (
  run_id bigint NOT NULL REFERENCES mining.runs (run_id) ON DELETE CASCADE,
  measure text NOT NULL, bin integer NOT NULL, lower_bound double precision NOT NULL,
  upper_bound double precision NOT NULL, count integer NOT NULL, scale text NOT NULL,
  PRIMARY KEY (run_id, measure, bin)
);
CREATE TABLE IF NOT EXISTS mining.eda_correlations (
  run_id bigint NOT NULL REFERENCES mining.runs (run_id) ON DELETE CASCADE,
  feature_a text NOT NULL, feature_b text NOT NULL, pearson double precision, n integer NOT NULL,
  PRIMARY KEY (run_id, feature_a, feature_b)
);
CREATE TABLE IF NOT EXISTS mining.eda_seasonality (
  run_id bigint NOT NULL REFERENCES mining.runs (run_id) ON DELETE CASCADE,
  grain text NOT NULL CHECK (grain IN ('month', 'weekday')), period integer NOT NULL, label text NOT NULL,
  orders integer NOT NULL, revenue numeric(16, 2) NOT NULL, revenue_share double precision NOT NULL,
  index_vs_mean double precision NOT NULL,
  PRIMARY KEY (run_id, grain, period)
);
CREATE TABLE IF NOT EXISTS mining.eda_pareto (
  run_id bigint NOT NULL REFERENCES mining.runs (run_id) ON DELETE CASCADE,
  entity text NOT NULL CHECK (entity IN ('customer', 'product')), entities integer NOT NULL,
  top_entities integer NOT NULL, top_revenue numeric(16, 2) NOT NULL, total_revenue numeric(16, 2) NOT NULL,
  top_share double precision,
  PRIMARY KEY (run_id, entity)
);
CREATE TABLE IF NOT EXISTS mining.eda_quality (
  run_id bigint NOT NULL REFERENCES mining.runs (run_id) ON DELETE CASCADE,
  check_kind text NOT NULL CHECK (check_kind IN ('nulls', 'duplicates', 'outliers')),
  table_name text NOT NULL, column_name text NOT NULL, rows_checked bigint NOT NULL, value bigint NOT NULL,
  detail jsonb,
  PRIMARY KEY (run_id, check_kind, table_name, column_name)
);
CREATE TABLE IF NOT EXISTS mining.rfm (
  run_id bigint NOT NULL REFERENCES mining.runs (run_id) ON DELETE CASCADE,
  customer_id integer NOT NULL,
  last_purchase date NOT NULL, recency_days integer NOT NULL, frequency integer NOT NULL,
  monetary numeric(16, 2) NOT NULL, r_score smallint NOT NULL, f_score smallint NOT NULL,
  m_score smallint NOT NULL, rfm_cell char(3) NOT NULL, segment text NOT NULL,
  cluster smallint, cluster_name text,
  PRIMARY KEY (run_id, customer_id)
);
CREATE TABLE IF NOT EXISTS mining.rfm_segments (
  run_id bigint NOT NULL REFERENCES mining.runs (run_id) ON DELETE CASCADE,
  segment text NOT NULL, customers integer NOT NULL, revenue numeric(16, 2) NOT NULL,
  avg_recency_days double precision NOT NULL, avg_frequency double precision NOT NULL,
  PRIMARY KEY (run_id, segment)
);
CREATE TABLE IF NOT EXISTS mining.kmeans_silhouette (
  run_id bigint NOT NULL REFERENCES mining.runs (run_id) ON DELETE CASCADE,
  k smallint NOT NULL, silhouette double precision NOT NULL, inertia double precision NOT NULL,
  iterations integer NOT NULL, chosen boolean NOT NULL,
  PRIMARY KEY (run_id, k)
);
CREATE TABLE IF NOT EXISTS mining.clusters (
  run_id bigint NOT NULL REFERENCES mining.runs (run_id) ON DELETE CASCADE,
  cluster smallint NOT NULL, name text NOT NULL, size integer NOT NULL, revenue_share double precision NOT NULL,
  centroid_recency_days double precision NOT NULL, centroid_frequency double precision NOT NULL,
  centroid_monetary double precision NOT NULL, mean_recency_days double precision NOT NULL,
  mean_frequency double precision NOT NULL, mean_monetary double precision NOT NULL,
  z_recency double precision NOT NULL, z_frequency double precision NOT NULL, z_monetary double precision NOT NULL,
  PRIMARY KEY (run_id, cluster)
);
CREATE TABLE IF NOT EXISTS mining.anomalies (
  run_id bigint NOT NULL REFERENCES mining.runs (run_id) ON DELETE CASCADE,
  rank integer NOT NULL, order_id integer NOT NULL, order_number text NOT NULL, customer_id integer NOT NULL,
  score double precision NOT NULL, features jsonb NOT NULL, reasons jsonb NOT NULL, explanation text NOT NULL,
  PRIMARY KEY (run_id, rank)
);

-- ai: the stored reports and the insights the pipeline's reporting stage computed per ETL run.
CREATE SCHEMA IF NOT EXISTS ai;
CREATE TABLE IF NOT EXISTS ai.reports (
  report_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  created_at       timestamptz NOT NULL DEFAULT now(),
  period           text NOT NULL,
  audience         text NOT NULL CHECK (audience IN ('executive', 'tactical', 'operational')),
  language         text NOT NULL CHECK (language IN ('fr', 'en')),
  source           text NOT NULL,
  fallback_reason  text,
  title            text NOT NULL,
  text             text NOT NULL,
  deterministic_text text NOT NULL,
  facts            jsonb NOT NULL,
  recommendations  jsonb NOT NULL
);
-- The company's insights of a period, computed by the pipeline's reporting stage for the ETL run
-- they read: the AI page reads them instead of computing them on its first load.
CREATE TABLE IF NOT EXISTS ai.insights (
  etl_run_id   bigint NOT NULL,
  period       text NOT NULL,
  computed_at  timestamptz NOT NULL DEFAULT now(),
  insights     jsonb NOT NULL,
  PRIMARY KEY (etl_run_id, period)
);
