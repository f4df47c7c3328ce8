-- Who sold, how it shipped, where it went: the sales representative owning the order, the carrier
-- taking it, and the ship-to place (the sale's geography follows the ship-to address, the
-- customer's address when the order has none).

-- Sales representatives (type 1): the employee (user) owning an order. Names only, no contact data.
CREATE TABLE dw.dim_sales_rep (
  sales_rep_id  integer PRIMARY KEY,
  name          text NOT NULL
);

-- Carriers (type 1).
CREATE TABLE dw.dim_carrier (
  carrier_id  integer PRIMARY KEY,
  code        text NOT NULL,
  name        text NOT NULL
);

ALTER TABLE dw.fact_sales ADD COLUMN carrier_id integer;
-- The order's ship-to city (OLTP customers.cities id); null = shipped to the customer's address, and
-- geography_key then follows the customer's (SCD2) place.
ALTER TABLE dw.fact_sales ADD COLUMN ship_to_city_id integer;

-- A product's main supplier (its preferred supply, else the one with the shortest lead time), so
-- sales and stock can be read per supplier. Type 1: the supplier of today, for past sales too.
CREATE TABLE dw.product_main_supplier (
  product_id   integer PRIMARY KEY,
  supplier_id  integer NOT NULL
);

-- Units ordered from suppliers and not received yet, per stock line at the snapshot.
ALTER TABLE dw.fact_inventory_snapshot ADD COLUMN on_order integer NOT NULL DEFAULT 0;

CREATE TABLE staging.sales_reps (
  sales_rep_id      integer PRIMARY KEY,
  payload           jsonb NOT NULL,
  checksum          char(32) NOT NULL,
  source_updated_at timestamptz,
  run_id            bigint NOT NULL
);
