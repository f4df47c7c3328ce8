import type { Mapping, MappingContext } from '../types';
import { country } from './countries';

export const WAREHOUSE = 'OR-MAIN';
/** Stock codes that are charges, fees, postage or vouchers rather than goods. */
export const NON_MERCHANDISE = [
  'POST',
  'DOT',
  'M',
  'm',
  'C2',
  'D',
  'S',
  'B',
  'BANK CHARGES',
  'AMAZONFEE',
  'CRUK',
  'PADS',
];
const nonMerchandiseSql = `(stock_code IN (${NON_MERCHANDISE.map((c) => `'${c}'`).join(', ')}) OR stock_code ~* '^gift_')`;

const isInt = (v: string | undefined) => /^-?\d+$/.test((v ?? '').trim());

/**
 * UCI Online Retail (541,909 invoice lines, 2010-12-01 – 2011-12-09), one gzipped CSV.
 * Every line is either imported (as a sale or return order line) or skipped by a named rule.
 */
export const onlineRetailMapping: Mapping = {
  name: 'online-retail',
  description:
    'UCI Online Retail (InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country)',
  defaultDir: '../shared/datasets/online-retail',
  sources: [
    {
      file: 'online_retail_all',
      table: 'src_retail',
      columns: [
        { name: 'invoice', from: 'InvoiceNo', kind: 'text', required: true },
        { name: 'stock_code', from: 'StockCode', kind: 'text', required: true },
        { name: 'description', from: 'Description', kind: 'text' },
        {
          name: 'quantity',
          from: 'Quantity',
          kind: 'int',
          required: true,
          check: (v) => (v === '0' ? 'a quantity of 0 is not an order line' : null),
        },
        { name: 'invoice_date', from: 'InvoiceDate', kind: 'localtime', required: true },
        { name: 'unit_price', from: 'UnitPrice', kind: 'decimal', required: true, min: 0 },
        {
          name: 'customer_code',
          from: 'CustomerID',
          kind: 'text',
          // `17850.0` → `17850`
          transform: (v) => v.trim().replace(/\.0+$/, ''),
          check: (v) => (/^\d+$/.test(v) ? null : 'not a customer number'),
        },
        { name: 'country', from: 'Country', kind: 'text', required: true },
        {
          name: 'country_code',
          kind: 'text',
          required: true,
          value: (row) =>
            row.Country?.trim() ? (country(row.Country)?.[0] ?? `?${row.Country.trim()}`) : '',
          check: (v) =>
            v.startsWith('?')
              ? `country ${JSON.stringify(v.slice(1))} is not in the mapping's country table`
              : null,
        },
        { name: 'country_name', kind: 'text', value: (row) => country(row.Country ?? '')?.[1] ?? null },
      ],
      rules: [
        {
          name: 'bad-debt-adjustment',
          description:
            'invoices starting with \'A\' ("Adjust bad debt", negative price): accounting entries, not sales',
          action: 'skip',
          when: (r) => (r.InvoiceNo ?? '').trim().startsWith('A'),
        },
        {
          name: 'stock-write-off',
          description:
            'negative quantity on a normal invoice (price 0, no customer): a stock write-off; there is no stock ledger to write it off against and no customer returned anything',
          action: 'skip',
          when: (r) =>
            !(r.InvoiceNo ?? '').trim().startsWith('C') && isInt(r.Quantity) && Number(r.Quantity) < 0,
        },
        {
          name: 'cancellation',
          description:
            "invoices starting with 'C': imported as RETURN orders (DELIVERED) with positive quantities",
          action: 'import',
          when: (r) => (r.InvoiceNo ?? '').trim().startsWith('C'),
        },
        {
          name: 'sale',
          description: 'other invoice lines: imported as SALE orders (DELIVERED)',
          action: 'import',
          when: () => true,
        },
      ],
    },
  ],
  notes: [
    'CustomerID `17850.0` → customer code `17850`; lines without CustomerID go to one guest customer per country (GUEST-<country code>, is_guest)',
    'a customer seen in several countries is placed in the country of its first line',
    `products: sku = StockCode, name = most frequent non-empty description (the code when there is none), list price = most frequent unit price, unit_cost unknown; category 'Online Retail' or 'Non-merchandise' (${NON_MERCHANDISE.join(', ')}, gift_*)`,
    'order line_no = position in the invoice in file order; one order per invoice; times are UK local time (Europe/London); confirmed/shipped/delivered at the invoice time',
    `one warehouse ${WAREHOUSE}; currency GBP; no stock movements (the source has no stock data); geography: country, region and city 'Unknown'`,
    'unit prices are rounded to 2 decimals (the OLTP stores money with 2)',
  ],
  transform: onlineRetailTransform,
};

async function onlineRetailTransform({ client, fact }: MappingContext): Promise<void> {
  const q = (sql: string) => client.query(sql);
  await q(`CREATE TEMP TABLE or_lines ON COMMIT DROP AS
    SELECT _file, _line, invoice, stock_code, description, abs(quantity) AS quantity, unit_price,
           invoice_date AT TIME ZONE 'Europe/London' AS at,
           CASE WHEN invoice LIKE 'C%' THEN 'RETURN' ELSE 'SALE' END AS kind,
           coalesce(customer_code, 'GUEST-' || country_code) AS customer, customer_code IS NULL AS is_guest,
           country_code, country_name,
           row_number() OVER (PARTITION BY invoice ORDER BY _line) AS line_no
      FROM src_retail`);
  await q(`INSERT INTO stg_categories (_file, _line, code, name) VALUES
    ('(mapping online-retail)', NULL, 'ONLINE-RETAIL', 'Online Retail'),
    ('(mapping online-retail)', NULL, 'NON-MERCHANDISE', 'Non-merchandise')`);
  await q(`INSERT INTO stg_warehouses (_file, _line, code, name, city, country_code)
    VALUES ('(mapping online-retail)', NULL, '${WAREHOUSE}', 'Online Retail warehouse', 'Unknown', 'GB')`);
  await q(`INSERT INTO stg_products (_file, _line, sku, name, category_code, list_price, unit_cost, status)
    SELECT f._file, f._line, f.stock_code, coalesce(d.description, f.stock_code),
           CASE WHEN ${nonMerchandiseSql.replace(/stock_code/g, 'f.stock_code')} THEN 'NON-MERCHANDISE' ELSE 'ONLINE-RETAIL' END,
           round(p.unit_price, 2), NULL, 'ACTIVE'
      FROM (SELECT DISTINCT ON (stock_code) stock_code, _file, _line FROM or_lines ORDER BY stock_code, _line) f
      LEFT JOIN (SELECT DISTINCT ON (stock_code) stock_code, description
                   FROM (SELECT stock_code, description, count(*) AS n, min(_line) AS first FROM or_lines
                          WHERE description IS NOT NULL GROUP BY 1, 2) x
                  ORDER BY stock_code, n DESC, first) d ON d.stock_code = f.stock_code
      JOIN (SELECT DISTINCT ON (stock_code) stock_code, unit_price
              FROM (SELECT stock_code, unit_price, count(*) AS n, min(_line) AS first FROM or_lines GROUP BY 1, 2) x
             ORDER BY stock_code, n DESC, first) p ON p.stock_code = f.stock_code`);
  await q(`INSERT INTO stg_customers (_file, _line, code, name, segment, status, country_code, country_name, region, city, is_guest)
    SELECT _file, _line, customer,
           CASE WHEN is_guest THEN 'Guest customers (' || country_name || ')' ELSE 'Customer ' || customer END,
           'SMALL_BUSINESS', 'ACTIVE', country_code, country_name, 'Unknown', 'Unknown', is_guest
      FROM (SELECT DISTINCT ON (customer) * FROM or_lines ORDER BY customer, _line) c`);
  await q(`INSERT INTO stg_orders (_file, _line, number, kind, status, customer_code, warehouse_code, currency,
                                   ordered_at, confirmed_at, shipped_at, delivered_at)
    SELECT _file, _line, invoice, kind, 'DELIVERED', customer, '${WAREHOUSE}', 'GBP', at, at, at, at
      FROM (SELECT DISTINCT ON (invoice) * FROM or_lines ORDER BY invoice, _line) o`);
  await q(`INSERT INTO stg_order_lines (_file, _line, order_number, line_no, sku, quantity, unit_price, discount, tax_rate)
    SELECT _file, _line, invoice, line_no, stock_code, quantity, round(unit_price, 2), 0, 0 FROM or_lines`);

  // What the import did, each with the count that says it (one query for all).
  const counts: [what: string, sql: string][] = [
    ['lines imported as SALE order lines', `SELECT count(*) FROM or_lines WHERE kind = 'SALE'`],
    [
      'lines imported as RETURN order lines (cancellations, quantity made positive)',
      `SELECT count(*) FROM or_lines WHERE kind = 'RETURN'`,
    ],
    ['SALE orders (invoices)', `SELECT count(DISTINCT invoice) FROM or_lines WHERE kind = 'SALE'`],
    ['RETURN orders (C invoices)', `SELECT count(DISTINCT invoice) FROM or_lines WHERE kind = 'RETURN'`],
    ['CustomerID `N.0` → customers `N`', `SELECT count(DISTINCT customer) FROM or_lines WHERE NOT is_guest`],
    ['lines without CustomerID (→ guest customers)', `SELECT count(*) FROM or_lines WHERE is_guest`],
    ['guest customers (one per country)', `SELECT count(DISTINCT customer) FROM or_lines WHERE is_guest`],
    [
      'customers seen in several countries (first country kept)',
      `SELECT count(*) FROM (SELECT customer FROM or_lines WHERE NOT is_guest GROUP BY 1 HAVING count(DISTINCT country_code) > 1) x`,
    ],
    [
      'lines with unit price 0 (imported as free lines)',
      `SELECT count(*) FROM or_lines WHERE unit_price = 0`,
    ],
    [
      'lines whose unit price was rounded to 2 decimals',
      `SELECT count(*) FROM or_lines WHERE unit_price <> round(unit_price, 2)`,
    ],
    [
      'products without any description (name = stock code)',
      `SELECT count(*) FROM stg_products WHERE name = sku`,
    ],
    ['non-merchandise products', `SELECT count(*) FROM stg_products WHERE category_code = 'NON-MERCHANDISE'`],
  ];
  const { rows } = await client.query<Record<string, number>>(
    `SELECT ${counts.map(([, sql], i) => `(${sql})::int AS c${i}`).join(',\n      ')}`,
  );
  counts.forEach(([what], i) => fact(what, rows[0]![`c${i}`]!));
}
