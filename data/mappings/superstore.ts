/**
 * Tableau "Sample - Superstore" (9,994 order lines, US, dates M/D/YYYY): the worked example of
 * data/MAPPINGS.md. Use it with
 *
 *   npm run import -- --mapping data/mappings/superstore.ts --dir ../shared/datasets/superstore
 */
import type { Mapping, MappingContext } from '../src/import/types';

/** `11/8/2020` → `2020-11-08`; anything else is left as is, and the date check refuses it with its line. */
export function usDate(value: string): string {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value.trim());
  return m ? `${m[3]}-${m[1]!.padStart(2, '0')}-${m[2]!.padStart(2, '0')}` : value;
}

const SEGMENT: Record<string, string> = {
  Consumer: 'CONSUMER',
  Corporate: 'CORPORATE',
  'Home Office': 'SMALL_BUSINESS',
};
export const WAREHOUSE = 'SS-MAIN';

export const mapping: Mapping = {
  name: 'superstore',
  description:
    'Tableau Sample - Superstore (Row ID, Order ID, Order Date, Ship Date, …, Sales, Quantity, Discount, Profit)',
  defaultDir: '../shared/datasets/superstore',
  sources: [
    {
      file: 'Sample - Superstore',
      table: 'src_superstore',
      columns: [
        { name: 'row_id', from: 'Row ID', kind: 'int', required: true, min: 1 },
        { name: 'order_id', from: 'Order ID', kind: 'text', required: true },
        { name: 'order_date', from: 'Order Date', kind: 'date', required: true, transform: usDate },
        { name: 'ship_date', from: 'Ship Date', kind: 'date', transform: usDate },
        { name: 'customer_id', from: 'Customer ID', kind: 'text', required: true },
        { name: 'customer_name', from: 'Customer Name', kind: 'text', required: true },
        {
          name: 'segment',
          from: 'Segment',
          kind: 'text',
          required: true,
          transform: (v) => SEGMENT[v.trim()] ?? `?${v.trim()}`,
          check: (v) =>
            v.startsWith('?')
              ? `segment ${JSON.stringify(v.slice(1))} is not one of ${Object.keys(SEGMENT).join(', ')}`
              : null,
        },
        { name: 'city', from: 'City', kind: 'text', required: true },
        { name: 'state', from: 'State', kind: 'text', required: true },
        { name: 'region', from: 'Region', kind: 'text', required: true },
        { name: 'product_id', from: 'Product ID', kind: 'text', required: true },
        { name: 'category', from: 'Category', kind: 'text', required: true },
        { name: 'sub_category', from: 'Sub-Category', kind: 'text', required: true },
        { name: 'product_name', from: 'Product Name', kind: 'text', required: true },
        { name: 'sales', from: 'Sales', kind: 'decimal', required: true, min: 0 },
        { name: 'quantity', from: 'Quantity', kind: 'int', required: true, min: 1 },
        { name: 'discount', from: 'Discount', kind: 'decimal', required: true, min: 0, max: 0.99 },
      ],
    },
  ],
  notes: [
    'dates are M/D/YYYY (US) without a time: orders are placed at 12:00 UTC on their date, so the date is the same in every European and American time zone',
    'unit price = Sales / (Quantity × (1 − Discount)), rounded to the cent: the OLTP stores the list price of the line and its discount, Superstore only the discounted amount',
    'a customer is placed in the city, state and region of its first order; the region of each order (its ship-to) is counted in the facts',
    'categories: Category (level 1) → Sub-Category (level 2); a product id with several names keeps its most frequent name (the first one on a tie)',
    `one warehouse ${WAREHOUSE}; currency USD; no tax; orders DELIVERED, confirmed on the order date and shipped and delivered on the ship date; Profit is not imported (the warehouse computes margin from costs, which Superstore does not give)`,
  ],
  transform: superstoreTransform,
};
export default mapping;

async function superstoreTransform({ client, fact }: MappingContext): Promise<void> {
  const q = (sql: string) => client.query(sql);
  const code = (sql: string) => `upper(regexp_replace(${sql}, '[^A-Za-z0-9]+', '-', 'g'))`;
  await q(`CREATE TEMP TABLE ss_lines ON COMMIT DROP AS
    SELECT _file, _line, order_id, customer_id, customer_name, segment, city, state, region, product_id, product_name,
           ${code('category')} AS category_code, category, ${code('category')} || '/' || ${code('sub_category')} AS sub_code, sub_category,
           quantity, discount, sales,
           round(sales / (quantity * (1 - discount)), 2) AS unit_price,
           (order_date + time '12:00') AT TIME ZONE 'UTC' AS ordered_at,
           (coalesce(ship_date, order_date) + time '12:00') AT TIME ZONE 'UTC' AS shipped_at,
           row_number() OVER (PARTITION BY order_id ORDER BY row_id) AS line_no
      FROM src_superstore`);
  await q(`INSERT INTO stg_categories (_file, _line, code, name, parent_code)
    SELECT DISTINCT ON (category_code) '(mapping superstore)', NULL::int, category_code, category, NULL FROM ss_lines
    UNION ALL
    SELECT DISTINCT ON (sub_code) '(mapping superstore)', NULL::int, sub_code, sub_category, category_code FROM ss_lines`);
  await q(`INSERT INTO stg_warehouses (_file, _line, code, name, city, country_code)
    VALUES ('(mapping superstore)', NULL, '${WAREHOUSE}', 'Superstore warehouse', 'Unknown', 'US')`);
  // the most frequent name of each product id (first line on a tie); its list price: the most frequent unit price
  await q(`INSERT INTO stg_products (_file, _line, sku, name, category_code, list_price, unit_cost, status)
    SELECT f._file, f._line, f.product_id, n.product_name, f.sub_code, p.unit_price, NULL, 'ACTIVE'
      FROM (SELECT DISTINCT ON (product_id) product_id, sub_code, _file, _line FROM ss_lines ORDER BY product_id, _line) f
      JOIN (SELECT DISTINCT ON (product_id) product_id, product_name
              FROM (SELECT product_id, product_name, count(*) AS n, min(_line) AS first FROM ss_lines GROUP BY 1, 2) x
             ORDER BY product_id, n DESC, first) n ON n.product_id = f.product_id
      JOIN (SELECT DISTINCT ON (product_id) product_id, unit_price
              FROM (SELECT product_id, unit_price, count(*) AS n, min(_line) AS first FROM ss_lines GROUP BY 1, 2) x
             ORDER BY product_id, n DESC, first) p ON p.product_id = f.product_id`);
  await q(`INSERT INTO stg_customers (_file, _line, code, name, segment, status, country_code, country_name, region, city, is_guest)
    SELECT _file, _line, customer_id, customer_name, segment, 'ACTIVE', 'US', 'United States', region, city || ' (' || state || ')', false
      FROM (SELECT DISTINCT ON (customer_id) * FROM ss_lines ORDER BY customer_id, ordered_at, _line) c`);
  await q(`INSERT INTO stg_orders (_file, _line, number, kind, status, customer_code, warehouse_code, currency,
                                   ordered_at, confirmed_at, shipped_at, delivered_at)
    SELECT _file, _line, order_id, 'SALE', 'DELIVERED', customer_id, '${WAREHOUSE}', 'USD', ordered_at, ordered_at, shipped_at, shipped_at
      FROM (SELECT DISTINCT ON (order_id) * FROM ss_lines ORDER BY order_id, _line) o`);
  await q(`INSERT INTO stg_order_lines (_file, _line, order_number, line_no, sku, quantity, unit_price, discount, tax_rate)
    SELECT _file, _line, order_id, line_no, product_id, quantity, unit_price, discount, 0 FROM ss_lines`);

  const { rows } = await client.query<Record<string, number>>(`SELECT
      (SELECT count(*) FROM ss_lines)::int AS lines,
      (SELECT count(DISTINCT order_id) FROM ss_lines)::int AS orders,
      (SELECT count(DISTINCT customer_id) FROM ss_lines)::int AS customers,
      (SELECT count(*) FROM (SELECT customer_id FROM ss_lines GROUP BY 1 HAVING count(DISTINCT region) > 1) x)::int AS multi_region,
      (SELECT count(*) FROM (SELECT order_id FROM ss_lines GROUP BY 1 HAVING count(DISTINCT region) > 1) x)::int AS split_orders,
      (SELECT count(*) FROM ss_lines WHERE abs(round(quantity * unit_price * (1 - discount), 2) - sales) > 0.01)::int AS off_by_cents,
      (SELECT count(*) FROM (SELECT product_id FROM ss_lines GROUP BY 1 HAVING count(DISTINCT product_name) > 1) x)::int AS renamed`);
  const r = rows[0]!;
  fact('order lines', r.lines!);
  fact('orders (Order ID)', r.orders!);
  fact('customers (Customer ID)', r.customers!);
  fact(
    'customers with orders in several regions (placed in the region of their first order)',
    r.multi_region!,
  );
  fact('orders shipped to several regions', r.split_orders!);
  fact(
    'lines whose net amount differs from Sales by more than a cent after rounding the unit price',
    r.off_by_cents!,
  );
  fact('product ids with several names (the most frequent kept)', r.renamed!);
}
