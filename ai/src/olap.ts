import type pg from 'pg';
import { z } from 'zod';
import { ValidationError } from '@erp/kit';
import { comparedRange, type DateRange } from './periods';

/**
 * OLAP-style queries, in the shape of the analytics subgraph's `olap(query)`: measure and level
 * names of its semantic model (@erp/semantic), a date range, member
 * filters, an optional comparison, an order and a limit. This module holds the whitelist the AI
 * features may use (a subset of that model) and a direct SQL runner on the dw schema; the analytics
 * olap service can replace the runner later through the `OlapRunner` interface.
 *
 * Every identifier and expression comes from the whitelist below, never from the query: members,
 * dates and limits travel as bound parameters only. Every statement is a SELECT run in a READ ONLY
 * transaction, so nothing a model writes can ever change the warehouse.
 */

type Fact = 'sales' | 'inventory' | 'supplier';

interface MeasureSpec {
  fact: Fact;
  unit: string;
  /** SQL over the row set (aliases below); for inventory over the `inv` CTE. */
  sql: string;
}

/** Revenue counts booked orders: lines of orders neither DRAFT nor CANCELLED, returns subtracting. */
export const BOOKED_STATUSES = ['CONFIRMED', 'SHIPPED', 'DELIVERED'];

export const MEASURES: Record<string, MeasureSpec> = {
  revenue: { fact: 'sales', unit: 'EUR', sql: 'SUM(f.net_amount)' },
  grossMargin: { fact: 'sales', unit: 'EUR', sql: 'SUM(f.net_amount - f.cost_amount)' },
  marginPct: {
    fact: 'sales',
    unit: '%',
    sql: 'round(100 * SUM(f.net_amount - f.cost_amount) / NULLIF(SUM(CASE WHEN f.cost_amount IS NOT NULL THEN f.net_amount END), 0), 2)',
  },
  units: { fact: 'sales', unit: 'units', sql: 'SUM(f.quantity)' },
  orders: { fact: 'sales', unit: 'orders', sql: 'COUNT(DISTINCT f.order_id)' },
  averageBasket: { fact: 'sales', unit: 'EUR', sql: 'round(SUM(f.net_amount) / NULLIF(COUNT(DISTINCT f.order_id), 0), 2)' },
  customers: { fact: 'sales', unit: 'customers', sql: 'COUNT(DISTINCT c.customer_id)' },
  stockOnHand: { fact: 'inventory', unit: 'units', sql: 'SUM(inv.on_hand)' },
  stockAvailable: { fact: 'inventory', unit: 'units', sql: 'SUM(inv.available)' },
  stockValue: { fact: 'inventory', unit: 'EUR', sql: 'SUM(inv.stock_value)' },
  daysOfCover: { fact: 'inventory', unit: 'days', sql: 'round(SUM(inv.on_hand) / NULLIF(SUM(inv.sold90) / 90.0, 0), 1)' },
  supplierDeliveries: { fact: 'supplier', unit: 'deliveries', sql: 'SUM(e.deliveries)' },
  supplierOnTimeRate: { fact: 'supplier', unit: '%', sql: 'round(100.0 * SUM(e.on_time_deliveries) / NULLIF(SUM(e.deliveries), 0), 2)' },
};

interface LevelSpec {
  facts: Fact[];
  key: string;
  label: string;
  /** Names a customer: pseudonymised before any prompt leaves for an external provider. */
  personal?: boolean;
}

// For inventory the level expressions read the `inv` CTE, which carries the same columns.
export const LEVELS: Record<string, LevelSpec & { inv?: { key: string; label: string } }> = {
  'date.year': { facts: ['sales', 'supplier'], key: 'd.year::text', label: 'd.year::text' },
  'date.quarter': { facts: ['sales', 'supplier'], key: `d.year || '-Q' || d.quarter`, label: `d.year || '-Q' || d.quarter` },
  'date.month': { facts: ['sales', 'supplier'], key: 'd.year_month', label: 'd.year_month' },
  'product.root': {
    facts: ['sales', 'inventory'],
    key: `COALESCE(cat.root_code, '(none)')`,
    label: `COALESCE(cat.root_name, 'No category')`,
    inv: { key: 'inv.root_code', label: 'inv.root_name' },
  },
  'product.category': {
    facts: ['sales', 'inventory'],
    key: `COALESCE(cat.code, '(none)')`,
    label: `COALESCE(cat.name, 'No category')`,
    inv: { key: 'inv.category_code', label: 'inv.category_name' },
  },
  'product.product': { facts: ['sales', 'inventory'], key: 'p.sku', label: 'p.name', inv: { key: 'inv.sku', label: 'inv.product_name' } },
  'geography.country': { facts: ['sales'], key: 'g.country_code', label: 'g.country_name' },
  'geography.region': { facts: ['sales'], key: 'g.region', label: 'g.region' },
  'geography.city': { facts: ['sales'], key: 'g.city', label: 'g.city' },
  'geography.customer': { facts: ['sales'], key: 'c.code', label: 'c.name', personal: true },
  'segment.segment': { facts: ['sales'], key: 'c.segment', label: 'c.segment' },
  'warehouse.warehouse': { facts: ['sales', 'inventory'], key: 'w.code', label: 'w.name', inv: { key: 'inv.warehouse_code', label: 'inv.warehouse_name' } },
  'supplier.supplier': { facts: ['supplier'], key: 'sup.code', label: 'sup.name' },
  'orderStatus.status': { facts: ['sales'], key: 's.status', label: 's.status' },
  'orderKind.kind': { facts: ['sales'], key: 'k.kind', label: 'k.kind' },
};

const SALES_FROM = `dw.fact_sales f
  JOIN dw.dim_date d ON d.date_key = f.order_date_key
  JOIN dw.dim_product p ON p.product_key = f.product_key
  LEFT JOIN dw.dim_category cat ON cat.category_key = p.category_key
  JOIN dw.dim_customer c ON c.customer_key = f.customer_key
  JOIN dw.dim_geography g ON g.geography_key = f.geography_key
  JOIN dw.dim_warehouse w ON w.warehouse_key = f.warehouse_key
  JOIN dw.dim_order_status s ON s.status_key = f.status_key
  JOIN dw.dim_order_kind k ON k.kind_key = f.kind_key`;
const SUPPLIER_FROM = `dw.fact_supplier_evaluation e
  JOIN dw.dim_date d ON d.date_key = e.month_date_key
  JOIN dw.dim_supplier sup ON sup.supplier_key = e.supplier_key`;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** The query shape (validated before anything runs: names must be in the whitelist). */
export const olapQuerySchema = z
  .object({
    measures: z.array(z.string()).min(1).max(4),
    dimensions: z.array(z.string()).max(2).default([]),
    filters: z.array(z.object({ level: z.string(), members: z.array(z.string().max(100)).min(1).max(50) })).max(5).default([]),
    range: z.object({ from: isoDate, to: isoDate }).optional(),
    compare: z.enum(['PREVIOUS_PERIOD', 'YEAR_AGO']).optional(),
    order: z.object({ by: z.string(), direction: z.enum(['ASC', 'DESC']) }).optional(),
    limit: z.number().int().min(1).max(100).default(100),
  })
  .strict();
export type OlapQuery = z.input<typeof olapQuerySchema>;
export type ValidOlapQuery = z.output<typeof olapQuerySchema>;

export interface OlapRow {
  members: Record<string, { key: string; label: string }>;
  values: Record<string, number | null>;
  compared?: Record<string, number | null>;
}

export interface SqlText {
  text: string;
  values: unknown[];
}

export interface OlapResult {
  query: ValidOlapQuery;
  /** The compared window when `compare` was given. */
  comparedRange?: DateRange;
  units: Record<string, string>;
  rows: OlapRow[];
  totals: Record<string, number | null>;
  sql: SqlText[];
}

/** What runs OLAP queries: the direct SQL runner below, or later the analytics subgraph's service. */
export interface OlapRunner {
  run(query: OlapQuery): Promise<OlapResult>;
}

/** Validates a query against the whitelist; throws ValidationError naming what is wrong. */
export function validateOlapQuery(input: unknown): ValidOlapQuery & { fact: Fact } {
  const parsed = olapQuerySchema.safeParse(input);
  if (!parsed.success) throw new ValidationError('query', input, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const q = parsed.data;
  const facts = new Set<Fact>();
  for (const m of q.measures) {
    const spec = MEASURES[m];
    if (!spec) throw new ValidationError('measures', m, `unknown measure (known: ${Object.keys(MEASURES).join(', ')})`);
    facts.add(spec.fact);
  }
  if (facts.size !== 1) throw new ValidationError('measures', q.measures, 'measures must come from one fact');
  const fact = [...facts][0]!;
  for (const l of [...q.dimensions, ...q.filters.map((f) => f.level)]) {
    const spec = LEVELS[l];
    if (!spec) throw new ValidationError('dimensions', l, `unknown level (known: ${Object.keys(LEVELS).join(', ')})`);
    if (!spec.facts.includes(fact)) throw new ValidationError('dimensions', l, `level not available for the ${fact} fact`);
  }
  if (q.order && !q.measures.includes(q.order.by) && !q.dimensions.includes(q.order.by))
    throw new ValidationError('order.by', q.order.by, 'must be one of the query measures or dimensions');
  if (q.range && q.range.from > q.range.to) throw new ValidationError('range', q.range, 'from is after to');
  if (fact === 'inventory' && q.compare) throw new ValidationError('compare', q.compare, 'stock measures are read at the last snapshot: no comparison');
  return { ...q, fact };
}

class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** Builds the SELECT for one window (the comparison runs the same statement on its window). */
export function buildOlapSql(q: ValidOlapQuery & { fact: Fact }, range: DateRange | undefined, shaped: boolean): SqlText {
  const params = new Params();
  const lvl = (name: string) => {
    const l = LEVELS[name]!;
    return q.fact === 'inventory' ? (l.inv ?? l) : l;
  };
  const keys = q.dimensions.map((n, i) => `${lvl(n).key} AS k${i}, ${lvl(n).label} AS l${i}`);
  const measures = q.measures.map((m, i) => `${MEASURES[m]!.sql} AS m${i}`);
  const conds: string[] = [];
  for (const f of q.filters) conds.push(`(${lvl(f.level).key}) = ANY(${params.add(f.members)}::text[])`);
  let cte = '';
  let from: string;
  if (q.fact === 'sales') {
    from = SALES_FROM;
    if (range) conds.push(`d.full_date BETWEEN ${params.add(range.from)}::date AND ${params.add(range.to)}::date`);
  } else if (q.fact === 'supplier') {
    from = SUPPLIER_FROM;
    if (range) conds.push(`d.full_date BETWEEN ${params.add(range.from)}::date AND ${params.add(range.to)}::date`);
  } else {
    // The last snapshot on or before the range's end; units sold in the 90 days up to it per product × warehouse.
    const snap = range
      ? `(SELECT max(x.snapshot_date_key) FROM dw.fact_inventory_snapshot x WHERE x.snapshot_date_key <= to_char(${params.add(range.to)}::date, 'YYYYMMDD')::int)`
      : '(SELECT max(x.snapshot_date_key) FROM dw.fact_inventory_snapshot x)';
    cte = `WITH snap AS (SELECT sd.date_key, sd.full_date FROM dw.dim_date sd WHERE sd.date_key = ${snap}),
sold AS (
  SELECT p.product_id, w.warehouse_id, SUM(f.quantity) AS units
  FROM dw.fact_sales f JOIN dw.dim_date d ON d.date_key = f.order_date_key JOIN dw.dim_product p ON p.product_key = f.product_key
    JOIN dw.dim_warehouse w ON w.warehouse_key = f.warehouse_key JOIN dw.dim_order_status s ON s.status_key = f.status_key, snap
  WHERE d.full_date > snap.full_date - 90 AND d.full_date <= snap.full_date AND s.status NOT IN ('DRAFT', 'CANCELLED')
  GROUP BY 1, 2
),
inv AS (
  SELECT i.on_hand, i.available, i.stock_value, COALESCE(sold.units, 0) AS sold90, p.sku, p.name AS product_name,
         COALESCE(cat.code, '(none)') AS category_code, COALESCE(cat.name, 'No category') AS category_name,
         COALESCE(cat.root_code, '(none)') AS root_code, COALESCE(cat.root_name, 'No category') AS root_name,
         w.code AS warehouse_code, w.name AS warehouse_name
  FROM dw.fact_inventory_snapshot i JOIN snap ON snap.date_key = i.snapshot_date_key
    JOIN dw.dim_product p ON p.product_key = i.product_key LEFT JOIN dw.dim_category cat ON cat.category_key = p.category_key
    JOIN dw.dim_warehouse w ON w.warehouse_key = i.warehouse_key
    LEFT JOIN sold ON sold.product_id = i.product_id AND sold.warehouse_id = i.warehouse_id
)
`;
    from = 'inv';
  }
  const group = q.dimensions.length ? `GROUP BY ${q.dimensions.flatMap((_d, i) => [`k${i}`, `l${i}`]).join(', ')}` : '';
  let tail = '';
  if (shaped && q.dimensions.length) {
    const order: string[] = [];
    if (q.order) {
      const mi = q.measures.indexOf(q.order.by);
      order.push(`${mi >= 0 ? `m${mi}` : `k${q.dimensions.indexOf(q.order.by)}`} ${q.order.direction} NULLS LAST`);
    }
    order.push(...q.dimensions.map((_d, i) => `k${i} ASC`));
    tail = `ORDER BY ${order.join(', ')} LIMIT ${params.add(q.limit)}::int`;
  }
  const where = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
  const text = `${cte}SELECT ${[...keys, ...measures].join(', ')}\nFROM ${from}\n${where}\n${group}\n${tail}`.trim();
  return { text, values: params.values };
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * The direct runner: the whitelisted SQL on the dw schema, read-only. `restrict` may rewrite each
 * statement before it runs (the analytics subgraph adds a SALES user's row-level condition there).
 */
export class SqlOlapRunner implements OlapRunner {
  constructor(
    private readonly pool: pg.Pool,
    private readonly restrict: (s: SqlText) => SqlText = (s) => s,
  ) {}

  async run(input: OlapQuery): Promise<OlapResult> {
    const q = validateOlapQuery(input);
    const compared = q.compare && q.range ? comparedRange(q.range, q.compare) : undefined;
    const main = buildOlapSql(q, q.range, true);
    const total = buildOlapSql({ ...q, dimensions: [] }, q.range, false);
    const cmp = compared ? buildOlapSql(q, compared, false) : undefined;
    const statements = [main, total, ...(cmp ? [cmp] : [])].map(this.restrict);
    const client = await this.pool.connect();
    let results: pg.QueryResult[];
    try {
      await client.query('BEGIN READ ONLY');
      results = [];
      for (const s of statements) results.push(await client.query(s.text, s.values));
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    const keyOf = (r: Record<string, unknown>) => q.dimensions.map((_d, i) => String(r[`k${i}`])).join('\u0000');
    const cmpByKey = new Map((results[2]?.rows ?? []).map((r) => [keyOf(r), r]));
    const rows: OlapRow[] = results[0]!.rows.map((r) => {
      const c = cmpByKey.get(keyOf(r));
      return {
        members: Object.fromEntries(q.dimensions.map((d, i) => [d, { key: String(r[`k${i}`]), label: String(r[`l${i}`]) }])),
        values: Object.fromEntries(q.measures.map((m, i) => [m, num(r[`m${i}`])])),
        ...(compared ? { compared: Object.fromEntries(q.measures.map((m, i) => [m, c ? num(c[`m${i}`]) : null])) } : {}),
      };
    });
    const t = results[1]!.rows[0] ?? {};
    const { fact: _fact, ...query } = q;
    return {
      query,
      ...(compared ? { comparedRange: compared } : {}),
      units: Object.fromEntries(q.measures.map((m) => [m, MEASURES[m]!.unit])),
      rows,
      totals: Object.fromEntries(q.measures.map((m, i) => [m, num(t[`m${i}`])])),
      sql: statements,
    };
  }
}
