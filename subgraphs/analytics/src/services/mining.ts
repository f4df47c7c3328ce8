import { ForbiddenError } from '@erp/kit';
import type pg from 'pg';
import type { Viewer } from '@erp/semantic';

/**
 * The latest successful mining run, read from the warehouse's `mining` schema (written by
 * `runMining`, see mining/src/schema.ts). Null while no run has succeeded (or the schema is absent).
 *
 * Row level: SALES only sees the anomalies of the customers currently assigned to them
 * (`dim_customer.is_current AND sales_rep_id = userId`, like the olap service); the role matrix does
 * not open `miningSummary` to SALES today, the filter is kept for defence in depth. Customers are
 * identified by their code only (never their name), so ANALYST gets codes only.
 */
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export async function ownCustomerIds(pool: pg.Pool, viewer: Viewer): Promise<Set<number> | null> {
  if (viewer.role !== 'SALES') return null;
  if (viewer.userId === null) throw new ForbiddenError('a SALES viewer needs a user id');
  const { rows } = await pool.query(
    `SELECT DISTINCT customer_id FROM dw.dim_customer WHERE is_current AND sales_rep_id = $1`,
    [viewer.userId],
  );
  return new Set(rows.map((r) => Number(r.customer_id)));
}

export async function miningSummary(pool: pg.Pool, viewer: Viewer, opts: { anomalies?: number } = {}) {
  const exists = (await pool.query(`SELECT to_regclass('mining.runs') IS NOT NULL AS ok`)).rows[0]?.ok;
  if (!exists) return null;
  const run = (
    await pool.query(
      `SELECT run_id, reference_date::text AS reference_date, started_at, finished_at, status, source_etl_run_id, source_etl_finished_at, timings
       FROM mining.runs WHERE status = 'SUCCEEDED' ORDER BY run_id DESC LIMIT 1`,
    )
  ).rows[0];
  if (!run) return null;
  const id = run.run_id as string;
  const limit = Math.min(Math.max(opts.anomalies ?? 20, 1), 200);
  const own = await ownCustomerIds(pool, viewer);
  const [segments, clusters, silhouette, anomalies, pareto, seasonality] = await Promise.all([
    pool.query(
      `SELECT segment, customers, revenue, avg_recency_days, avg_frequency, revenue / NULLIF(SUM(revenue) OVER (), 0) AS share
                FROM mining.rfm_segments WHERE run_id = $1 ORDER BY revenue DESC, segment`,
      [id],
    ),
    pool.query(
      `SELECT cluster, name, size, revenue_share, centroid_recency_days, centroid_frequency, centroid_monetary
                FROM mining.clusters WHERE run_id = $1 ORDER BY cluster`,
      [id],
    ),
    pool.query(
      `SELECT k, silhouette, inertia, chosen FROM mining.kmeans_silhouette WHERE run_id = $1 ORDER BY k`,
      [id],
    ),
    pool.query(
      `SELECT a.rank, a.order_id, a.order_number, a.customer_id, c.code AS customer_code, a.score, a.features, a.reasons, a.explanation
       FROM mining.anomalies a LEFT JOIN LATERAL (SELECT code FROM dw.dim_customer d WHERE d.customer_id = a.customer_id ORDER BY d.is_current DESC, d.version DESC LIMIT 1) c ON true
       WHERE a.run_id = $1 AND ($2::int[] IS NULL OR a.customer_id = ANY($2::int[]))
       ORDER BY a.rank LIMIT $3`,
      [id, own ? [...own] : null, limit],
    ),
    pool.query(
      `SELECT entity, entities, top_entities, top_revenue, total_revenue, top_share FROM mining.eda_pareto WHERE run_id = $1 ORDER BY entity`,
      [id],
    ),
    pool.query(
      `SELECT grain, period, label, orders, revenue, revenue_share, index_vs_mean FROM mining.eda_seasonality WHERE run_id = $1 ORDER BY grain, period`,
      [id],
    ),
  ]);
  const season = (grain: string) =>
    seasonality.rows
      .filter((r) => r.grain === grain)
      .map((r) => ({
        period: r.period,
        label: r.label,
        orders: r.orders,
        revenue: String(r.revenue),
        revenueShare: num(r.revenue_share),
        indexVsMean: num(r.index_vs_mean),
      }));
  return {
    run: {
      id: String(id),
      referenceDate: run.reference_date,
      startedAt: run.started_at,
      finishedAt: run.finished_at,
      status: run.status,
      sourceEtlRunId: run.source_etl_run_id === null ? null : String(run.source_etl_run_id),
      sourceEtlFinishedAt: run.source_etl_finished_at,
      timings: run.timings ? JSON.stringify(run.timings) : null,
    },
    segments: segments.rows.map((r) => ({
      segment: r.segment,
      customers: r.customers,
      revenue: String(r.revenue),
      revenueShare: num(r.share),
      avgRecencyDays: num(r.avg_recency_days),
      avgFrequency: num(r.avg_frequency),
    })),
    clusters: clusters.rows.map((r) => ({
      cluster: r.cluster,
      name: r.name,
      size: r.size,
      revenueShare: num(r.revenue_share),
      centroidRecencyDays: num(r.centroid_recency_days),
      centroidFrequency: num(r.centroid_frequency),
      centroidMonetary: num(r.centroid_monetary),
    })),
    silhouette: silhouette.rows.map((r) => ({
      k: r.k,
      score: num(r.silhouette),
      inertia: num(r.inertia),
      chosen: r.chosen,
    })),
    anomalies: anomalies.rows.map((r) => ({
      rank: r.rank,
      orderId: String(r.order_id),
      orderNumber: r.order_number,
      customerCode: r.customer_code ?? null,
      score: num(r.score),
      explanation: r.explanation,
      reasons: (r.reasons as { feature: string; value: number; z: number }[]).map((x) => ({
        feature: x.feature,
        value: x.value,
        z: x.z,
      })),
      features: Object.entries(r.features as Record<string, number>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([feature, value]) => ({ feature, value: num(value) })),
    })),
    pareto: pareto.rows.map((r) => ({
      entity: String(r.entity).toUpperCase(),
      entities: r.entities,
      topEntities: r.top_entities,
      topRevenue: String(r.top_revenue),
      totalRevenue: String(r.total_revenue),
      topShare: num(r.top_share),
    })),
    seasonalityByMonth: season('month'),
    seasonalityByWeekday: season('weekday'),
  };
}
