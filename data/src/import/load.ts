import type pg from 'pg';
import { ENTITIES, entity, ORDER_TIMESTAMPS } from './canonical';
import type { EntityCounts, ImportIssue } from './types';

type Q = pg.PoolClient;
/** The places of the orders' ship-to addresses (country, region and the given columns), for the geography tables. */
const SHIP_TO_PLACES = (cols: string) =>
  `SELECT ship_to_country_code, ${cols} FROM stg_orders WHERE ship_to_country_code IS NOT NULL AND ship_to_region IS NOT NULL AND ship_to_city IS NOT NULL`;
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

interface IssueRow {
  file: string | null;
  line: number | null;
  col: string | null;
  val: string | null;
  reason: string;
}

async function collect(
  client: Q,
  sql: string,
  onIssue: (i: ImportIssue) => void,
  params: unknown[] = [],
): Promise<void> {
  const { rows } = await client.query<IssueRow>(sql, params);
  for (const r of rows)
    onIssue({ file: r.file ?? '(derived)', line: r.line, column: r.col, value: r.val, reason: r.reason });
}

/**
 * Set-based checks of the canonical staging tables, against each other and the database: duplicate
 * natural keys, references to keys present neither in the files nor in the DB, rules spanning
 * columns or rows. Every problem is reported; nothing is written.
 */
export async function checkStaged(
  client: Q,
  onIssue: (i: ImportIssue) => void,
  strict: boolean,
): Promise<void> {
  for (const e of ENTITIES) {
    const t = `stg_${e.entity}`;
    const keys = e.key.map(ident);
    await collect(
      client,
      `SELECT _file AS file, _line AS line, $1::text AS col, concat_ws(', ', ${keys.join(', ')}) AS val,
              'duplicate key (first at line ' || first_line || ')' AS reason
       FROM (SELECT *, min(_line) OVER w AS first_line, row_number() OVER (w ORDER BY _line) AS rn
             FROM ${t} WHERE ${keys.map((k) => `${k} IS NOT NULL`).join(' AND ')}
             WINDOW w AS (PARTITION BY ${keys.join(', ')})) d
       WHERE rn > 1 ORDER BY _file, _line`,
      onIssue,
      [e.key.join(', ')],
    );
    for (const r of e.references) {
      const target = entity(r.entity);
      await collect(
        client,
        `SELECT s._file AS file, s._line AS line, $1::text AS col, s.${ident(r.column)}::text AS val,
                $2::text AS reason
         FROM ${t} s
         WHERE s.${ident(r.column)} IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM stg_${r.entity} x WHERE x.${ident(target.key[0]!)} = s.${ident(r.column)})
           AND NOT EXISTS (SELECT 1 FROM ${r.db} d WHERE d.${ident(r.dbKey)} = s.${ident(r.column)})
         ORDER BY s._file, s._line`,
        onIssue,
        [r.column, `unknown ${r.entity.replace(/s$/, '')} (neither in the files nor in the database)`],
      );
    }
  }

  const checks: string[] = [
    `SELECT _file file, _line line, 'parent_code' col, parent_code val, 'a category cannot be its own parent' reason
       FROM stg_categories WHERE parent_code = code`,
    `SELECT _file file, _line line, 'country_code' col, country_code val,
            'not a country code (2 or 3 capitals or digits)' reason
       FROM stg_customers WHERE country_code !~ '^[A-Z0-9]{2,3}$'`,
    `SELECT _file file, _line line, 'country_name' col, country_name val,
            'country ' || country_code || ' is named ' || quote_literal(first_name) || ' on line ' || first_line || ' of the file' reason
       FROM (SELECT *, first_value(country_name) OVER w first_name, first_value(_line) OVER w first_line
             FROM stg_customers WINDOW w AS (PARTITION BY country_code ORDER BY _line)) c
      WHERE country_name IS DISTINCT FROM first_name`,
    `SELECT s._file file, s._line line, 'country_name' col, s.country_name val,
            'another country code (' || c.code || ') already has this name in the database' reason
       FROM stg_customers s JOIN customers.countries c ON c.name = s.country_name AND c.code <> s.country_code`,
    `SELECT _file file, _line line, 'currency' col, currency val, 'not an ISO 4217 code (3 capitals)' reason
       FROM stg_orders WHERE currency !~ '^[A-Z]{3}$'`,
    ...(
      [
        ['confirmed_at', `('CONFIRMED','SHIPPED','DELIVERED')`],
        ['shipped_at', `('SHIPPED','DELIVERED')`],
        ['delivered_at', `('DELIVERED')`],
        ['cancelled_at', `('CANCELLED')`],
      ] as const
    ).map(
      ([col, statuses]) =>
        `SELECT _file file, _line line, '${col}' col, NULL val, 'required for an order with status ' || status reason
           FROM stg_orders WHERE status IN ${statuses} AND ${col} IS NULL`,
    ),
    `SELECT l._file file, l._line line, 'backordered_quantity' col, l.backordered_quantity::text val,
            CASE WHEN l.backordered_quantity > l.quantity THEN 'more units backordered than ordered (' || l.quantity || ')'
                 ELSE 'only a CONFIRMED SALE order has a backorder (this one is ' || o.kind || ' ' || o.status || ')' END reason
       FROM stg_order_lines l JOIN stg_orders o ON o.number = l.order_number
      WHERE l.backordered_quantity > 0 AND (l.backordered_quantity > l.quantity OR o.status <> 'CONFIRMED' OR o.kind <> 'SALE')`,
    `SELECT _file file, _line line, 'on_time_deliveries' col, on_time_deliveries::text val,
            'more on-time deliveries than deliveries (' || deliveries || ')' reason
       FROM stg_supplier_evaluations WHERE on_time_deliveries > deliveries`,
    `SELECT _file file, _line line, 'period_start' col, period_start::text val, 'must be the 1st of a month' reason
       FROM stg_supplier_evaluations WHERE extract(day FROM period_start) <> 1`,
    `SELECT _file file, _line line, 'quantity' col, quantity::text val,
            CASE WHEN quantity = 0 THEN 'a movement cannot be zero'
                 WHEN kind IN ('OPENING','RECEIPT','TRANSFER_IN') THEN kind || ' must be positive'
                 ELSE kind || ' must be negative' END reason
       FROM stg_stock_movements
      WHERE quantity = 0 OR (kind IN ('OPENING','RECEIPT','TRANSFER_IN') AND quantity < 0)
         OR (kind IN ('SHIPMENT','TRANSFER_OUT') AND quantity > 0)`,
    // A purchase receipt is the document of one RECEIPT movement (external_key = receipt number): same units, same time, the order's warehouse.
    `SELECT r._file file, r._line line, 'number' col, r.number val,
            'no RECEIPT movement ' || r.number || ' of ' || r.quantity || ' x ' || coalesce(l.sku, '?') || ' at ' || r.received_at || ' into ' || coalesce(o.warehouse_code, '?') || ' in stock_movements' reason
       FROM stg_purchase_receipts r
       LEFT JOIN stg_purchase_orders o ON o.number = r.po_number
       LEFT JOIN stg_purchase_order_lines l ON l.po_number = r.po_number AND l.line_no = r.line_no
      WHERE NOT EXISTS (SELECT 1 FROM stg_stock_movements m WHERE m.external_key = r.number AND m.kind = 'RECEIPT' AND m.sku = l.sku
                          AND m.warehouse_code = o.warehouse_code AND m.quantity::int = r.quantity::int AND m.occurred_at = r.received_at)
        AND NOT EXISTS (SELECT 1 FROM inventory.stock_movements m JOIN catalog.products p ON p.id = m.product_id
                          WHERE m.external_key = r.number AND m.kind = 'RECEIPT' AND p.sku = l.sku AND m.quantity = r.quantity::int)`,
    // The over-receipt rule of the API: a line receives at most its quantity + 10 %.
    `SELECT min(r._file) file, min(r._line) line, 'quantity' col, sum(r.quantity::int)::text val,
            'receipts of ' || r.po_number || ' line ' || r.line_no || ' exceed the ordered ' || min(l.quantity::int) || ' + 10 %' reason
       FROM stg_purchase_receipts r JOIN stg_purchase_order_lines l ON l.po_number = r.po_number AND l.line_no = r.line_no
      GROUP BY r.po_number, r.line_no HAVING sum(r.quantity::int) > floor(min(l.quantity::int) * 1.1)`,
    // The ledger is append-only: a movement already recorded must come back identical.
    `SELECT s._file file, s._line line, 'external_key' col, s.external_key val,
            'already recorded in the stock ledger with other values (the ledger is append-only)' reason
       FROM stg_stock_movements s
       JOIN inventory.stock_movements m ON m.external_key = s.external_key
       JOIN catalog.products p ON p.id = m.product_id
       JOIN inventory.warehouses w ON w.id = m.warehouse_id
      WHERE (p.sku, w.code, m.kind::text, m.quantity, m.reference, m.occurred_at, m.note)
            IS DISTINCT FROM (s.sku, s.warehouse_code, s.kind, s.quantity::int, s.reference, s.occurred_at, s.note)`,
    // Running sum per (sku, warehouse), from what the database holds, never below zero.
    `SELECT file, line, 'quantity' col, quantity::text val,
            'takes the stock of ' || sku || ' in ' || warehouse_code || ' below zero (' || running || ')' reason
       FROM (SELECT s._file file, s._line line, s.quantity, s.sku, s.warehouse_code,
                    coalesce(l.on_hand, 0) + sum(s.quantity) OVER (PARTITION BY s.sku, s.warehouse_code
                                                                  ORDER BY s.occurred_at, s._line) running
               FROM stg_stock_movements s
               LEFT JOIN catalog.products p ON p.sku = s.sku
               LEFT JOIN inventory.warehouses w ON w.code = s.warehouse_code
               LEFT JOIN inventory.stock_levels l ON l.product_id = p.id AND l.warehouse_id = w.id
              WHERE s.quantity IS NOT NULL AND s.sku IS NOT NULL AND s.warehouse_code IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM inventory.stock_movements m WHERE m.external_key = s.external_key)) r
      WHERE running < 0`,
  ];
  if (strict) {
    // FORMAT.md: every SHIPPED or DELIVERED SALE order has a SHIPMENT movement per line.
    checks.push(
      `SELECT l._file file, l._line line, 'order_number' col, l.order_number || '/' || l.line_no val,
              'no SHIPMENT movement SHIP-' || l.order_number || '-' || l.line_no || ' for a ' || o.status || ' order' reason
         FROM stg_order_lines l JOIN stg_orders o ON o.number = l.order_number
        WHERE o.kind = 'SALE' AND o.status IN ('SHIPPED','DELIVERED')
          AND NOT EXISTS (SELECT 1 FROM stg_stock_movements m WHERE m.external_key = 'SHIP-' || l.order_number || '-' || l.line_no)
          AND NOT EXISTS (SELECT 1 FROM inventory.stock_movements m WHERE m.external_key = 'SHIP-' || l.order_number || '-' || l.line_no)`,
    );
  }
  for (const sql of checks) await collect(client, `SELECT * FROM (${sql}) c ORDER BY file, line`, onIssue);
}

/**
 * Insert-or-update by natural key; a row is only rewritten when a value differs (IS DISTINCT FROM),
 * so a re-import of the same files changes nothing (and leaves updated_at alone).
 */
export async function upsert(
  client: Q,
  table: string,
  keys: string[],
  cols: string[],
  select: string,
): Promise<EntityCounts> {
  const match = keys.map((k) => `t.${k} = s.${k}`).join(' AND ');
  const all = [...keys, ...cols];
  const update = cols.length
    ? `u AS (UPDATE ${table} t SET ${cols.map((c) => `${c} = s.${c}`).join(', ')} FROM s
             WHERE ${match} AND (${cols.map((c) => `t.${c}`).join(', ')}, NULL) IS DISTINCT FROM (${cols.map((c) => `s.${c}`).join(', ')}, NULL)
             RETURNING 1),`
    : `u AS (SELECT 1 WHERE false),`;
  const { rows } = await client.query<{ read: number; updated: number; inserted: number }>(
    `WITH s AS MATERIALIZED (${select}),
     ${update}
     i AS (INSERT INTO ${table} (${all.join(', ')}) SELECT ${all.join(', ')} FROM s
           WHERE NOT EXISTS (SELECT 1 FROM ${table} t WHERE ${match}) RETURNING 1)
     SELECT (SELECT count(*) FROM s)::int AS read, (SELECT count(*) FROM u)::int AS updated,
            (SELECT count(*) FROM i)::int AS inserted`,
  );
  const r = rows[0]!;
  return {
    read: r.read,
    inserted: r.inserted,
    updated: r.updated,
    unchanged: r.read - r.inserted - r.updated,
  };
}

export interface WriteContext {
  client: Q;
  counts: Record<string, EntityCounts>;
  onIssue: (i: ImportIssue) => void;
  step: (name: string) => void;
}

type Run = (name: string, f: () => Promise<EntityCounts>) => Promise<void>;

/** Each upsert run as its own step. */
const upserter =
  (client: Q, run: Run) =>
  (step: string, table: string, keys: string[], cols: string[], select: string): Promise<void> =>
    run(step, () => upsert(client, table, keys, cols, select));

/**
 * Appends the staged rows not there yet (append-only, never updated): `staged` selects them (as
 * `s`), `insert` inserts from `s`; counts what was read and what was inserted.
 */
async function appendNew(client: Q, staged: string, insert: string): Promise<EntityCounts> {
  const { rows } = await client.query<{ read: number; inserted: number }>(
    `WITH s AS MATERIALIZED (${staged}),
       i AS (${insert}
             RETURNING 1)
       SELECT (SELECT count(*) FROM s)::int AS read, (SELECT count(*) FROM i)::int AS inserted`,
  );
  const r = rows[0]!;
  return { read: r.read, inserted: r.inserted, updated: 0, unchanged: r.read - r.inserted };
}

/** Writes the canonical staging tables into the OLTP, in dependency order. */
export async function writeStaged({ client, counts, onIssue, step }: WriteContext): Promise<void> {
  const run: Run = async (name, f) => {
    step(name);
    counts[name] = await f();
  };
  await writePeopleAndPlaces(client, run);
  await writeCatalogAndParties(client, run);
  await writeStock(client, run);
  await writePurchasing(client, run);
  await writeSales(client, run);
  // New orders number on from the imported ones (SO-<digits>): the sequence moves past them.
  step('order numbers');
  await client.query('SELECT sales.order_numbers_follow()');
  // The categories whose goods were sold take the rate their imported lines carry most often: a new
  // order's line without a rate is then taxed as the history was (see kit/migrations/0012_tax_rates).
  step('category tax rates');
  await client.query(`
    UPDATE catalog.categories c SET tax_rate = m.rate
      FROM (SELECT DISTINCT ON (p.category_id) p.category_id, l.tax_rate AS rate
              FROM sales.order_lines l JOIN catalog.products p ON p.id = l.product_id
             GROUP BY p.category_id, l.tax_rate ORDER BY p.category_id, count(*) DESC, l.tax_rate) m
     WHERE c.id = m.category_id AND c.tax_rate IS NULL AND m.rate > 0`);
  step('stock_levels.reserved');
  counts['stock_levels.reserved'] = await writeReserved(client, onIssue);
}

/** Sales people and the places customers and shipments are in. */
async function writePeopleAndPlaces(client: Q, run: Run): Promise<void> {
  const put = upserter(client, run);
  await put(
    'users',
    'auth.users',
    ['email'],
    ['name', 'role'],
    `SELECT email, name, role::auth.user_role AS role FROM stg_users`,
  );
  await put(
    'countries',
    'customers.countries',
    ['code'],
    ['name'],
    `SELECT DISTINCT ON (code) code, name FROM (
         SELECT country_code AS code, country_name AS name, 0 AS src, _line FROM stg_customers
         UNION ALL
         SELECT ship_to_country_code, ship_to_country_name, 1, _line FROM stg_orders
          WHERE ship_to_country_code IS NOT NULL AND ship_to_country_name IS NOT NULL) x
       ORDER BY code, src, _line`,
  );
  await put(
    'regions',
    'customers.regions',
    ['country_code', 'name'],
    [],
    `SELECT country_code, region AS name FROM stg_customers UNION ${SHIP_TO_PLACES('ship_to_region AS name')}`,
  );
  await put(
    'cities',
    'customers.cities',
    ['region_id', 'name'],
    [],
    `SELECT DISTINCT r.id AS region_id, s.city AS name
         FROM (SELECT country_code, region, city FROM stg_customers UNION ${SHIP_TO_PLACES('ship_to_region, ship_to_city')}) s
         JOIN customers.regions r ON r.country_code = s.country_code AND r.name = s.region`,
  );
}

/** The catalogue, the warehouses, customers and suppliers with their contacts and terms. */
async function writeCatalogAndParties(client: Q, run: Run): Promise<void> {
  const put = upserter(client, run);
  await run('categories', () => writeCategories(client));
  await put(
    'products',
    'catalog.products',
    ['sku'],
    ['name', 'category_id', 'list_price', 'unit_cost', 'status'],
    `SELECT s.sku, s.name, c.id AS category_id, s.list_price::numeric(12,2) AS list_price,
              s.unit_cost::numeric(12,2) AS unit_cost, s.status::catalog.product_status AS status
         FROM stg_products s JOIN catalog.categories c ON c.code = s.category_code`,
  );
  await put(
    'warehouses',
    'inventory.warehouses',
    ['code'],
    ['name', 'city', 'country_code'],
    `SELECT code, name, city, country_code FROM stg_warehouses`,
  );
  await put(
    'customers',
    'customers.customers',
    ['code'],
    ['name', 'email', 'phone', 'segment', 'status', 'city_id', 'sales_rep_id', 'is_guest'],
    `SELECT s.code, s.name, s.email, s.phone, s.segment::customers.customer_segment AS segment,
              s.status::customers.customer_status AS status, ci.id AS city_id, u.id AS sales_rep_id, s.is_guest
         FROM stg_customers s
         JOIN customers.regions r ON r.country_code = s.country_code AND r.name = s.region
         JOIN customers.cities ci ON ci.region_id = r.id AND ci.name = s.city
         LEFT JOIN auth.users u ON u.email = s.sales_rep_email`,
  );
  await put(
    'customer_contacts',
    'customers.contacts',
    ['customer_id', 'email'],
    ['name', 'phone', 'job_title', 'is_primary'],
    `SELECT c.id AS customer_id, s.email, s.name, s.phone, s.job_title, s.is_primary
         FROM stg_customer_contacts s JOIN customers.customers c ON c.code = s.customer_code`,
  );
  await put(
    'suppliers',
    'suppliers.suppliers',
    ['code'],
    ['name', 'email', 'phone', 'city', 'country_code', 'status'],
    `SELECT code, name, email, phone, city, country_code, status::suppliers.supplier_status AS status FROM stg_suppliers`,
  );
  await put(
    'supplier_contacts',
    'suppliers.contacts',
    ['supplier_id', 'email'],
    ['name', 'phone', 'job_title'],
    `SELECT x.id AS supplier_id, s.email, s.name, s.phone, s.job_title
         FROM stg_supplier_contacts s JOIN suppliers.suppliers x ON x.code = s.supplier_code`,
  );
  await put(
    'product_supplies',
    'suppliers.product_supplies',
    ['supplier_id', 'product_id'],
    ['lead_time_days', 'unit_cost', 'min_order_quantity', 'is_preferred'],
    `SELECT x.id AS supplier_id, p.id AS product_id, s.lead_time_days::int AS lead_time_days,
              s.unit_cost::numeric(12,2) AS unit_cost, s.min_order_quantity::int AS min_order_quantity, s.is_preferred
         FROM stg_product_supplies s JOIN suppliers.suppliers x ON x.code = s.supplier_code
         JOIN catalog.products p ON p.sku = s.sku`,
  );
  await put(
    'supplier_evaluations',
    'suppliers.evaluations',
    ['supplier_id', 'period_start'],
    ['deliveries', 'on_time_deliveries', 'quality_score', 'price_score', 'comment'],
    `SELECT x.id AS supplier_id, s.period_start, s.deliveries::int AS deliveries,
              s.on_time_deliveries::int AS on_time_deliveries, s.quality_score::numeric(5,2) AS quality_score,
              s.price_score::numeric(5,2) AS price_score, s.comment
         FROM stg_supplier_evaluations s JOIN suppliers.suppliers x ON x.code = s.supplier_code`,
  );
}

/** Stock levels, then the ledger of movements. */
async function writeStock(client: Q, run: Run): Promise<void> {
  const put = upserter(client, run);
  // Levels first (on_hand 0), so the movements below only move on_hand.
  await put(
    'stock_levels',
    'inventory.stock_levels',
    ['product_id', 'warehouse_id'],
    ['reorder_point', 'on_order'],
    `SELECT p.id AS product_id, w.id AS warehouse_id, s.reorder_point::int AS reorder_point, coalesce(s.on_order, 0)::int AS on_order
         FROM stg_stock_levels s JOIN catalog.products p ON p.sku = s.sku
         JOIN inventory.warehouses w ON w.code = s.warehouse_code`,
  );
  // Append-only and keyed by external_key: only new movements are inserted, in time order so
  // the running stock never dips below zero.
  await run('stock_movements', () =>
    appendNew(
      client,
      `
         SELECT s.*, p.id AS product_id, w.id AS warehouse_id FROM stg_stock_movements s
           JOIN catalog.products p ON p.sku = s.sku JOIN inventory.warehouses w ON w.code = s.warehouse_code`,
      `INSERT INTO inventory.stock_movements (product_id, warehouse_id, kind, quantity, reference, external_key, note, occurred_at)
             SELECT product_id, warehouse_id, kind::inventory.stock_movement_kind, quantity::int, reference, external_key, note, occurred_at
               FROM s WHERE NOT EXISTS (SELECT 1 FROM inventory.stock_movements m WHERE m.external_key = s.external_key)
              ORDER BY occurred_at, _line`,
    ),
  );
}

/** Purchase orders, their lines and their receipts. */
async function writePurchasing(client: Q, run: Run): Promise<void> {
  const put = upserter(client, run);
  await put(
    'purchase_orders',
    'suppliers.purchase_orders',
    ['number'],
    [
      'supplier_id',
      'warehouse_id',
      'status',
      'currency',
      'ordered_at',
      'sent_at',
      'received_at',
      'cancelled_at',
    ],
    `SELECT s.number, x.id AS supplier_id, w.id AS warehouse_id, s.status::suppliers.purchase_order_status AS status, s.currency,
              s.ordered_at, s.sent_at, s.received_at, s.cancelled_at
         FROM stg_purchase_orders s JOIN suppliers.suppliers x ON x.code = s.supplier_code JOIN inventory.warehouses w ON w.code = s.warehouse_code`,
  );
  await put(
    'purchase_order_lines',
    'suppliers.purchase_order_lines',
    ['purchase_order_id', 'line_no'],
    ['product_id', 'quantity', 'unit_cost', 'expected_date'],
    `SELECT o.id AS purchase_order_id, s.line_no::int AS line_no, p.id AS product_id, s.quantity::int AS quantity,
              s.unit_cost::numeric(14,4) AS unit_cost, s.expected_date
         FROM stg_purchase_order_lines s JOIN suppliers.purchase_orders o ON o.number = s.po_number JOIN catalog.products p ON p.sku = s.sku`,
  );
  await run('purchase_receipts', async () => {
    // Append-only like the ledger: new receipts are inserted (lead time and on time computed as the
    // API computes them, UTC dates), then each line's received quantity is their sum.
    const counts = await appendNew(
      client,
      `
         SELECT s.*, l.id AS line_id, o.id AS po_id, l.expected_date, o.sent_at FROM stg_purchase_receipts s
           JOIN suppliers.purchase_orders o ON o.number = s.po_number
           JOIN suppliers.purchase_order_lines l ON l.purchase_order_id = o.id AND l.line_no = s.line_no::int`,
      `INSERT INTO suppliers.purchase_receipts (number, purchase_order_id, line_id, quantity, received_at, expected_date, lead_time_days, delay_days, on_time, delivery_note, stock_key)
             SELECT number, po_id, line_id, quantity::int, received_at, expected_date,
                    (received_at AT TIME ZONE 'UTC')::date - (coalesce(sent_at, received_at) AT TIME ZONE 'UTC')::date,
                    (received_at AT TIME ZONE 'UTC')::date - expected_date, (received_at AT TIME ZONE 'UTC')::date <= expected_date, delivery_note, number
               FROM s WHERE NOT EXISTS (SELECT 1 FROM suppliers.purchase_receipts r WHERE r.number = s.number AND r.line_id = s.line_id)
              ORDER BY received_at, _line`,
    );
    await client.query(
      `UPDATE suppliers.purchase_order_lines l SET received_quantity = r.q
         FROM (SELECT line_id, sum(quantity)::int AS q FROM suppliers.purchase_receipts GROUP BY line_id) r
        WHERE l.id = r.line_id AND l.received_quantity IS DISTINCT FROM r.q`,
    );
    return counts;
  });
}

/** Carriers, orders and their lines. */
async function writeSales(client: Q, run: Run): Promise<void> {
  const put = upserter(client, run);
  await put(
    'carriers',
    'sales.carriers',
    ['code'],
    ['name', 'phone'],
    `SELECT code, name, phone FROM stg_carriers`,
  );
  await put(
    'orders',
    'sales.orders',
    ['number'],
    [
      'kind',
      'status',
      'customer_id',
      'sales_rep_id',
      'warehouse_id',
      'currency',
      ...ORDER_TIMESTAMPS,
      'carrier_id',
      'ship_to_name',
      'ship_to_address',
      'ship_to_postal_code',
      'ship_to_city_id',
    ],
    `SELECT s.number, s.kind::sales.order_kind AS kind, s.status::sales.order_status AS status, c.id AS customer_id,
              u.id AS sales_rep_id, w.id AS warehouse_id, s.currency, s.ordered_at, s.confirmed_at, s.shipped_at,
              s.delivered_at, s.cancelled_at, k.id AS carrier_id, s.ship_to_name, s.ship_to_address, s.ship_to_postal_code,
              ci.id AS ship_to_city_id
         FROM stg_orders s JOIN customers.customers c ON c.code = s.customer_code
         JOIN inventory.warehouses w ON w.code = s.warehouse_code
         LEFT JOIN auth.users u ON u.email = s.sales_rep_email
         LEFT JOIN sales.carriers k ON k.code = s.carrier_code
         LEFT JOIN customers.regions r ON r.country_code = s.ship_to_country_code AND r.name = s.ship_to_region
         LEFT JOIN customers.cities ci ON ci.region_id = r.id AND ci.name = s.ship_to_city`,
  );
  await put(
    'order_lines',
    'sales.order_lines',
    ['order_id', 'line_no'],
    ['product_id', 'quantity', 'unit_price', 'discount', 'tax_rate', 'backordered_quantity'],
    `SELECT o.id AS order_id, s.line_no::int AS line_no, p.id AS product_id, s.quantity::int AS quantity,
              s.unit_price::numeric(12,2) AS unit_price, s.discount::numeric(5,4) AS discount,
              s.tax_rate::numeric(5,4) AS tax_rate, coalesce(s.backordered_quantity, 0)::int AS backordered_quantity
         FROM stg_order_lines s JOIN sales.orders o ON o.number = s.order_number
         JOIN catalog.products p ON p.sku = s.sku`,
  );
}

async function writeCategories(client: Q): Promise<EntityCounts> {
  // Two passes so a parent may come after its child: (code, name) first, then the parent links.
  const { rows } = await client.query<{ read: number; updated: string[]; inserted: string[] }>(
    `WITH s AS MATERIALIZED (SELECT code, name FROM stg_categories),
     u AS (UPDATE catalog.categories t SET name = s.name FROM s WHERE t.code = s.code AND t.name IS DISTINCT FROM s.name RETURNING t.code),
     i AS (INSERT INTO catalog.categories (code, name) SELECT code, name FROM s
           WHERE NOT EXISTS (SELECT 1 FROM catalog.categories t WHERE t.code = s.code) RETURNING code)
     SELECT (SELECT count(*) FROM s)::int AS read, coalesce((SELECT array_agg(code) FROM u), '{}') AS updated,
            coalesce((SELECT array_agg(code) FROM i), '{}') AS inserted`,
  );
  const r = rows[0]!;
  const parents = await client.query<{ code: string }>(
    `UPDATE catalog.categories t SET parent_id = p.id
       FROM stg_categories s LEFT JOIN catalog.categories p ON p.code = s.parent_code
      WHERE t.code = s.code AND t.parent_id IS DISTINCT FROM p.id RETURNING t.code`,
  );
  const inserted = new Set(r.inserted);
  const updated = new Set(r.updated);
  for (const { code } of parents.rows) if (!inserted.has(code)) updated.add(code);
  return {
    read: r.read,
    inserted: inserted.size,
    updated: updated.size,
    unchanged: r.read - inserted.size - updated.size,
  };
}

/** reserved = the quantities of CONFIRMED SALE orders' lines less their backorders, per (product, warehouse). */
async function writeReserved(client: Q, onIssue: (i: ImportIssue) => void): Promise<EntityCounts> {
  const want = `WITH r AS (SELECT l.product_id, o.warehouse_id, sum(l.quantity - l.backordered_quantity)::int AS q
                             FROM sales.order_lines l JOIN sales.orders o ON o.id = l.order_id
                            WHERE o.status = 'CONFIRMED' AND o.kind = 'SALE' GROUP BY 1, 2)`;
  const bad = await client.query<{ sku: string; warehouse: string; q: number; on_hand: number | null }>(
    `${want} SELECT p.sku, w.code AS warehouse, r.q, l.on_hand FROM r
       JOIN catalog.products p ON p.id = r.product_id JOIN inventory.warehouses w ON w.id = r.warehouse_id
       LEFT JOIN inventory.stock_levels l ON l.product_id = r.product_id AND l.warehouse_id = r.warehouse_id
      WHERE l.on_hand IS NULL OR r.q > l.on_hand ORDER BY 1, 2`,
  );
  for (const b of bad.rows)
    onIssue({
      file: 'orders',
      line: null,
      column: 'status',
      value: `${b.sku} @ ${b.warehouse}`,
      reason: `CONFIRMED orders reserve ${b.q} but only ${b.on_hand ?? 0} are on hand`,
    });
  if (bad.rows.length) return { read: 0, inserted: 0, updated: 0, unchanged: 0 };
  const { rows } = await client.query<{ read: number; updated: number }>(
    `${want},
     w AS (SELECT s.product_id, s.warehouse_id, coalesce(r.q, 0) AS q FROM inventory.stock_levels s
             LEFT JOIN r ON r.product_id = s.product_id AND r.warehouse_id = s.warehouse_id),
     u AS (UPDATE inventory.stock_levels s SET reserved = w.q FROM w
            WHERE s.product_id = w.product_id AND s.warehouse_id = w.warehouse_id AND s.reserved IS DISTINCT FROM w.q
            RETURNING 1)
     SELECT (SELECT count(*) FROM w)::int AS read, (SELECT count(*) FROM u)::int AS updated`,
  );
  // The catalog ships and releases stock by reservation (reference = order number): give every
  // CONFIRMED SALE order its ACTIVE reservation rows (with its order id), so the API can ship or cancel imported orders.
  await client.query(
    `INSERT INTO inventory.stock_reservations AS t (reference, order_id, product_id, warehouse_id, quantity, status)
     SELECT o.number, o.id, l.product_id, o.warehouse_id, sum(l.quantity - l.backordered_quantity)::int, 'ACTIVE'
       FROM sales.order_lines l JOIN sales.orders o ON o.id = l.order_id
      WHERE o.status = 'CONFIRMED' AND o.kind = 'SALE' GROUP BY 1, 2, 3, 4 HAVING sum(l.quantity - l.backordered_quantity) > 0
     ON CONFLICT (reference, product_id, warehouse_id) DO UPDATE SET quantity = EXCLUDED.quantity, order_id = EXCLUDED.order_id, status = 'ACTIVE'
      WHERE t.quantity IS DISTINCT FROM EXCLUDED.quantity OR t.order_id IS DISTINCT FROM EXCLUDED.order_id OR t.status IS DISTINCT FROM 'ACTIVE'`,
  );
  const r = rows[0]!;
  return { read: r.read, inserted: 0, updated: r.updated, unchanged: r.read - r.updated };
}
