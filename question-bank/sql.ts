/**
 * Shared parts of the oracles, written from the source's own tables and the governed definitions
 * (semantic model): they restate the business rules, they do not reuse the warehouse or its SQL.
 */

/**
 * data/native, OLTP: one row per order line with what questions group by. `sign` is -1 on RETURN
 * orders (credit notes subtract); `net` is the line after discount, before tax, rounded to the cent
 * as the ERP prices a line; `cost` the line at the product's unit cost (null when unknown);
 * `booked` = CONFIRMED, SHIPPED or DELIVERED (drafts and cancelled orders are not sales).
 */
export const NATIVE_LINES_TABLE = `CREATE TABLE bank_oracle.native_lines AS
  SELECT o.id AS order_id, o.number, o.kind::text AS kind, o.status::text AS status,
         (o.ordered_at AT TIME ZONE 'UTC')::date AS day,
         CASE o.kind WHEN 'RETURN' THEN -1 ELSE 1 END AS sign,
         ol.quantity, round(ol.quantity * ol.unit_price * (1 - ol.discount), 2) AS net,
         round(ol.quantity * p.unit_cost, 2) AS cost,
         p.sku, p.name AS product, p.status::text AS product_status,
         cat.code AS category_code, cat.name AS category, coalesce(par.name, cat.name) AS family,
         c.id AS customer_id, c.code AS customer_code, c.name AS customer, c.segment::text AS segment,
         co.code AS country_code, co.name AS country, rg.name AS region, ci.name AS city,
         w.code AS warehouse_code, w.name AS warehouse, u.name AS sales_rep,
         o.status IN ('CONFIRMED', 'SHIPPED', 'DELIVERED') AS booked
    FROM sales.orders o
    JOIN sales.order_lines ol ON ol.order_id = o.id
    JOIN catalog.products p ON p.id = ol.product_id
    JOIN catalog.categories cat ON cat.id = p.category_id
    LEFT JOIN catalog.categories par ON par.id = cat.parent_id
    JOIN customers.customers c ON c.id = o.customer_id
    JOIN customers.cities ci ON ci.id = c.city_id
    JOIN customers.regions rg ON rg.id = ci.region_id
    JOIN customers.countries co ON co.code = rg.country_code
    JOIN inventory.warehouses w ON w.id = o.warehouse_id
    LEFT JOIN auth.users u ON u.id = o.sales_rep_id`;

/**
 * The join above is made once per source into bank_oracle.native_lines (a plain copy of OLTP rows,
 * see fixtures.ts): ~190 oracles re-joining 190,000 lines each would cost minutes.
 */
export const NATIVE_LINES = `WITH lines AS (SELECT * FROM bank_oracle.native_lines), b AS (SELECT * FROM lines WHERE booked)
`;

/** Figures over `b` (booked lines), as the semantic model defines them. */
export const REV = 'sum(sign * net)';
export const UNITS = 'sum(sign * quantity)';
export const ORDERS = "count(DISTINCT order_id) FILTER (WHERE kind = 'SALE')";
export const BUYERS = "count(DISTINCT customer_id) FILTER (WHERE kind = 'SALE')";
export const MARGIN = 'sum(sign * (net - cost)) FILTER (WHERE cost IS NOT NULL)';
export const MARGIN_PCT = `round(100 * ${MARGIN} / NULLIF(sum(sign * net) FILTER (WHERE cost IS NOT NULL), 0), 2)`;
export const BASKET = `round(${REV} / NULLIF(${ORDERS}, 0), 2)`;

/** data/native stock: the ERP's stock levels today (what the ETL's snapshot reads). */
export const STOCK_CTE = `s AS (
  SELECT l.on_hand, l.reserved, l.on_hand - l.reserved AS available, l.reorder_point,
         l.on_hand * p.unit_cost AS value, p.sku, p.name AS product, cat.name AS category, coalesce(par.name, cat.name) AS family,
         w.code AS warehouse_code, w.name AS warehouse
    FROM inventory.stock_levels l
    JOIN catalog.products p ON p.id = l.product_id
    JOIN catalog.categories cat ON cat.id = p.category_id
    LEFT JOIN catalog.categories par ON par.id = cat.parent_id
    JOIN inventory.warehouses w ON w.id = l.warehouse_id
)
`;
export const NATIVE_STOCK = `WITH ${STOCK_CTE}`;

/**
 * Supplier deliveries as the model defines them: the purchase receipts (one delivery per purchase
 * order line received in one receipt), dated by the UTC day received; on time when received on or
 * before the line's expected date. Not the hand-entered evaluations (those are quality and price
 * scores only). One row per receipt: `month` is its month, `day` its day.
 */
export const NATIVE_EVAL = `WITH e AS (
  SELECT s.code, s.name AS supplier, (r.received_at AT TIME ZONE 'UTC')::date AS day,
         date_trunc('month', r.received_at AT TIME ZONE 'UTC')::date AS month, 1 AS deliveries,
         CASE WHEN (r.received_at AT TIME ZONE 'UTC')::date <= r.expected_date THEN 1 ELSE 0 END AS on_time,
         CASE WHEN (r.received_at AT TIME ZONE 'UTC')::date > r.expected_date THEN 1 ELSE 0 END AS late,
         r.lead_time_days AS lead_time, r.quantity
    FROM suppliers.purchase_receipts r JOIN suppliers.purchase_orders po ON po.id = r.purchase_order_id JOIN suppliers.suppliers s ON s.id = po.supplier_id
)
`;
export const ON_TIME_RATE = 'round(100.0 * sum(on_time) / NULLIF(sum(deliveries), 0), 2)';

/**
 * Northwind, its own tables as published (schema northwind_src): one row per order detail. Every
 * order in the source was placed (the historical ones shipped), so every line is a sale; the net
 * line is unit_price × quantity × (1 − discount), rounded to the cent per line (prices are `real`
 * in the dump: read through numeric).
 */
export const NW_LINES = `WITH b AS (
  SELECT o.order_id, o.order_date AS day, o.required_date, o.shipped_date, o.freight, o.ship_country,
         d.quantity, round(d.unit_price::numeric * d.quantity * (1 - d.discount::numeric), 2) AS net,
         p.product_id, p.product_name AS product, cat.category_name AS category,
         s.company_name AS supplier, c.customer_id, c.company_name AS customer, c.country, c.city,
         e.first_name || ' ' || e.last_name AS employee, sh.company_name AS shipper
    FROM northwind_src.orders o
    JOIN northwind_src.order_details d ON d.order_id = o.order_id
    JOIN northwind_src.products p ON p.product_id = d.product_id
    JOIN northwind_src.categories cat ON cat.category_id = p.category_id
    LEFT JOIN northwind_src.suppliers s ON s.supplier_id = p.supplier_id
    JOIN northwind_src.customers c ON c.customer_id = o.customer_id
    LEFT JOIN northwind_src.employees e ON e.employee_id = o.employee_id
    LEFT JOIN northwind_src.shippers sh ON sh.shipper_id = o.ship_via
)
`;
export const NW_REV = 'sum(net)';
export const NW_UNITS = 'sum(quantity)';
export const NW_ORDERS = 'count(DISTINCT order_id)';
export const NW_BUYERS = 'count(DISTINCT customer_id)';

/** Month and quarter labels as the warehouse names them (2025-03, 2025-Q1). */
export const MONTH = "to_char(day, 'YYYY-MM')";
export const QUARTER = "extract(year FROM day) || '-Q' || extract(quarter FROM day)";
export const YEAR = 'extract(year FROM day)::int::text';

/** A date range, both ends included. */
export const between = (from: string, to: string) => `day BETWEEN DATE '${from}' AND DATE '${to}'`;

/** Relative periods from the data's last day with sales (`:asof`, replaced by the runner). */
export const REL = {
  thisYear: `day BETWEEN date_trunc('year', :asof)::date AND :asof`,
  lastYear: `extract(year FROM day) = extract(year FROM :asof) - 1`,
  thisMonth: `day BETWEEN date_trunc('month', :asof)::date AND :asof`,
  lastMonth: `day >= (date_trunc('month', :asof) - interval '1 month')::date AND day < date_trunc('month', :asof)::date`,
  thisQuarter: `day BETWEEN date_trunc('quarter', :asof)::date AND :asof`,
  lastQuarter: `day >= (date_trunc('quarter', :asof) - interval '3 months')::date AND day < date_trunc('quarter', :asof)::date`,
  /** The same days one year earlier than this quarter so far. */
  thisQuarterLastYear: `day BETWEEN (date_trunc('quarter', :asof) - interval '1 year')::date AND (:asof - interval '1 year')::date`,
  lastQuarterLastYear: `day >= (date_trunc('quarter', :asof) - interval '15 months')::date AND day < (date_trunc('quarter', :asof) - interval '12 months')::date`,
  /** The last 3 months: the as-of month and the two before it. */
  last3Months: `day >= (date_trunc('month', :asof) - interval '2 months')::date AND day <= :asof`,
};
