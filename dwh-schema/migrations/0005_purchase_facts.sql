-- The buy side: purchase order lines and their receipts, loaded by the ETL through the API.
-- Supplier delivery performance (on-time rate, lead time, fill rate) is measured on these receipts;
-- the hand-entered evaluations (fact_supplier_evaluation) remain as quality and price scores.

-- Grain: one purchase order line. Natural key (purchase_order_id, line_no). Dated by the order date.
CREATE TABLE dw.fact_purchase (
  purchase_line_key  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  purchase_order_id  integer NOT NULL,
  line_no            integer NOT NULL,
  po_number          text NOT NULL,
  -- DRAFT, SENT, PARTIALLY_RECEIVED, RECEIVED, CANCELLED (the order's current status)
  status             text NOT NULL,
  order_date_key     integer NOT NULL REFERENCES dw.dim_date (date_key),
  supplier_key       integer NOT NULL REFERENCES dw.dim_supplier (supplier_key),
  product_key        integer NOT NULL REFERENCES dw.dim_product (product_key),
  warehouse_key      integer NOT NULL REFERENCES dw.dim_warehouse (warehouse_key),
  ordered_at         timestamptz NOT NULL,
  expected_date      date,
  ordered_qty        integer NOT NULL,
  received_qty       integer NOT NULL,
  unit_cost          numeric(14, 4) NOT NULL,
  ordered_amount     numeric(14, 2) NOT NULL,
  received_amount    numeric(14, 2) NOT NULL,
  run_id             bigint NOT NULL,
  UNIQUE (purchase_order_id, line_no)
);
CREATE INDEX fact_purchase_date ON dw.fact_purchase (order_date_key);
CREATE INDEX fact_purchase_supplier ON dw.fact_purchase (supplier_key);

-- Grain: one receipt of one purchase order line (a delivery). Natural key: the receipt line's id.
-- Dated by the day the goods were received. On time = received on or before the line's expected date.
CREATE TABLE dw.fact_purchase_receipt (
  receipt_key        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  receipt_id         integer NOT NULL UNIQUE,
  purchase_order_id  integer NOT NULL,
  line_no            integer NOT NULL,
  po_number          text NOT NULL,
  receipt_date_key   integer NOT NULL REFERENCES dw.dim_date (date_key),
  supplier_key       integer NOT NULL REFERENCES dw.dim_supplier (supplier_key),
  product_key        integer NOT NULL REFERENCES dw.dim_product (product_key),
  warehouse_key      integer NOT NULL REFERENCES dw.dim_warehouse (warehouse_key),
  received_at        timestamptz NOT NULL,
  ordered_at         timestamptz NOT NULL,
  expected_date      date,
  quantity           integer NOT NULL,
  unit_cost          numeric(14, 4) NOT NULL,
  amount             numeric(14, 2) NOT NULL,
  -- whole days from the order (sent) to the receipt, UTC dates
  lead_time_days     integer NOT NULL,
  -- received day minus expected day (negative: early); null without an expected date
  days_late          integer,
  is_on_time         boolean NOT NULL,
  run_id             bigint NOT NULL
);
CREATE INDEX fact_purchase_receipt_date ON dw.fact_purchase_receipt (receipt_date_key);
CREATE INDEX fact_purchase_receipt_supplier ON dw.fact_purchase_receipt (supplier_key);
CREATE INDEX fact_purchase_receipt_order ON dw.fact_purchase_receipt (purchase_order_id);

CREATE TABLE staging.purchase_orders (
  purchase_order_id  integer PRIMARY KEY,
  payload            jsonb NOT NULL,
  checksum           char(32) NOT NULL,
  source_updated_at  timestamptz,
  run_id             bigint NOT NULL
);
