import type pg from 'pg';
import { BOOKED_STATUSES, type OlapQuery, type SqlText } from './olap';
import { addMonths, monthEnd, monthsOf, parsePeriod, type Period } from './periods';
import { impactScore, pctChange, round1, round2, type Driver, type Fact, type RecordRef } from './facts';

/**
 * The insight engine: facts computed from the warehouse (and the mining tables when they are there),
 * deterministically, with bound parameters only. No language model is involved here.
 */

export interface InsightOptions {
  /** YYYY-MM, YYYY-Qn or YYYY; default: the month of the latest sale. */
  period?: string;
  /** Top-N customers for the concentration fact (default 5). */
  topN?: number;
  /** Safety stock in days of demand, for the stock-out risk (default 7). */
  safetyDays?: number;
  /** Lead time when neither the supply nor the supplier has one (default 14 days). */
  defaultLeadTimeDays?: number;
  /** |z| over which an order is unusual (default 3). */
  zThreshold?: number;
  /** A drop of at least this many points of on-time rate is a deterioration (default 5). */
  supplierDropPoints?: number;
}

export interface Insights {
  period: Period;
  revenue: number;
  facts: Fact[];
  /** What was looked at and what was not (e.g. no mining tables). */
  notes: string[];
}

export const DEFAULT_LEAD_TIME_DAYS = 14;
export const DEFAULT_SAFETY_DAYS = 7;
const RISKY_SEGMENTS = ['At Risk', 'Cannot Lose', 'Hibernating', 'Lost'];

type Q = (sql: SqlText) => Promise<Record<string, unknown>[]>;
const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const cents = (v: unknown) => Math.round(n(v) * 100);

const SALES_FROM = `dw.fact_sales f
  JOIN dw.dim_date d ON d.date_key = f.order_date_key
  JOIN dw.dim_product p ON p.product_key = f.product_key
  LEFT JOIN dw.dim_category cat ON cat.category_key = p.category_key
  JOIN dw.dim_customer c ON c.customer_key = f.customer_key
  JOIN dw.dim_geography g ON g.geography_key = f.geography_key
  JOIN dw.dim_order_status s ON s.status_key = f.status_key
  JOIN dw.dim_order_kind k ON k.kind_key = f.kind_key`;
const BOOKED_FILTER = { level: 'orderStatus.status', members: BOOKED_STATUSES };

/** The month of the latest sale, or the current month on an empty warehouse. */
export async function latestPeriod(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query(`SELECT to_char(max(d.full_date), 'YYYY-MM') AS m FROM dw.fact_sales f JOIN dw.dim_date d ON d.date_key = f.order_date_key`);
  return (rows[0]?.m as string | null) ?? new Date().toISOString().slice(0, 7);
}

export async function computeInsights(pool: pg.Pool, opts: InsightOptions = {}): Promise<Insights> {
  const period = parsePeriod(opts.period ?? (await latestPeriod(pool)));
  const client = await pool.connect();
  try {
    await client.query('BEGIN READ ONLY ISOLATION LEVEL REPEATABLE READ');
    const q: Q = async (s) => (await client.query(s.text, s.values)).rows;
    const notes: string[] = [];
    const ctx = { q, period, opts, notes, revenue: 0 };
    const change = await revenueChange(ctx);
    ctx.revenue = change.revenue;
    const facts: Fact[] = [
      ...change.facts,
      ...(await trendBreaks(ctx)),
      ...(await concentration(ctx)),
      ...(await unusualOrders(ctx)),
      ...(await stockoutRisks(ctx)),
      ...(await rfmMovements(ctx)),
      ...(await supplierDeterioration(ctx)),
    ];
    await client.query('COMMIT');
    for (const f of facts) f.impact = impactScore(f.atStakeEur, ctx.revenue);
    facts.sort((a, b) => b.impact - a.impact || Math.abs(b.atStakeEur) - Math.abs(a.atStakeEur) || a.id.localeCompare(b.id));
    return { period, revenue: ctx.revenue, facts, notes };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

interface Ctx {
  q: Q;
  period: Period;
  opts: InsightOptions;
  notes: string[];
  revenue: number;
}

// ------------------------------------------------------------------------------------------------
// Period over period, with the drivers of the change by category, country and customer.

const DRIVER_DIMENSIONS = [
  { name: 'category', level: 'product.category', key: `COALESCE(cat.code, '(none)')`, label: `COALESCE(cat.name, 'No category')`, id: 'NULL::int' },
  { name: 'country', level: 'geography.country', key: 'g.country_code', label: 'g.country_name', id: 'NULL::int' },
  { name: 'customer', level: 'geography.customer', key: 'c.code', label: 'c.name', id: 'c.customer_id' },
] as const;

function changeSql(p: Period, dim?: (typeof DRIVER_DIMENSIONS)[number]): SqlText {
  const sel = dim ? `${dim.key} AS key, ${dim.label} AS label, ${dim.id} AS id,` : '';
  const text = `SELECT ${sel}
  SUM(CASE WHEN d.full_date >= $2::date THEN f.net_amount ELSE 0 END) AS cur,
  SUM(CASE WHEN d.full_date < $2::date THEN f.net_amount ELSE 0 END) AS prev,
  SUM(CASE WHEN d.full_date >= $2::date THEN f.net_amount - f.cost_amount ELSE 0 END) AS cur_margin,
  SUM(CASE WHEN d.full_date < $2::date THEN f.net_amount - f.cost_amount ELSE 0 END) AS prev_margin
FROM ${SALES_FROM}
WHERE s.status = ANY($1::text[]) AND d.full_date BETWEEN $3::date AND $4::date
${dim ? `GROUP BY 1, 2, 3` : ''}`;
  return { text, values: [BOOKED_STATUSES, p.range.from, p.previous.from, p.range.to] };
}

async function revenueChange(ctx: Ctx): Promise<{ revenue: number; facts: Fact[] }> {
  const { period: p } = ctx;
  const totalSql = changeSql(p);
  const t = (await ctx.q(totalSql))[0] ?? {};
  const cur = cents(t.cur) / 100;
  const prev = cents(t.prev) / 100;
  const delta = (cents(t.cur) - cents(t.prev)) / 100;
  const drivers: Record<string, Driver[]> = {};
  const driverSql: Record<string, SqlText> = {};
  for (const dim of DRIVER_DIMENSIONS) {
    driverSql[dim.name] = changeSql(p, dim);
    const rows = await ctx.q(driverSql[dim.name]!);
    drivers[dim.name] = rows
      .map((r) => {
        const contribution = (cents(r.cur) - cents(r.prev)) / 100;
        return {
          key: String(r.key),
          label: String(r.label),
          current: cents(r.cur) / 100,
          previous: cents(r.prev) / 100,
          contribution,
          sharePct: delta ? round1((100 * contribution) / delta) : null,
          ...(r.id !== null ? { id: Number(r.id) } : {}),
        };
      })
      .filter((d) => d.contribution !== 0 || d.current !== 0)
      .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.key.localeCompare(b.key));
  }
  const olap: OlapQuery = {
    measures: ['revenue', 'grossMargin'],
    dimensions: [],
    filters: [BOOKED_FILTER],
    range: p.range,
    compare: 'PREVIOUS_PERIOD',
  };
  const facts: Fact[] = [];
  if (cur !== 0 || prev !== 0) {
    facts.push({
      id: 'revenue-change',
      kind: 'revenue-change',
      subject: { type: 'company' },
      value: cur,
      comparison: prev,
      delta,
      deltaPct: pctChange(cur, prev),
      unit: 'EUR',
      period: p.range,
      comparisonPeriod: p.previous,
      details: {
        drivers,
        driverQueries: Object.fromEntries(
          DRIVER_DIMENSIONS.map((dim) => [dim.name, { olap: { ...olap, measures: ['revenue'], dimensions: [dim.level] }, sql: driverSql[dim.name] }]),
        ),
      },
      query: { olap, sql: totalSql },
      atStakeEur: delta,
      impact: 0,
    });
    const m = cents(t.cur_margin) / 100;
    const pm = cents(t.prev_margin) / 100;
    facts.push({
      id: 'margin-change',
      kind: 'margin-change',
      subject: { type: 'company' },
      value: m,
      comparison: pm,
      delta: round2(m - pm),
      deltaPct: pctChange(m, pm),
      unit: 'EUR',
      period: p.range,
      comparisonPeriod: p.previous,
      details: { marginPct: cur ? round1((100 * m) / cur) : null, previousMarginPct: prev ? round1((100 * pm) / prev) : null },
      query: { olap: { ...olap, measures: ['grossMargin'] }, sql: totalSql },
      atStakeEur: m - pm,
      impact: 0,
    });
  }
  return { revenue: cur, facts };
}

// ------------------------------------------------------------------------------------------------
// Trend breaks: a month deviating more than 2σ from the linear trend of the 6 months before it.

/** Least squares on t = 0..n-1; returns the prediction for t = n and the residual σ (n − 2 dof). */
export function trendForecast(ys: number[]): { predicted: number; sigma: number } {
  const k = ys.length;
  const tm = (k - 1) / 2;
  const ym = ys.reduce((a, b) => a + b, 0) / k;
  let sxy = 0;
  let sxx = 0;
  ys.forEach((y, t) => {
    sxy += (t - tm) * (y - ym);
    sxx += (t - tm) ** 2;
  });
  const slope = sxx ? sxy / sxx : 0;
  const at = (t: number) => ym + slope * (t - tm);
  const sse = ys.reduce((a, y, t) => a + (y - at(t)) ** 2, 0);
  // A σ floor of 1 % of the mean level keeps a perfectly straight history from flagging cents.
  const sigma = Math.max(Math.sqrt(sse / Math.max(k - 2, 1)), Math.abs(ym) * 0.01, 0.01);
  return { predicted: at(k), sigma };
}

async function trendBreaks(ctx: Ctx): Promise<Fact[]> {
  const { period: p } = ctx;
  const from = addMonths(p.range.from, -6);
  const sql: SqlText = {
    text: `SELECT d.year_month AS month, SUM(f.net_amount) AS revenue
FROM ${SALES_FROM}
WHERE s.status = ANY($1::text[]) AND d.full_date BETWEEN $2::date AND $3::date
GROUP BY 1 ORDER BY 1`,
    values: [BOOKED_STATUSES, from, p.range.to],
  };
  const rows = await ctx.q(sql);
  const bounds = (await ctx.q({ text: `SELECT min(d.year_month) AS m, max(d.year_month) AS last FROM dw.fact_sales f JOIN dw.dim_date d ON d.date_key = f.order_date_key`, values: [] }))[0];
  const first = (bounds?.m ?? null) as string | null;
  // Months after the last sale have no data yet: an empty month there is not a break.
  const last = (bounds?.last ?? null) as string | null;
  const byMonth = new Map(rows.map((r) => [String(r.month), cents(r.revenue) / 100]));
  const months = monthsOf({ from, to: p.range.to });
  const facts: Fact[] = [];
  for (let i = 6; i < months.length; i++) {
    const trailing = months.slice(i - 6, i);
    if (!first || trailing[0]! < first) continue; // not 6 months of history yet
    if (last && months[i]! > last) continue;
    const ys = trailing.map((m) => byMonth.get(m) ?? 0);
    const { predicted, sigma } = trendForecast(ys);
    const actual = byMonth.get(months[i]!) ?? 0;
    const z = (actual - predicted) / sigma;
    if (Math.abs(z) <= 2) continue;
    const month = months[i]!;
    facts.push({
      id: `trend-break:${month}`,
      kind: 'trend-break',
      subject: { type: 'company' },
      value: actual,
      comparison: round2(predicted),
      delta: round2(actual - predicted),
      deltaPct: pctChange(actual, predicted),
      unit: 'EUR',
      period: { from: `${month}-01`, to: monthEnd(`${month}-01`) },
      details: { month, sigma: round2(sigma), z: round2(z), trailing: trailing.map((m, j) => ({ month: m, revenue: ys[j] })) },
      query: {
        olap: { measures: ['revenue'], dimensions: ['date.month'], filters: [BOOKED_FILTER], range: { from, to: p.range.to }, order: { by: 'date.month', direction: 'ASC' } },
        sql,
      },
      atStakeEur: actual - predicted,
      impact: 0,
    });
  }
  return facts;
}

// ------------------------------------------------------------------------------------------------
// Concentration risk: the top-N customers' share of revenue and the HHI over customers.

async function concentration(ctx: Ctx): Promise<Fact[]> {
  const { period: p } = ctx;
  const topN = ctx.opts.topN ?? 5;
  const sql: SqlText = {
    text: `SELECT c.customer_id AS id, max(c.code) AS code, max(c.name) AS name,
  SUM(CASE WHEN d.full_date >= $2::date THEN f.net_amount ELSE 0 END) AS cur,
  SUM(CASE WHEN d.full_date < $2::date THEN f.net_amount ELSE 0 END) AS prev
FROM ${SALES_FROM}
WHERE s.status = ANY($1::text[]) AND d.full_date BETWEEN $3::date AND $4::date
GROUP BY c.customer_id`,
    values: [BOOKED_STATUSES, p.range.from, p.previous.from, p.range.to],
  };
  const rows = await ctx.q(sql);
  const stats = (col: 'cur' | 'prev') => {
    // Shares over customers with a positive net revenue (a customer with only returns has no share).
    const list = rows.map((r) => ({ id: Number(r.id), code: String(r.code), name: String(r.name), revenue: cents(r[col]) / 100 })).filter((r) => r.revenue > 0);
    list.sort((a, b) => b.revenue - a.revenue || a.id - b.id);
    const total = list.reduce((a, r) => a + r.revenue, 0);
    if (!total) return null;
    const top = list.slice(0, topN);
    const topRevenue = top.reduce((a, r) => a + r.revenue, 0);
    const hhi = list.reduce((a, r) => a + ((100 * r.revenue) / total) ** 2, 0);
    return { total: round2(total), top, topRevenue: round2(topRevenue), topSharePct: round1((100 * topRevenue) / total), hhi: Math.round(hhi), customers: list.length };
  };
  const cur = stats('cur');
  if (!cur) return [];
  const prev = stats('prev');
  const olap: OlapQuery = {
    measures: ['revenue'],
    dimensions: ['geography.customer'],
    filters: [BOOKED_FILTER],
    range: p.range,
    compare: 'PREVIOUS_PERIOD',
    order: { by: 'revenue', direction: 'DESC' },
    limit: topN,
  };
  return [
    {
      id: 'concentration',
      kind: 'concentration',
      subject: { type: 'company' },
      value: cur.topSharePct,
      comparison: prev?.topSharePct ?? null,
      delta: prev ? round1(cur.topSharePct - prev.topSharePct) : null,
      deltaPct: null,
      unit: '%',
      period: p.range,
      comparisonPeriod: p.previous,
      details: {
        topN,
        hhi: cur.hhi,
        previousHhi: prev?.hhi ?? null,
        customers: cur.customers,
        topRevenue: cur.topRevenue,
        top: cur.top.map((r) => ({ id: r.id, code: r.code, name: r.name, revenue: r.revenue, sharePct: round1((100 * r.revenue) / cur.total) })),
      },
      query: { olap, sql },
      atStakeEur: (cur.top[0]?.revenue ?? 0) * 0.5,
      impact: 0,
    },
  ];
}

// ------------------------------------------------------------------------------------------------
// Unusual orders: mining's anomalies when present, otherwise a z-score on order amounts.

/** A table of the mining schema having all these columns (found through the catalog, never from input). */
async function miningTable(ctx: Ctx, columns: string[]): Promise<{ name: string; columns: Set<string> } | null> {
  const present = (await ctx.q({ text: `SELECT to_regnamespace('mining') IS NOT NULL AS ok`, values: [] }))[0]?.ok;
  if (!present) return null;
  const rows = await ctx.q({
    text: `SELECT table_name AS t, array_agg(column_name::text) AS cols FROM information_schema.columns
           WHERE table_schema = 'mining' GROUP BY table_name HAVING array_agg(column_name::text) @> $1::text[] ORDER BY table_name`,
    values: [columns],
  });
  const r = rows[0];
  if (!r) return null;
  const name = `mining."${String(r.t).replace(/"/g, '""')}"`;
  const ok = (await ctx.q({ text: 'SELECT to_regclass($1) IS NOT NULL AS ok', values: [name] }))[0]?.ok;
  return ok ? { name, columns: new Set(r.cols as string[]) } : null;
}

async function unusualOrders(ctx: Ctx): Promise<Fact[]> {
  const { period: p } = ctx;
  const orderCte = `o AS (
  SELECT f.order_id, f.order_number, max(c.customer_id) AS customer_id, max(c.code) AS code, max(c.name) AS name,
         max(d.full_date) AS order_date, SUM(f.net_amount) AS amount
  FROM ${SALES_FROM}
  WHERE s.status = ANY($1::text[]) AND k.kind = 'SALE' AND d.full_date BETWEEN $2::date AND $3::date
  GROUP BY f.order_id, f.order_number
), st AS (SELECT avg(amount) AS mean, stddev_pop(amount) AS sd, count(*) AS n FROM o)`;
  const window = addMonths(p.range.from, -(12 - p.months));
  const table = await miningTable(ctx, ['order_id']);
  const scoreCol = table && ['anomaly_score', 'score'].find((c) => table.columns.has(c));
  let sql: SqlText;
  let method: 'mining' | 'z-score';
  if (table && scoreCol) {
    method = 'mining';
    const flag = table.columns.has('is_anomaly') ? 'a.is_anomaly' : `a.${scoreCol} >= 0.6`;
    const run = table.columns.has('run_id') ? `AND a.run_id = (SELECT max(run_id) FROM ${table.name})` : '';
    sql = {
      text: `WITH ${orderCte}
SELECT o.*, st.mean, st.sd, a.${scoreCol} AS score FROM o CROSS JOIN st JOIN ${table.name} a ON a.order_id = o.order_id
WHERE o.order_date BETWEEN $4::date AND $3::date AND ${flag} ${run}
ORDER BY a.${scoreCol} DESC, o.order_id LIMIT 10`,
      values: [BOOKED_STATUSES, window, p.range.to, p.range.from],
    };
  } else {
    method = 'z-score';
    ctx.notes.push('unusual orders: no mining anomalies table, z-score on order amounts over 12 months');
    sql = {
      text: `WITH ${orderCte}
SELECT o.*, st.mean, st.sd, (o.amount - st.mean) / NULLIF(st.sd, 0) AS score FROM o CROSS JOIN st
WHERE o.order_date BETWEEN $4::date AND $3::date AND abs((o.amount - st.mean) / NULLIF(st.sd, 0)) > $5::numeric
ORDER BY abs((o.amount - st.mean) / NULLIF(st.sd, 0)) DESC, o.order_id LIMIT 10`,
      values: [BOOKED_STATUSES, window, p.range.to, p.range.from, ctx.opts.zThreshold ?? 3],
    };
  }
  const rows = await ctx.q(sql);
  return rows.map((r) => {
    const amount = cents(r.amount) / 100;
    const mean = round2(n(r.mean));
    return {
      id: `unusual-order:${r.order_number}`,
      kind: 'unusual-order' as const,
      subject: { type: 'order', id: Number(r.order_id), code: String(r.order_number) },
      value: amount,
      comparison: mean,
      delta: round2(amount - mean),
      deltaPct: pctChange(amount, mean),
      unit: 'EUR',
      period: p.range,
      details: {
        method,
        score: round2(n(r.score)),
        orderDate: r.order_date instanceof Date ? r.order_date.toISOString().slice(0, 10) : String(r.order_date),
        customer: { type: 'customer', id: Number(r.customer_id), code: String(r.code), label: String(r.name) } satisfies RecordRef,
        sd: round2(n(r.sd)),
      },
      query: { sql },
      atStakeEur: amount - mean,
      impact: 0,
    };
  });
}

// ------------------------------------------------------------------------------------------------
// Stock-out risk: days of cover at the latest snapshot against the supplier lead time.

async function stockoutRisks(ctx: Ctx): Promise<Fact[]> {
  const { period: p } = ctx;
  const safetyDays = ctx.opts.safetyDays ?? DEFAULT_SAFETY_DAYS;
  const defaultLead = ctx.opts.defaultLeadTimeDays ?? DEFAULT_LEAD_TIME_DAYS;
  const sql: SqlText = {
    text: `WITH snap AS (
  SELECT sd.date_key, sd.full_date FROM dw.dim_date sd
  WHERE sd.date_key = (SELECT max(x.snapshot_date_key) FROM dw.fact_inventory_snapshot x WHERE x.snapshot_date_key <= to_char($1::date, 'YYYYMMDD')::int)
), sold AS (
  SELECT p.product_id, w.warehouse_id, SUM(f.quantity) AS units, SUM(f.net_amount) AS net
  FROM dw.fact_sales f JOIN dw.dim_date d ON d.date_key = f.order_date_key JOIN dw.dim_product p ON p.product_key = f.product_key
    JOIN dw.dim_warehouse w ON w.warehouse_key = f.warehouse_key JOIN dw.dim_order_status s ON s.status_key = f.status_key, snap
  WHERE d.full_date > snap.full_date - 90 AND d.full_date <= snap.full_date AND s.status = ANY($2::text[])
  GROUP BY 1, 2
)
SELECT i.product_id, i.warehouse_id, p.sku, p.name, w.code AS warehouse_code, w.name AS warehouse_name, snap.full_date AS snapshot_date,
       i.on_hand, i.available, i.reorder_point, sold.units AS sold90, sold.net AS net90
FROM dw.fact_inventory_snapshot i JOIN snap ON snap.date_key = i.snapshot_date_key
  JOIN dw.dim_product p ON p.product_key = i.product_key JOIN dw.dim_warehouse w ON w.warehouse_key = i.warehouse_key
  JOIN sold ON sold.product_id = i.product_id AND sold.warehouse_id = i.warehouse_id
WHERE sold.units > 0
ORDER BY i.product_id, i.warehouse_id`,
    values: [p.range.to, BOOKED_STATUSES],
  };
  const rows = await ctx.q(sql);
  if (!rows.length) return [];
  const supplies = await supplyByProduct(ctx);
  const facts: Fact[] = [];
  for (const r of rows) {
    const daily = n(r.sold90) / 90;
    const available = n(r.available);
    const cover = round1(Math.max(available, 0) / daily);
    const supply = supplies.get(Number(r.product_id));
    const lead = supply?.leadTimeDays ?? supply?.supplierAvgLeadTime ?? defaultLead;
    const leadSource = supply?.leadTimeDays != null ? 'supply' : supply?.supplierAvgLeadTime != null ? 'supplier average' : 'default';
    if (cover >= lead + safetyDays) continue;
    const safetyStock = Math.ceil(daily * safetyDays);
    const need = Math.ceil(daily * lead) + safetyStock - available;
    const moq = supply?.minOrderQuantity ?? 1;
    const quantity = Math.max(need, 0) === 0 ? 0 : Math.max(Math.ceil(need / moq) * moq, moq);
    const dailyRevenue = n(r.net90) / 90;
    const gapDays = Math.max(0, lead - cover);
    facts.push({
      id: `stockout-risk:${r.sku}:${r.warehouse_code}`,
      kind: 'stockout-risk',
      subject: { type: 'product', id: Number(r.product_id), code: String(r.sku), label: String(r.name) },
      value: cover,
      comparison: lead,
      delta: round1(cover - lead),
      deltaPct: null,
      unit: 'days',
      period: p.range,
      details: {
        warehouse: { type: 'warehouse', id: Number(r.warehouse_id), code: String(r.warehouse_code), label: String(r.warehouse_name) },
        snapshotDate: r.snapshot_date instanceof Date ? r.snapshot_date.toISOString().slice(0, 10) : String(r.snapshot_date),
        available,
        onHand: n(r.on_hand),
        sold90: n(r.sold90),
        dailyDemand: round2(daily),
        leadTimeDays: lead,
        leadTimeSource: leadSource,
        safetyDays,
        safetyStock,
        reorderQuantity: quantity,
        supplier: supply?.supplierId ? { type: 'supplier', id: supply.supplierId, code: supply.supplierCode, label: supply.supplierName } : null,
        gapDays: round1(gapDays),
      },
      query: {
        olap: { measures: ['stockAvailable', 'daysOfCover'], dimensions: ['product.product'], filters: [{ level: 'product.product', members: [String(r.sku)] }], range: p.range },
        sql,
      },
      atStakeEur: dailyRevenue * gapDays,
      impact: 0,
    });
  }
  return facts;
}

interface Supply {
  supplierId?: number;
  supplierCode?: string;
  supplierName?: string;
  leadTimeDays?: number | null;
  supplierAvgLeadTime?: number | null;
  minOrderQuantity?: number;
}

/**
 * Which supplier supplies each product, with its lead time: the staged supplier records (their
 * `supplies`), preferred supplier first then the shortest lead time. The dw has no product ×
 * supplier table, so without staging there is no supplier (and the default lead time applies).
 */
async function supplyByProduct(ctx: Ctx): Promise<Map<number, Supply>> {
  const ok = (await ctx.q({ text: `SELECT to_regclass('staging.suppliers') IS NOT NULL AS ok`, values: [] }))[0]?.ok;
  const out = new Map<number, Supply>();
  if (!ok) return out;
  const rows = await ctx.q({
    text: `SELECT DISTINCT ON (x.product_id) x.product_id, s.supplier_id, ds.code, ds.name, x.lead, ds.avg_lead_time_days, x.moq
FROM staging.suppliers s
  CROSS JOIN LATERAL (
    SELECT (e->'product'->>'id')::int AS product_id, (e->>'leadTimeDays')::numeric AS lead,
           (e->>'minOrderQuantity')::int AS moq, COALESCE((e->>'isPreferred')::boolean, false) AS preferred
    FROM jsonb_array_elements(COALESCE(s.payload->'supplies', '[]'::jsonb)) e) x
  JOIN dw.dim_supplier ds ON ds.supplier_id = s.supplier_id
WHERE ds.status <> 'INACTIVE'
ORDER BY x.product_id, x.preferred DESC, COALESCE(x.lead, ds.avg_lead_time_days) NULLS LAST, s.supplier_id`,
    values: [],
  });
  for (const r of rows)
    out.set(Number(r.product_id), {
      supplierId: Number(r.supplier_id),
      supplierCode: String(r.code),
      supplierName: String(r.name),
      leadTimeDays: r.lead === null ? null : n(r.lead),
      supplierAvgLeadTime: r.avg_lead_time_days === null ? null : n(r.avg_lead_time_days),
      minOrderQuantity: r.moq ? Number(r.moq) : 1,
    });
  return out;
}

// ------------------------------------------------------------------------------------------------
// RFM segment movements between mining's last two runs.

async function rfmMovements(ctx: Ctx): Promise<Fact[]> {
  const table = await miningTable(ctx, ['run_id', 'customer_id', 'segment']);
  if (!table) {
    ctx.notes.push('RFM movements: no mining RFM table');
    return [];
  }
  const sql: SqlText = {
    text: `WITH runs AS (SELECT DISTINCT run_id FROM ${table.name} ORDER BY run_id DESC LIMIT 2),
cur AS (SELECT customer_id, segment FROM ${table.name} WHERE run_id = (SELECT max(run_id) FROM runs)),
prev AS (SELECT customer_id, segment FROM ${table.name} WHERE run_id = (SELECT min(run_id) FROM runs) AND (SELECT count(*) FROM runs) = 2)
SELECT cur.customer_id, prev.segment AS from_segment, cur.segment AS to_segment, dc.code, dc.name,
  (SELECT COALESCE(SUM(f.net_amount), 0) FROM dw.fact_sales f JOIN dw.dim_customer c2 ON c2.customer_key = f.customer_key
     JOIN dw.dim_date d ON d.date_key = f.order_date_key JOIN dw.dim_order_status s ON s.status_key = f.status_key
   WHERE c2.customer_id = cur.customer_id AND s.status = ANY($1::text[]) AND d.full_date BETWEEN $2::date AND $3::date) AS revenue12
FROM cur JOIN prev ON prev.customer_id = cur.customer_id
  LEFT JOIN dw.dim_customer dc ON dc.customer_id = cur.customer_id AND dc.is_current
WHERE prev.segment IS DISTINCT FROM cur.segment
ORDER BY cur.customer_id`,
    values: [BOOKED_STATUSES, addMonths(ctx.period.range.from, -(12 - ctx.period.months)), ctx.period.range.to],
  };
  const rows = await ctx.q(sql);
  if (!rows.length) return [];
  const transitions = new Map<string, number>();
  for (const r of rows) transitions.set(`${r.from_segment} → ${r.to_segment}`, (transitions.get(`${r.from_segment} → ${r.to_segment}`) ?? 0) + 1);
  const slipped = rows
    .filter((r) => RISKY_SEGMENTS.includes(String(r.to_segment)) && !RISKY_SEGMENTS.includes(String(r.from_segment)))
    .map((r) => ({ id: Number(r.customer_id), code: String(r.code), name: String(r.name), from: String(r.from_segment), to: String(r.to_segment), revenue12: cents(r.revenue12) / 100 }))
    .sort((a, b) => b.revenue12 - a.revenue12 || a.id - b.id);
  return [
    {
      id: 'rfm-movement',
      kind: 'rfm-movement',
      subject: { type: 'company' },
      value: slipped.length,
      comparison: rows.length,
      delta: null,
      deltaPct: null,
      unit: 'customers',
      period: ctx.period.range,
      details: { moved: rows.length, transitions: [...transitions].map(([t, count]) => ({ transition: t, count })).sort((a, b) => b.count - a.count), slipped },
      query: { sql },
      atStakeEur: slipped.reduce((a, s) => a + s.revenue12, 0),
      impact: 0,
    },
  ];
}

// ------------------------------------------------------------------------------------------------
// Supplier deterioration: on-time rate over the last 3 months against the 3 months before.

async function supplierDeterioration(ctx: Ctx): Promise<Fact[]> {
  const endMonth = `${ctx.period.range.to.slice(0, 7)}-01`;
  const recent = { from: addMonths(endMonth, -2), to: monthEnd(endMonth) };
  const before = { from: addMonths(endMonth, -5), to: monthEnd(addMonths(endMonth, -3)) };
  const sql: SqlText = {
    text: `SELECT sup.supplier_id, sup.code, sup.name,
  SUM(CASE WHEN e.period_start >= $2::date THEN e.on_time_deliveries END) AS ot1, SUM(CASE WHEN e.period_start >= $2::date THEN e.deliveries END) AS d1,
  SUM(CASE WHEN e.period_start < $2::date THEN e.on_time_deliveries END) AS ot0, SUM(CASE WHEN e.period_start < $2::date THEN e.deliveries END) AS d0
FROM dw.fact_supplier_evaluation e JOIN dw.dim_supplier sup ON sup.supplier_key = e.supplier_key
WHERE e.period_start BETWEEN $1::date AND $3::date
GROUP BY sup.supplier_id, sup.code, sup.name
ORDER BY sup.supplier_id`,
    values: [before.from, recent.from, recent.to],
  };
  const rows = await ctx.q(sql);
  const drop = ctx.opts.supplierDropPoints ?? 5;
  const bad = rows
    .map((r) => ({ r, now: n(r.d1) ? round2((100 * n(r.ot1)) / n(r.d1)) : null, was: n(r.d0) ? round2((100 * n(r.ot0)) / n(r.d0)) : null }))
    .filter((x) => x.now !== null && x.was !== null && x.was - x.now >= drop);
  if (!bad.length) return [];
  const revenueBySupplier = await supplierRevenue(ctx, bad.map((b) => Number(b.r.supplier_id)));
  return bad.map(({ r, now, was }) => {
    const supplied = revenueBySupplier.get(Number(r.supplier_id));
    return {
      id: `supplier-deterioration:${r.code}`,
      kind: 'supplier-deterioration' as const,
      subject: { type: 'supplier', id: Number(r.supplier_id), code: String(r.code), label: String(r.name) },
      value: now!,
      comparison: was!,
      delta: round2(now! - was!),
      deltaPct: null,
      unit: '%',
      period: recent,
      comparisonPeriod: before,
      details: { deliveries: n(r.d1), previousDeliveries: n(r.d0), lateDeliveries: n(r.d1) - n(r.ot1), suppliedRevenue: supplied ?? null },
      query: {
        olap: { measures: ['supplierOnTimeRate', 'supplierDeliveries'], dimensions: ['supplier.supplier'], filters: [{ level: 'supplier.supplier', members: [String(r.code)] }], range: recent, compare: 'PREVIOUS_PERIOD' },
        sql,
      },
      atStakeEur: ((was! - now!) / 100) * (supplied ?? ctx.revenue * 0.1),
      impact: 0,
    };
  });
}

async function supplierRevenue(ctx: Ctx, supplierIds: number[]): Promise<Map<number, number>> {
  const ok = (await ctx.q({ text: `SELECT to_regclass('staging.suppliers') IS NOT NULL AS ok`, values: [] }))[0]?.ok;
  if (!ok) return new Map();
  const rows = await ctx.q({
    text: `SELECT s.supplier_id, SUM(f.net_amount) AS revenue
FROM staging.suppliers s
  CROSS JOIN LATERAL (SELECT DISTINCT (e->'product'->>'id')::int AS product_id FROM jsonb_array_elements(COALESCE(s.payload->'supplies', '[]'::jsonb)) e) x
  JOIN dw.dim_product p ON p.product_id = x.product_id
  JOIN dw.fact_sales f ON f.product_key = p.product_key
  JOIN dw.dim_date d ON d.date_key = f.order_date_key JOIN dw.dim_order_status st ON st.status_key = f.status_key
WHERE s.supplier_id = ANY($1::int[]) AND st.status = ANY($2::text[]) AND d.full_date BETWEEN $3::date AND $4::date
GROUP BY s.supplier_id`,
    values: [supplierIds, BOOKED_STATUSES, ctx.period.range.from, ctx.period.range.to],
  });
  return new Map(rows.map((r) => [Number(r.supplier_id), cents(r.revenue) / 100]));
}
