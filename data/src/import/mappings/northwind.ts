import type { ColumnSpec, Mapping, MappingContext } from '../types';
import { country } from './countries';

const text = (name: string, required = false): ColumnSpec => ({ name, kind: 'text', required });
const id = (name: string, required = true): ColumnSpec => ({ name, kind: 'int', required, min: 1 });
const countryCode: ColumnSpec = {
  name: 'country_code',
  kind: 'text',
  required: true,
  value: (row) => (row.country?.trim() ? (country(row.country)?.[0] ?? `?${row.country.trim()}`) : ''),
  check: (v) =>
    v.startsWith('?') ? `country ${JSON.stringify(v.slice(1))} is not in the mapping's country table` : null,
};
const countryName: ColumnSpec = {
  name: 'country_name',
  kind: 'text',
  value: (row) => country(row.country ?? '')?.[1] ?? null,
};
const shipCountryCode: ColumnSpec = {
  name: 'ship_country_code',
  kind: 'text',
  value: (row) =>
    row.ship_country?.trim() ? (country(row.ship_country)?.[0] ?? `?${row.ship_country.trim()}`) : null,
  check: (v) =>
    v.startsWith('?')
      ? `ship country ${JSON.stringify(v.slice(1))} is not in the mapping's country table`
      : null,
};
const shipCountryName: ColumnSpec = {
  name: 'ship_country_name',
  kind: 'text',
  value: (row) => country(row.ship_country ?? '')?.[1] ?? null,
};

export const WAREHOUSE = 'NW-MAIN';
const LEAD_TIME_DAYS = 7;

/**
 * Northwind (PostgreSQL form, /work/shared/datasets/northwind/csv; PROVENANCE.md there).
 * Employees become SALES users and the sales reps of their orders (and of the customers they sold
 * most to); shippers become carriers (ShipVia); each order keeps its ship-to address; units_in_stock
 * becomes OPENING movements in one warehouse. Every order was placed, so every order is booked:
 * shipped orders are DELIVERED, the others CONFIRMED, reserving what the stock allows and
 * backordering the rest (reported).
 */
export const northwindMapping: Mapping = {
  name: 'northwind',
  description: 'Northwind Traders (pthom/northwind_psql, as CSV)',
  defaultDir: '../shared/datasets/northwind/csv',
  sources: [
    {
      file: 'categories',
      table: 'src_nw_categories',
      columns: [id('category_id'), text('category_name', true), text('description')],
    },
    {
      file: 'employees',
      table: 'src_nw_employees',
      columns: [id('employee_id'), text('last_name', true), text('first_name', true), text('title')],
    },
    {
      file: 'customers',
      table: 'src_nw_customers',
      columns: [
        text('customer_id', true),
        text('company_name', true),
        text('contact_name'),
        text('contact_title'),
        text('city'),
        text('region'),
        text('country', true),
        countryCode,
        countryName,
        text('phone'),
      ],
    },
    {
      file: 'suppliers',
      table: 'src_nw_suppliers',
      columns: [
        id('supplier_id'),
        text('company_name', true),
        text('city'),
        text('country', true),
        countryCode,
        text('phone'),
      ],
    },
    {
      file: 'products',
      table: 'src_nw_products',
      columns: [
        id('product_id'),
        text('product_name', true),
        id('supplier_id', false),
        id('category_id'),
        { name: 'unit_price', kind: 'decimal', required: true, min: 0 },
        { name: 'units_in_stock', kind: 'int', min: 0, default: '0' },
        { name: 'units_on_order', kind: 'int', min: 0, default: '0' },
        { name: 'reorder_level', kind: 'int', min: 0, default: '0' },
        { name: 'discontinued', kind: 'bool', default: 'false' },
      ],
    },
    {
      file: 'shippers',
      table: 'src_nw_shippers',
      columns: [id('shipper_id'), text('company_name', true), text('phone')],
    },
    {
      file: 'orders',
      table: 'src_nw_orders',
      columns: [
        id('order_id'),
        text('customer_id', true),
        id('employee_id', false),
        { name: 'order_date', kind: 'date', required: true },
        { name: 'shipped_date', kind: 'date' },
        id('ship_via', false),
        text('ship_name'),
        text('ship_address'),
        text('ship_city'),
        text('ship_region'),
        text('ship_postal_code'),
        text('ship_country'),
        shipCountryCode,
        shipCountryName,
      ],
    },
    {
      file: 'order_details',
      table: 'src_nw_order_details',
      columns: [
        id('order_id'),
        id('product_id'),
        { name: 'unit_price', kind: 'decimal', required: true, min: 0 },
        { name: 'quantity', kind: 'int', required: true, min: 1 },
        { name: 'discount', kind: 'decimal', min: 0, max: 1, default: '0' },
      ],
    },
  ],
  notes: [
    `one warehouse ${WAREHOUSE} (Seattle, US) holds all stock; units_in_stock becomes an OPENING movement dated at the last order date (a snapshot, no stock history in the source)`,
    'shipped orders have no SHIPMENT movements: units_in_stock is the stock left after them',
    "employees become users with role SALES, e-mail first.last@northwind.example; a customer's sales rep is the employee who took most of its orders",
    `product_supplies: the source has no supplier cost or lead time; assumed unit_cost = list price and lead_time_days = ${LEAD_TIME_DAYS}`,
    'customer contact names are not imported (contacts are keyed by e-mail and Northwind has none)',
    'currency USD; delivered_at = shipped_date (no delivery date in the source)',
    "shippers become carriers NW-SHIP<id>; an order's carrier is its ShipVia",
    'ship-to address: ShipName, ShipAddress, ShipPostalCode, ShipCity, ShipRegion (Unknown when empty), ShipCountry',
    'unshipped orders are CONFIRMED (booked): in order date order each line reserves what is left on hand, the rest is backordered',
    `units_on_order becomes one SENT purchase order NW-PO<product id> from the product's supplier (units on order are open purchase order lines: a product without supplier could have none; every Northwind product has one), sent at the last order date and expected ${LEAD_TIME_DAYS} days later; cost = the assumed supply cost (the source has no purchase documents)`,
  ],
  transform: northwindTransform,
};

async function northwindTransform({ client, fact, note }: MappingContext): Promise<void> {
  const q = (sql: string) => client.query(sql);
  await q(`CREATE TEMP TABLE nw_emails ON COMMIT DROP AS
    SELECT employee_id, lower(regexp_replace(first_name || '.' || last_name, '[^A-Za-z.]', '', 'g')) || '@northwind.example' AS email
      FROM src_nw_employees`);
  const emailOf = (col: string) =>
    `CASE WHEN ${col} IS NULL THEN NULL ELSE coalesce((SELECT email FROM nw_emails e WHERE e.employee_id = ${col}), 'employee-' || ${col} || '@northwind.example') END`;
  await q(`INSERT INTO stg_users (_file, _line, email, name, role)
    SELECT s._file, s._line, e.email, s.first_name || ' ' || s.last_name, 'SALES'
      FROM src_nw_employees s JOIN nw_emails e USING (employee_id)`);
  const catCode = `upper(regexp_replace(category_name, '[^A-Za-z0-9]+', '_', 'g'))`;
  await q(
    `INSERT INTO stg_categories (_file, _line, code, name) SELECT _file, _line, ${catCode}, category_name FROM src_nw_categories`,
  );
  await q(`INSERT INTO stg_warehouses (_file, _line, code, name, city, country_code)
    VALUES ('(mapping northwind)', NULL, '${WAREHOUSE}', 'Northwind Traders main warehouse', 'Seattle', 'US')`);
  await q(`INSERT INTO stg_customers (_file, _line, code, name, phone, segment, status, country_code, country_name, region, city, sales_rep_email, is_guest)
    SELECT c._file, c._line, c.customer_id, c.company_name, c.phone, 'SMALL_BUSINESS', 'ACTIVE', c.country_code, c.country_name,
           coalesce(c.region, 'Unknown'), coalesce(c.city, 'Unknown'), ${emailOf('r.employee_id')}, false
      FROM src_nw_customers c
      LEFT JOIN (SELECT DISTINCT ON (customer_id) customer_id, employee_id
                   FROM (SELECT customer_id, employee_id, count(*) AS n FROM src_nw_orders WHERE employee_id IS NOT NULL GROUP BY 1, 2) x
                  ORDER BY customer_id, n DESC, employee_id) r ON r.customer_id = c.customer_id`);
  await q(`INSERT INTO stg_suppliers (_file, _line, code, name, phone, city, country_code, status)
    SELECT _file, _line, 'NW-S' || supplier_id, company_name, phone, city, country_code, 'ACTIVE' FROM src_nw_suppliers`);
  await q(`INSERT INTO stg_products (_file, _line, sku, name, category_code, list_price, unit_cost, status)
    SELECT p._file, p._line, 'NW-P' || p.product_id, p.product_name,
           coalesce((SELECT ${catCode} FROM src_nw_categories c WHERE c.category_id = p.category_id), 'category-' || p.category_id),
           round(p.unit_price, 2), NULL, CASE WHEN p.discontinued THEN 'DISCONTINUED' ELSE 'ACTIVE' END
      FROM src_nw_products p`);
  await q(`INSERT INTO stg_product_supplies (_file, _line, supplier_code, sku, lead_time_days, unit_cost, min_order_quantity, is_preferred)
    SELECT _file, _line, 'NW-S' || supplier_id, 'NW-P' || product_id, ${LEAD_TIME_DAYS}, round(unit_price, 2), 1, true
      FROM src_nw_products WHERE supplier_id IS NOT NULL`);
  await q(`INSERT INTO stg_stock_levels (_file, _line, sku, warehouse_code, reorder_point, on_order)
    SELECT _file, _line, 'NW-P' || product_id, '${WAREHOUSE}', reorder_level, units_on_order FROM src_nw_products`);
  // Units on order are open purchase orders: one SENT order per product, from its supplier.
  const lastOrder = `coalesce((SELECT max(order_date) FROM src_nw_orders), '1998-05-06')`;
  await q(`INSERT INTO stg_purchase_orders (_file, _line, number, supplier_code, warehouse_code, status, currency, ordered_at, sent_at)
    SELECT _file, _line, 'NW-PO' || product_id, 'NW-S' || supplier_id, '${WAREHOUSE}', 'SENT', 'USD',
           ${lastOrder}::timestamp AT TIME ZONE 'UTC', ${lastOrder}::timestamp AT TIME ZONE 'UTC'
      FROM src_nw_products WHERE units_on_order > 0 AND supplier_id IS NOT NULL`);
  await q(`INSERT INTO stg_purchase_order_lines (_file, _line, po_number, line_no, sku, quantity, unit_cost, expected_date)
    SELECT _file, _line, 'NW-PO' || product_id, 1, 'NW-P' || product_id, units_on_order, round(unit_price, 2), ${lastOrder}::date + ${LEAD_TIME_DAYS}
      FROM src_nw_products WHERE units_on_order > 0 AND supplier_id IS NOT NULL`);
  await q(`INSERT INTO stg_stock_movements (_file, _line, external_key, sku, warehouse_code, kind, quantity, reference, occurred_at, note)
    SELECT _file, _line, 'NW-OPENING-' || product_id, 'NW-P' || product_id, '${WAREHOUSE}', 'OPENING', units_in_stock,
           'northwind', coalesce((SELECT max(order_date) FROM src_nw_orders), '1998-05-06')::timestamp AT TIME ZONE 'UTC',
           'units_in_stock of the Northwind data set'
      FROM src_nw_products WHERE units_in_stock > 0`);
  const at = (col: string) => `(${col}::timestamp AT TIME ZONE 'UTC')`;
  await q(
    `INSERT INTO stg_carriers (_file, _line, code, name, phone) SELECT _file, _line, 'NW-SHIP' || shipper_id, company_name, phone FROM src_nw_shippers`,
  );
  await q(`INSERT INTO stg_orders (_file, _line, number, kind, status, customer_code, sales_rep_email, warehouse_code, currency,
                                   ordered_at, confirmed_at, shipped_at, delivered_at, carrier_code,
                                   ship_to_name, ship_to_address, ship_to_postal_code, ship_to_city, ship_to_region, ship_to_country_code, ship_to_country_name)
    SELECT _file, _line, order_id::text, 'SALE', CASE WHEN shipped_date IS NULL THEN 'CONFIRMED' ELSE 'DELIVERED' END,
           customer_id, ${emailOf('o.employee_id')}, '${WAREHOUSE}', 'USD',
           ${at('order_date')}, ${at('order_date')}, ${at('shipped_date')}, ${at('shipped_date')},
           CASE WHEN ship_via IS NULL THEN NULL ELSE 'NW-SHIP' || ship_via END,
           ship_name, ship_address, ship_postal_code,
           CASE WHEN ship_country_code IS NULL THEN NULL ELSE coalesce(ship_city, 'Unknown') END,
           CASE WHEN ship_country_code IS NULL THEN NULL ELSE coalesce(ship_region, 'Unknown') END,
           ship_country_code, ship_country_name
      FROM src_nw_orders o`);
  await q(`INSERT INTO stg_order_lines (_file, _line, order_number, line_no, sku, quantity, unit_price, discount, tax_rate)
    SELECT _file, _line, order_id::text, row_number() OVER (PARTITION BY order_id ORDER BY _line), 'NW-P' || product_id,
           quantity, round(unit_price, 2), round(discount, 4), 0
      FROM src_nw_order_details`);

  // Every Northwind order was placed, so it is booked whatever today's stock: in order date order,
  // each line of an unshipped order reserves what is left on hand and backorders the rest.
  const stock = await client.query<{ sku: string; qty: number }>(`
    SELECT sku, sum(qty)::int AS qty FROM (
      SELECT p.sku, l.on_hand - l.reserved AS qty FROM inventory.stock_levels l
        JOIN catalog.products p ON p.id = l.product_id JOIN inventory.warehouses w ON w.id = l.warehouse_id
       WHERE w.code = '${WAREHOUSE}'
      UNION ALL
      SELECT s.sku, s.quantity FROM stg_stock_movements s
       WHERE NOT EXISTS (SELECT 1 FROM inventory.stock_movements m WHERE m.external_key = s.external_key)
      UNION ALL -- what this file's orders already reserve in the database is theirs again
      SELECT p.sku, ol.quantity - ol.backordered_quantity FROM sales.order_lines ol
        JOIN sales.orders o ON o.id = ol.order_id JOIN catalog.products p ON p.id = ol.product_id
        JOIN stg_orders s ON s.number = o.number
       WHERE o.status = 'CONFIRMED' AND o.kind = 'SALE') x
    GROUP BY sku`);
  const left = new Map(stock.rows.map((r) => [r.sku, r.qty]));
  const lines = await client.query<{ number: string; line_no: number; sku: string; quantity: number }>(`
    SELECT o.number, l.line_no::int AS line_no, l.sku, l.quantity::int AS quantity FROM stg_orders o JOIN stg_order_lines l ON l.order_number = o.number
     WHERE o.status = 'CONFIRMED' ORDER BY o.ordered_at, o.number, l.line_no`);
  const backorders: { number: string; line_no: number; qty: number }[] = [];
  for (const l of lines.rows) {
    const reserved = Math.max(0, Math.min(l.quantity, left.get(l.sku) ?? 0));
    left.set(l.sku, (left.get(l.sku) ?? 0) - reserved);
    if (reserved < l.quantity)
      backorders.push({ number: l.number, line_no: l.line_no, qty: l.quantity - reserved });
  }
  if (backorders.length) {
    await client.query(
      `UPDATE stg_order_lines s SET backordered_quantity = b.qty FROM jsonb_to_recordset($1::jsonb) AS b(number text, line_no int, qty int)
        WHERE s.order_number = b.number AND s.line_no = b.line_no`,
      [JSON.stringify(backorders)],
    );
    const orders = [...new Set(backorders.map((b) => b.number))];
    note(`unshipped orders booked with a backorder (stock short when imported): ${orders.join(', ')}`);
  }
  const unshipped = new Set(lines.rows.map((l) => l.number));
  fact('unshipped orders booked (CONFIRMED)', unshipped.size);
  fact('of which with a backorder', new Set(backorders.map((b) => b.number)).size);
  fact(
    'units backordered',
    backorders.reduce((a, b) => a + b.qty, 0),
  );
  const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM src_nw_customers c
     WHERE NOT EXISTS (SELECT 1 FROM src_nw_orders o WHERE o.customer_id = c.customer_id)`);
  fact('customers without orders (no sales rep)', rows[0]!.n);
}
