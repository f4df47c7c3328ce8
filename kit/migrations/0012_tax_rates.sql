-- Tax defaults for an order line typed without a rate (imported lines carry their own):
--   1. the product's category rate, or its nearest parent's (the reduced rates: food 5.5 %, …);
--   2. otherwise the standard rate of the customer's country (sales.country_tax_rates);
--   3. otherwise (a country without a row) the seller's home country, FR.
ALTER TABLE catalog.categories ADD COLUMN tax_rate numeric(5, 4);
--> statement-breakpoint
ALTER TABLE catalog.categories ADD CONSTRAINT categories_tax_rate_range CHECK (tax_rate IS NULL OR (tax_rate >= 0 AND tax_rate <= 1));
--> statement-breakpoint
CREATE TABLE sales.country_tax_rates (
  country_code text PRIMARY KEY,
  standard_rate numeric(5, 4) NOT NULL CONSTRAINT country_tax_rates_range CHECK (standard_rate >= 0 AND standard_rate <= 1),
  updated_at timestamp with time zone NOT NULL DEFAULT now()
);
--> statement-breakpoint
CREATE TRIGGER touch_updated_at BEFORE UPDATE ON sales.country_tax_rates FOR EACH ROW EXECUTE FUNCTION platform.touch_updated_at();
--> statement-breakpoint
-- Standard VAT rates (2026) of the countries the distributor sells to.
INSERT INTO sales.country_tax_rates (country_code, standard_rate) VALUES
  ('FR', 0.20), ('BE', 0.21), ('DE', 0.19), ('ES', 0.21), ('NL', 0.21), ('LU', 0.17), ('IT', 0.22),
  ('PT', 0.23), ('AT', 0.20), ('IE', 0.23), ('DK', 0.25), ('SE', 0.25), ('FI', 0.255), ('PL', 0.23),
  ('CZ', 0.21), ('GR', 0.24), ('GB', 0.20), ('CH', 0.081), ('NO', 0.25);
--> statement-breakpoint
-- Each category whose goods were sold takes the rate its lines carry most often (the history's rates).
UPDATE catalog.categories c SET tax_rate = m.rate
  FROM (SELECT DISTINCT ON (p.category_id) p.category_id, l.tax_rate AS rate
          FROM sales.order_lines l JOIN catalog.products p ON p.id = l.product_id
         GROUP BY p.category_id, l.tax_rate ORDER BY p.category_id, count(*) DESC, l.tax_rate) m
 WHERE c.id = m.category_id AND c.tax_rate IS NULL AND m.rate > 0;
