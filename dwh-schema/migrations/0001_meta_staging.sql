-- The run ledger (meta) and the staging area (staging): what was extracted, with a checksum of its
-- business columns so a row re-read unchanged is skipped.

CREATE SCHEMA IF NOT EXISTS meta;
CREATE SCHEMA IF NOT EXISTS staging;

-- One row per ETL run.
CREATE TABLE meta.etl_runs (
  run_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  started_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  finished_at     timestamptz,
  status          text NOT NULL DEFAULT 'RUNNING' CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'PARTIAL')),
  mode            text NOT NULL CHECK (mode IN ('full', 'incremental')),
  entities        text[] NOT NULL,
  since           timestamptz,
  snapshot_date   date NOT NULL,
  rows_extracted  integer NOT NULL DEFAULT 0,
  rows_inserted   integer NOT NULL DEFAULT 0,
  rows_updated    integer NOT NULL DEFAULT 0,
  rows_unchanged  integer NOT NULL DEFAULT 0,
  rows_written    integer NOT NULL DEFAULT 0,
  reconciliation  jsonb,
  error           text
);

-- Per run and entity: counters committed with each page (a killed run keeps what it committed).
CREATE TABLE meta.etl_run_entities (
  run_id          bigint NOT NULL REFERENCES meta.etl_runs (run_id),
  entity          text NOT NULL,
  status          text NOT NULL DEFAULT 'RUNNING' CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED')),
  started_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  finished_at     timestamptz,
  pages           integer NOT NULL DEFAULT 0,
  rows_extracted  integer NOT NULL DEFAULT 0,
  rows_inserted   integer NOT NULL DEFAULT 0,
  rows_updated    integer NOT NULL DEFAULT 0,
  rows_unchanged  integer NOT NULL DEFAULT 0,
  rows_deleted    integer NOT NULL DEFAULT 0,
  -- rows changed in staging, dw dimensions and facts together
  rows_written    integer NOT NULL DEFAULT 0,
  error           text,
  PRIMARY KEY (run_id, entity)
);

-- Entity → the (updated_at, id) of the last row committed; extraction restarts from it minus a lookback.
CREATE TABLE meta.watermarks (
  entity          text PRIMARY KEY,
  last_updated_at timestamptz NOT NULL,
  last_id         text NOT NULL,
  run_id          bigint REFERENCES meta.etl_runs (run_id),
  committed_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- The last page committed per run and entity (written in the same transaction as the page's data).
CREATE TABLE meta.checkpoints (
  run_id          bigint NOT NULL REFERENCES meta.etl_runs (run_id),
  entity          text NOT NULL,
  page_no         integer NOT NULL,
  cursor          text,
  last_updated_at timestamptz,
  last_id         text,
  rows_committed  integer NOT NULL,
  committed_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (run_id, entity)
);

-- Staging: the last extracted version of every source row, keyed by its natural key.
CREATE TABLE staging.warehouses (
  warehouse_id      integer PRIMARY KEY,
  payload           jsonb NOT NULL,
  checksum          char(32) NOT NULL,
  source_updated_at timestamptz,
  run_id            bigint NOT NULL
);
CREATE TABLE staging.products (
  product_id        integer PRIMARY KEY,
  payload           jsonb NOT NULL,
  checksum          char(32) NOT NULL,
  source_updated_at timestamptz NOT NULL,
  run_id            bigint NOT NULL
);
CREATE TABLE staging.customers (
  customer_id       integer PRIMARY KEY,
  payload           jsonb NOT NULL,
  checksum          char(32) NOT NULL,
  source_updated_at timestamptz NOT NULL,
  run_id            bigint NOT NULL
);
CREATE TABLE staging.suppliers (
  supplier_id       integer PRIMARY KEY,
  payload           jsonb NOT NULL,
  checksum          char(32) NOT NULL,
  source_updated_at timestamptz NOT NULL,
  run_id            bigint NOT NULL
);
-- An order with its lines (the checksum covers header and lines).
CREATE TABLE staging.orders (
  order_id          integer PRIMARY KEY,
  payload           jsonb NOT NULL,
  checksum          char(32) NOT NULL,
  source_updated_at timestamptz NOT NULL,
  run_id            bigint NOT NULL
);
CREATE TABLE staging.stock_levels (
  product_id        integer NOT NULL,
  warehouse_id      integer NOT NULL,
  payload           jsonb NOT NULL,
  checksum          char(32) NOT NULL,
  source_updated_at timestamptz NOT NULL,
  run_id            bigint NOT NULL,
  PRIMARY KEY (product_id, warehouse_id)
);
