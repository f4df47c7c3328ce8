import type pg from 'pg';
import { scopeCondition } from '@erp/semantic/model';
import type { OrderRecord } from '../anomaly/features';
import type { RfmRow } from '../rfm/compute';
import { histogram, mean, pearson, quantileSorted, sortedCopy, std, type Bin } from '../stats';

export interface Distribution {
  measure: string;
  n: number;
  mean: number;
  sd: number;
  min: number;
  p01: number;
  p05: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
  p99: number;
  max: number;
  scale: 'linear' | 'log1p';
  bins: Bin[];
  /** Values outside [Q1 − 1.5 IQR, Q3 + 1.5 IQR]. */
  outliers: { low: number; high: number; lowFence: number; highFence: number };
}

export interface EdaResult {
  distributions: Distribution[];
  correlations: { a: string; b: string; r: number; n: number }[];
  seasonality: {
    grain: 'month' | 'weekday';
    period: number;
    label: string;
    orders: number;
    revenue: string;
    share: number;
    index: number;
  }[];
  pareto: {
    entity: 'customer' | 'product';
    entities: number;
    top: number;
    topRevenue: string;
    totalRevenue: string;
    share: number | null;
  }[];
  quality: {
    kind: 'nulls' | 'duplicates' | 'outliers';
    table: string;
    column: string;
    rowsChecked: number;
    value: number;
    detail?: unknown;
  }[];
}

export function describe(
  measure: string,
  values: ArrayLike<number>,
  scale: 'linear' | 'log1p',
  bins = 20,
): Distribution {
  const s = sortedCopy(values);
  const q = (p: number) => quantileSorted(s, p);
  const q1 = q(0.25);
  const q3 = q(0.75);
  const lowFence = q1 - 1.5 * (q3 - q1);
  const highFence = q3 + 1.5 * (q3 - q1);
  let low = 0;
  let high = 0;
  for (const v of s) {
    if (v < lowFence) low++;
    else if (v > highFence) high++;
  }
  const m = mean(s);
  return {
    measure,
    n: s.length,
    mean: m,
    sd: std(s, m),
    min: s[0] ?? NaN,
    p01: q(0.01),
    p05: q(0.05),
    p25: q1,
    p50: q(0.5),
    p75: q3,
    p95: q(0.95),
    p99: q(0.99),
    max: s[s.length - 1] ?? NaN,
    scale,
    bins: histogram(scale === 'log1p' ? s.map((v) => Math.log1p(Math.max(0, v))) : s, bins),
    outliers: { low, high, lowFence, highFence },
  };
}

/**
 * Exploratory analysis: distributions (quantiles, 20 histogram bins, log1p scale for money and
 * units), Pearson correlations between order-level features, seasonality by month and ISO weekday,
 * Pareto shares of the top 20 % customers and products, and data quality (NULLs per fact column,
 * duplicated natural keys, IQR outliers).
 */
export async function computeEda(
  db: pg.Pool,
  orders: readonly OrderRecord[],
  rfm: readonly RfmRow[],
): Promise<EdaResult> {
  const amount = orders.map((o) => o.netAmount);
  const lines = orders.map((o) => o.lines);
  const units = orders.map((o) => o.units);
  const discount = orders.map((o) => o.avgDiscount);
  const revenue = rfm.map((r) => r.monetary);
  const distributions = [
    describe('order_amount', amount, 'log1p'),
    describe('order_lines', lines, 'linear'),
    describe('order_units', units, 'log1p'),
    describe('customer_revenue', revenue, 'log1p'),
  ];
  const feats: Record<string, number[]> = { amount, lines, units, avg_discount: discount };
  const names = Object.keys(feats);
  const correlations: EdaResult['correlations'] = [];
  for (let i = 0; i < names.length; i++)
    for (let j = i + 1; j < names.length; j++)
      correlations.push({
        a: names[i]!,
        b: names[j]!,
        r: pearson(feats[names[i]!]!, feats[names[j]!]!),
        n: orders.length,
      });

  const season = await db.query(`
    WITH o AS (
      SELECT d.month, d.month_name, d.weekday, d.weekday_name, f.order_id, k.kind, f.net_amount
      FROM dw.fact_sales f JOIN dw.dim_date d ON d.date_key = f.order_date_key
      JOIN dw.dim_order_status s ON s.status_key = f.status_key JOIN dw.dim_order_kind k ON k.kind_key = f.kind_key
      WHERE ${scopeCondition('BOOKED', 'FACT')})
    SELECT 'month' AS grain, month AS period, min(month_name) AS label, count(DISTINCT order_id) FILTER (WHERE kind = 'SALE')::int AS orders, sum(net_amount)::text AS revenue, sum(net_amount)::float8 AS r FROM o GROUP BY month
    UNION ALL
    SELECT 'weekday', weekday, min(weekday_name), count(DISTINCT order_id) FILTER (WHERE kind = 'SALE')::int, sum(net_amount)::text, sum(net_amount)::float8 FROM o GROUP BY weekday
    ORDER BY 1, 2`);
  const seasonality: EdaResult['seasonality'] = [];
  for (const grain of ['month', 'weekday'] as const) {
    const rows = season.rows.filter((r) => r.grain === grain);
    const total = rows.reduce((s, r) => s + r.r, 0);
    const avg = total / (rows.length || 1);
    for (const r of rows)
      seasonality.push({
        grain,
        period: r.period,
        label: r.label,
        orders: r.orders,
        revenue: r.revenue,
        share: total ? r.r / total : 0,
        index: avg ? r.r / avg : 0,
      });
  }

  const paretoRows = await db.query(`
    WITH base AS (
      SELECT c.customer_id, c.is_guest, p.product_id, f.net_amount
      FROM dw.fact_sales f JOIN dw.dim_customer c ON c.customer_key = f.customer_key
      JOIN dw.dim_product p ON p.product_key = f.product_key JOIN dw.dim_order_status s ON s.status_key = f.status_key
      WHERE ${scopeCondition('BOOKED', 'FACT')}),
    per AS (
      SELECT 'customer' AS entity, customer_id AS id, sum(net_amount) AS rev FROM base WHERE NOT is_guest GROUP BY customer_id
      UNION ALL SELECT 'product', product_id, sum(net_amount) FROM base GROUP BY product_id),
    ranked AS (SELECT entity, rev, row_number() OVER (PARTITION BY entity ORDER BY rev DESC, id) AS rn, count(*) OVER (PARTITION BY entity) AS n FROM per)
    SELECT entity, max(n)::int AS entities, ceil(max(n) * 0.2)::int AS top,
           coalesce(sum(rev) FILTER (WHERE rn <= ceil(n * 0.2)), 0)::text AS top_revenue, sum(rev)::text AS total_revenue,
           (sum(rev) FILTER (WHERE rn <= ceil(n * 0.2)) / nullif(sum(rev), 0))::float8 AS share
    FROM ranked GROUP BY entity ORDER BY entity`);
  const pareto: EdaResult['pareto'] = paretoRows.rows.map((r) => ({
    entity: r.entity,
    entities: r.entities,
    top: r.top,
    topRevenue: r.top_revenue,
    totalRevenue: r.total_revenue,
    share: r.share,
  }));

  const quality: EdaResult['quality'] = [];
  const cols = await db.query(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = 'dw' AND table_name = 'fact_sales' ORDER BY ordinal_position`,
  );
  const colNames: string[] = cols.rows.map((r) => r.column_name);
  const nulls = await db.query(
    `SELECT count(*)::bigint AS n, ${colNames.map((c, i) => `count(*) - count("${c}") AS c${i}`).join(', ')} FROM dw.fact_sales`,
  );
  const n = Number(nulls.rows[0].n);
  colNames.forEach((c, i) =>
    quality.push({
      kind: 'nulls',
      table: 'dw.fact_sales',
      column: c,
      rowsChecked: n,
      value: Number(nulls.rows[0][`c${i}`]),
    }),
  );
  const dups = await db.query(`
    SELECT 'dw.fact_sales' AS t, 'order_id,line_no' AS c, (SELECT count(*) FROM dw.fact_sales)::bigint AS checked,
           (SELECT count(*) FROM (SELECT 1 FROM dw.fact_sales GROUP BY order_id, line_no HAVING count(*) > 1) x)::bigint AS v
    UNION ALL
    SELECT 'dw.dim_customer', 'customer_id (current)', (SELECT count(*) FROM dw.dim_customer WHERE is_current)::bigint,
           (SELECT count(*) FROM (SELECT 1 FROM dw.dim_customer WHERE is_current GROUP BY customer_id HAVING count(*) > 1) x)::bigint
    UNION ALL
    SELECT 'dw.dim_product', 'product_id (current)', (SELECT count(*) FROM dw.dim_product WHERE is_current)::bigint,
           (SELECT count(*) FROM (SELECT 1 FROM dw.dim_product WHERE is_current GROUP BY product_id HAVING count(*) > 1) x)::bigint
    UNION ALL
    SELECT 'dw.fact_sales', 'order_number → order_id', (SELECT count(DISTINCT order_number) FROM dw.fact_sales)::bigint,
           (SELECT count(*) FROM (SELECT 1 FROM dw.fact_sales GROUP BY order_number HAVING count(DISTINCT order_id) > 1) x)::bigint`);
  for (const r of dups.rows)
    quality.push({
      kind: 'duplicates',
      table: r.t,
      column: r.c,
      rowsChecked: Number(r.checked),
      value: Number(r.v),
    });
  for (const d of distributions)
    quality.push({
      kind: 'outliers',
      table: d.measure === 'customer_revenue' ? 'customers' : 'orders',
      column: d.measure,
      rowsChecked: d.n,
      value: d.outliers.low + d.outliers.high,
      detail: d.outliers,
    });
  return { distributions, correlations, seasonality, pareto, quality };
}

const num = (v: number | null) => (v === null || !Number.isFinite(v) ? null : v);

export async function writeEda(tx: pg.PoolClient, runId: number, e: EdaResult): Promise<void> {
  for (const d of e.distributions) {
    await tx.query(
      `INSERT INTO mining.eda_distributions VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
      [
        runId,
        d.measure,
        d.n,
        num(d.mean),
        num(d.sd),
        num(d.min),
        num(d.p01),
        num(d.p05),
        num(d.p25),
        num(d.p50),
        num(d.p75),
        num(d.p95),
        num(d.p99),
        num(d.max),
      ],
    );
    await tx.query(
      `INSERT INTO mining.eda_histograms SELECT $1, $2, b.i - 1, b.lo, b.hi, b.c, $6 FROM unnest($3::float8[], $4::float8[], $5::int[]) WITH ORDINALITY AS b(lo, hi, c, i)`,
      [
        runId,
        d.measure,
        d.bins.map((b) => b.lower),
        d.bins.map((b) => b.upper),
        d.bins.map((b) => b.count),
        d.scale,
      ],
    );
  }
  const insertAll = async (table: string, rows: unknown[][]) => {
    for (const row of rows)
      await tx.query(`INSERT INTO mining.${table} VALUES (${row.map((_, i) => `$${i + 1}`).join(',')})`, row);
  };
  await insertAll(
    'eda_correlations',
    e.correlations.map((c) => [runId, c.a, c.b, num(c.r), c.n]),
  );
  await insertAll(
    'eda_seasonality',
    e.seasonality.map((s) => [runId, s.grain, s.period, s.label, s.orders, s.revenue, s.share, s.index]),
  );
  await insertAll(
    'eda_pareto',
    e.pareto.map((p) => [runId, p.entity, p.entities, p.top, p.topRevenue, p.totalRevenue, p.share]),
  );
  const detail = (q: EdaResult['quality'][number]) =>
    q.detail === undefined ? null : JSON.stringify(q.detail);
  await insertAll(
    'eda_quality',
    e.quality.map((q) => [runId, q.kind, q.table, q.column, q.rowsChecked, q.value, detail(q)]),
  );
}
