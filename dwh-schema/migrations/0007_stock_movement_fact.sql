-- The stock ledger in the warehouse: every movement of the OLTP ledger (inventory.stock_movements),
-- loaded by the ETL through the API. The daily inventory snapshot says how much stock there is; this
-- fact says what moved it, day by day: receipts, shipments, transfers, adjustments.

-- Grain: one movement of the ledger. Natural key: the movement's id. The ledger is append-only, so a
-- movement is loaded once and never changes. Dated by the day it occurred (UTC); its product is the
-- version valid then. quantity_in and quantity_out are both >= 0 and quantity = in - out (signed).
CREATE TABLE dw.fact_stock_movement (
  stock_movement_key  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  movement_id         bigint NOT NULL UNIQUE,
  movement_date_key   integer NOT NULL REFERENCES dw.dim_date (date_key),
  product_key         integer NOT NULL REFERENCES dw.dim_product (product_key),
  warehouse_key       integer NOT NULL REFERENCES dw.dim_warehouse (warehouse_key),
  -- OPENING, RECEIPT, SHIPMENT, ADJUSTMENT, TRANSFER_IN, TRANSFER_OUT (the ledger's kinds)
  movement_kind       text NOT NULL,
  quantity_in         integer NOT NULL CHECK (quantity_in >= 0),
  quantity_out        integer NOT NULL CHECK (quantity_out >= 0),
  quantity            integer NOT NULL,
  -- the business document behind the movement (order or purchase order number), and the ledger's
  -- natural key of the posting when it has one (a purchase receipt's)
  source_reference    text,
  source_key          text,
  occurred_at         timestamptz NOT NULL,
  -- when the ledger recorded it (the ETL's watermark)
  recorded_at         timestamptz NOT NULL,
  run_id              bigint NOT NULL,
  CHECK (quantity = quantity_in - quantity_out)
);
CREATE INDEX fact_stock_movement_date ON dw.fact_stock_movement (movement_date_key);
CREATE INDEX fact_stock_movement_product ON dw.fact_stock_movement (product_key);
CREATE INDEX fact_stock_movement_warehouse ON dw.fact_stock_movement (warehouse_key);
