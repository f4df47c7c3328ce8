import type pg from 'pg';

export interface CheckResult {
  name: string;
  /** What a row found by this check means, in words. */
  meaning: string;
  count: number;
  /** A few of the rows found (ids, numbers). */
  examples: string[];
}

/**
 * Dangling rows across domains, which no foreign key can forbid (each domain owns its tables and
 * refers to the others' by id): the operator's check, read-only. Each query returns the rows found
 * (first 5 as examples) and how many there are.
 */
const CHECKS: { name: string; meaning: string; sql: string }[] = [
  {
    name: 'orders.customer',
    meaning: 'orders whose customer does not exist',
    sql: `SELECT o.number AS example FROM sales.orders o WHERE NOT EXISTS (SELECT 1 FROM customers.customers c WHERE c.id = o.customer_id)`,
  },
  {
    name: 'orders.warehouse',
    meaning: 'orders whose warehouse does not exist',
    sql: `SELECT o.number AS example FROM sales.orders o WHERE NOT EXISTS (SELECT 1 FROM inventory.warehouses w WHERE w.id = o.warehouse_id)`,
  },
  {
    name: 'orders.salesRep',
    meaning: 'orders assigned to a user who does not exist',
    sql: `SELECT o.number AS example FROM sales.orders o WHERE o.sales_rep_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM auth.users u WHERE u.id = o.sales_rep_id)`,
  },
  {
    name: 'orderLines.product',
    meaning: 'order lines whose product does not exist',
    sql: `SELECT o.number || ' line ' || l.line_no AS example FROM sales.order_lines l JOIN sales.orders o ON o.id = l.order_id
          WHERE NOT EXISTS (SELECT 1 FROM catalog.products p WHERE p.id = l.product_id)`,
  },
  {
    name: 'customers.salesRep',
    meaning: 'customers assigned to a user who does not exist',
    sql: `SELECT c.code AS example FROM customers.customers c WHERE c.sales_rep_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM auth.users u WHERE u.id = c.sales_rep_id)`,
  },
  {
    name: 'reservations.liveOrder',
    meaning: 'active stock reservations with no confirmed order behind them (the sweeper releases them)',
    sql: `SELECT DISTINCT r.reference AS example FROM inventory.stock_reservations r LEFT JOIN sales.orders o ON o.id = r.order_id
          WHERE r.status = 'ACTIVE' AND o.status IS DISTINCT FROM 'CONFIRMED'`,
  },
  {
    name: 'stock.reserved',
    meaning: 'stock levels whose reserved units differ from their active reservations',
    sql: `SELECT s.product_id || '@' || s.warehouse_id AS example FROM inventory.stock_levels s
          WHERE s.reserved <> (SELECT coalesce(sum(r.quantity), 0) FROM inventory.stock_reservations r
                               WHERE r.product_id = s.product_id AND r.warehouse_id = s.warehouse_id AND r.status = 'ACTIVE')`,
  },
  {
    name: 'stock.ledger',
    meaning: 'stock levels whose units on hand differ from their movement ledger',
    sql: `SELECT s.product_id || '@' || s.warehouse_id AS example FROM inventory.stock_levels s
          WHERE s.on_hand <> (SELECT coalesce(sum(m.quantity), 0) FROM inventory.stock_movements m
                              WHERE m.product_id = s.product_id AND m.warehouse_id = s.warehouse_id)`,
  },
];

export async function checkDatabase(pool: pg.Pool): Promise<CheckResult[]> {
  return Promise.all(
    CHECKS.map(async (c) => {
      const { rows } = await pool.query<{ example: string; total: number }>(
        `SELECT example, count(*) OVER ()::int AS total FROM (${c.sql}) x ORDER BY example LIMIT 5`,
      );
      return {
        name: c.name,
        meaning: c.meaning,
        count: rows[0]?.total ?? 0,
        examples: rows.map((r) => String(r.example)),
      };
    }),
  );
}
