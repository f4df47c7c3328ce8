-- The main supplier carries the terms a reorder needs (lead time and minimum order quantity of the
-- chosen supply), so every reader (the model's supplier level, the stock-out insight and its
-- reorder recommendation) takes the supplier, its lead time and its MOQ from this one row. Inactive
-- suppliers are never main; a supply without a lead time takes its supplier's average.
ALTER TABLE dw.product_main_supplier
  ADD COLUMN lead_time_days numeric(8, 2),
  ADD COLUMN lead_time_source text CHECK (lead_time_source IN ('supply', 'supplier average')),
  ADD COLUMN min_order_quantity integer NOT NULL DEFAULT 1;

-- The next ETL run recomputes every main supplier with the rule (etl: mainSuppliers): staged
-- suppliers count as changed once.
UPDATE staging.suppliers SET checksum = repeat('0', 32);
