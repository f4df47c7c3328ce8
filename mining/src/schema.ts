import { withTransaction } from '@erp/kit';
import type pg from 'pg';

/**
 * The `mining` schema of the warehouse, created by the mining run itself (idempotent DDL; the
 * warehouse migrations belong to dwh-schema). Every result table is keyed by the mining run id.
 */
export const MINING_DDL = `
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
`;

export async function ensureMiningSchema(pool: pg.Pool): Promise<void> {
  // Serialised: two first runs at once would race on CREATE TABLE IF NOT EXISTS.
  await withTransaction(pool, async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(7402406)`);
    await tx.query(`SET LOCAL client_min_messages = warning; ${MINING_DDL}`);
  });
}
