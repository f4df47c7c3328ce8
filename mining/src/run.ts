import { analyzeStale, createPool, withTransaction } from '@erp/kit';
import type pg from 'pg';
import { orderFeatures, type FeatureVector, type OrderRecord } from './anomaly/features';
import { explain, featureStats, isolationForestScores, type Explanation } from './anomaly/iforest';
import { clusterCustomers, type ClusteringResult } from './cluster/kmeans';
import { computeEda, writeEda, type EdaResult } from './eda/eda';
import { computeRfm, defaultReferenceDate, type RfmRow } from './rfm/compute';
import { migrateDwh } from '@erp/dwh-schema';
import { lastOrderDate, loadOrderRecords, loadRfmOrders, sourceState, type SourceState } from './source';
import { GraphqlSegmentWriter, writeSegments, type Credentials, type SegmentWriter } from './writeback';

export interface RunMiningOptions {
  dwhUrl: string;
  /** Gateway GraphQL URL for the write-back (with `credentials`), unless `writer` is given. */
  gatewayUrl?: string;
  credentials?: Credentials;
  /** A custom segment writer (tests); takes precedence over gatewayUrl. */
  writer?: SegmentWriter;
  /** YYYY-MM-DD; default: the day after the last order in the facts. */
  referenceDate?: string;
  seed?: number;
  kMin?: number;
  kMax?: number;
  /** Recompute even when the warehouse has not changed since the last successful run. */
  force?: boolean;
  /** Write the RFM segments back to the ERP (default true; needs a writer or gatewayUrl + credentials). */
  writeback?: boolean;
  trees?: number;
  /** Isolation Forest subsample per tree (default 16,384, see mining/README.md). */
  sampleSize?: number;
  /** Called at the start and end of every stage. */
  onStage?: (stage: string, event: 'start' | 'end', detail?: string) => void;
}

export interface MiningResult {
  runId: number;
  status: 'SUCCEEDED' | 'SKIPPED' | 'FAILED';
  reason?: string;
  referenceDate?: string;
  timings: Record<string, number>;
  summary?: MiningSummary;
}

export interface MiningSummary {
  customers: number;
  orders: number;
  segments: Record<string, number>;
  /** null when there were too few customers to cluster (see `clusteringSkipped`). */
  k: number | null;
  silhouette: number | null;
  /** Why K-Means did not run (RFM, anomalies and the EDA still did). */
  clusteringSkipped?: string;
  clusters: { cluster: number; name: string; size: number; revenueShare: number }[];
  topAnomalies: { rank: number; orderNumber: string; score: number; explanation: string }[];
  writeback: { batches: number; updated: number } | null;
}

const LOCK = 7_402_406_1;

/** Parameters that change results: a run with other values is never skipped. */
function parameterKey(p: Record<string, unknown>) {
  const { writeback: _w, force: _f, ...rest } = p;
  return JSON.stringify(rest, Object.keys(rest).sort());
}

/**
 * One mining run on the warehouse at `dwhUrl`: RFM → K-Means → Isolation Forest → EDA, stored in the
 * `mining` schema under a new mining.runs row, then the RFM segments written back to the ERP.
 * Skipped (and recorded as SKIPPED with the reason) when the latest successful ETL run and the
 * checksum of dw.fact_sales are those of the last successful run with the same parameters.
 */
export async function runMining(opts: RunMiningOptions): Promise<MiningResult> {
  // The mining tables are the warehouse's (dwh-schema migrations): a warehouse not yet upgraded is here.
  await migrateDwh(opts.dwhUrl);
  const pool = createPool(opts.dwhUrl, {
    max: 3,
    statementTimeout: 30 * 60_000,
    applicationName: 'erp-mining',
  });
  const lockClient = await pool.connect();
  try {
    await lockClient.query('SELECT pg_advisory_lock($1)', [LOCK]); // one mining run at a time per warehouse
    return await run(pool, opts);
  } finally {
    await lockClient.query('SELECT pg_advisory_unlock($1)', [LOCK]).catch(() => undefined);
    lockClient.release();
    await pool.end();
  }
}

/**
 * The run's parameters, recorded in mining.runs: a run with other values (writeback and force aside) is
 * never skipped. A type, not an interface, so that parameterKey takes it as a record.
 */
type MiningParameters = {
  referenceDate: string | null;
  seed: number;
  kMin: number;
  kMax: number;
  trees: number;
  sampleSize: number;
  writeback: boolean;
  force: boolean;
};

/** Runs one named stage: timed into `timings`, announced to opts.onStage at its start and end. */
type StageRunner = <T>(name: string, fn: () => Promise<T> | T) => Promise<T>;

interface RankedAnomaly {
  rank: number;
  order: OrderRecord;
  score: number;
  features: FeatureVector;
  reasons: Explanation[];
  explanation: string;
}

/** What the mining stages computed, before it is stored. */
interface MiningOutput {
  rfm: RfmRow[];
  orders: OrderRecord[];
  /** null when there were too few customers to cluster (`clusteringSkipped` says why). */
  clustering: ClusteringResult | null;
  clusteringSkipped: string | undefined;
  /** The most anomalous orders, explained. */
  top: RankedAnomaly[];
  eda: EdaResult;
}

async function run(pool: pg.Pool, opts: RunMiningOptions): Promise<MiningResult> {
  const parameters = miningParameters(opts);
  if (opts.referenceDate && !/^\d{4}-\d{2}-\d{2}$/.test(opts.referenceDate))
    throw new Error(`referenceDate: expected YYYY-MM-DD, got ${opts.referenceDate}`);
  const timings: Record<string, number> = {};
  const stage = stageRunner(opts, timings);

  const state = await stage('check', () => sourceState(pool));
  if (!opts.force) {
    const reason = await skipReason(pool, state, parameters);
    if (reason) {
      const runId = await insertRun(pool, state, parameters, 'SKIPPED', reason);
      await pool.query(`UPDATE mining.runs SET timings = $2 WHERE run_id = $1`, [
        runId,
        JSON.stringify(timings),
      ]);
      return { runId, status: 'SKIPPED', reason, timings };
    }
  }

  const runId = await insertRun(pool, state, parameters, 'RUNNING', opts.force ? 'forced' : null);
  try {
    const referenceDate = await settleReferenceDate(pool, runId, opts);
    const output = await mine(pool, parameters, referenceDate, stage);
    await stage('store', () => withTransaction(pool, (tx) => storeResults(tx, runId, output)));
    const wb = parameters.writeback ? await writeBack(opts, runId, output.rfm, stage) : null;
    const summary = summarise(output, wb);
    await pool.query(
      `UPDATE mining.runs SET status = 'SUCCEEDED', finished_at = clock_timestamp(), timings = $2, summary = $3 WHERE run_id = $1`,
      [runId, JSON.stringify(timings), JSON.stringify(summary)],
    );
    // Statistics on the results just stored: plans must not wait for autovacuum (servers may run without it).
    await analyzeStale(pool, ['mining']);
    return { runId, status: 'SUCCEEDED', referenceDate, timings, summary };
  } catch (err) {
    await pool
      .query(
        `UPDATE mining.runs SET status = 'FAILED', finished_at = clock_timestamp(), timings = $2, error = $3 WHERE run_id = $1`,
        [runId, JSON.stringify(timings), (err as Error).message],
      )
      .catch(() => undefined);
    throw err;
  }
}

function miningParameters(opts: RunMiningOptions): MiningParameters {
  return {
    referenceDate: opts.referenceDate ?? null,
    seed: opts.seed ?? 42,
    kMin: opts.kMin ?? 2,
    kMax: opts.kMax ?? 8,
    trees: opts.trees ?? 100,
    sampleSize: opts.sampleSize ?? 16_384,
    writeback: opts.writeback ?? true,
    force: opts.force ?? false,
  };
}

function stageRunner(opts: RunMiningOptions, timings: Record<string, number>): StageRunner {
  return async <T>(name: string, fn: () => Promise<T> | T): Promise<T> => {
    opts.onStage?.(name, 'start');
    const t0 = performance.now();
    const r = await fn();
    timings[name] = Math.round(performance.now() - t0) / 1000;
    opts.onStage?.(name, 'end', `${timings[name]}s`);
    return r;
  };
}

/** Why this run need not compute anything: no facts, or the same warehouse and parameters as the last successful run. */
async function skipReason(
  pool: pg.Pool,
  state: SourceState,
  parameters: MiningParameters,
): Promise<string | undefined> {
  if (state.lines === 0) return 'dw.fact_sales is empty: nothing to mine';
  const { rows } = await pool.query(
    `SELECT run_id, parameters, source_etl_run_id, source_checksum FROM mining.runs WHERE status = 'SUCCEEDED' ORDER BY run_id DESC LIMIT 1`,
  );
  const last = rows[0];
  if (
    last &&
    last.source_checksum === state.checksum &&
    (last.source_etl_run_id ?? null) === state.etlRunId &&
    parameterKey(last.parameters) === parameterKey(parameters)
  )
    return `warehouse unchanged since mining run ${last.run_id} (ETL run ${state.etlRunId ?? 'none'}, fact checksum ${state.checksum}, same parameters); --force recomputes`;
  return undefined;
}

/** A mining.runs row with the warehouse state it read; finished at once unless it is RUNNING. */
async function insertRun(
  pool: pg.Pool,
  state: SourceState,
  parameters: MiningParameters,
  status: string,
  reason: string | null,
): Promise<number> {
  return (
    await pool.query(
      `INSERT INTO mining.runs (status, reason, parameters, source_etl_run_id, source_etl_finished_at, source_checksum, finished_at)
       VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $1 = 'RUNNING' THEN NULL ELSE clock_timestamp() END) RETURNING run_id`,
      [status, reason, JSON.stringify(parameters), state.etlRunId, state.etlFinishedAt, state.checksum],
    )
  ).rows[0].run_id as number;
}

/** The given reference date, or the day after the last order in the facts; recorded on the run. */
async function settleReferenceDate(pool: pg.Pool, runId: number, opts: RunMiningOptions): Promise<string> {
  const last = await lastOrderDate(pool);
  if (!last) throw new Error('dw.fact_sales is empty: nothing to mine');
  const referenceDate = opts.referenceDate ?? defaultReferenceDate(last);
  await pool.query(`UPDATE mining.runs SET reference_date = $2 WHERE run_id = $1`, [runId, referenceDate]);
  return referenceDate;
}

/** RFM → K-Means → Isolation Forest → EDA, each a timed stage, then the top anomalies explained. */
async function mine(
  pool: pg.Pool,
  parameters: MiningParameters,
  referenceDate: string,
  stage: StageRunner,
): Promise<MiningOutput> {
  const { seed } = parameters;
  const [rfmOrders, orders] = await stage('load', () =>
    Promise.all([loadRfmOrders(pool), loadOrderRecords(pool)]),
  );
  const rfm = await stage('rfm', () => computeRfm(rfmOrders, referenceDate));
  // A young database may hold too few customers with booked orders to cluster: the rest still runs.
  const clusteringSkipped =
    rfm.length > parameters.kMin
      ? undefined
      : `${rfm.length} customer${rfm.length === 1 ? '' : 's'} with booked orders: too few to cluster into ${parameters.kMin}+ groups`;
  const clustering = await stage('kmeans', () =>
    clusteringSkipped ? null : clusterCustomers(rfm, { kMin: parameters.kMin, kMax: parameters.kMax, seed }),
  );
  const anomalies = await stage('anomalies', () => {
    const features = orderFeatures(orders);
    const scores = isolationForestScores(features, {
      seed,
      trees: parameters.trees,
      sampleSize: parameters.sampleSize,
    });
    return { features, scores };
  });
  const eda = await stage('eda', () => computeEda(pool, orders, rfm));
  const top = rankAnomalies(orders, anomalies.features, anomalies.scores);
  return { rfm, orders, clustering, clusteringSkipped, top, eda };
}

/** The highest scores (1% of the orders, at least 50), ties by order id, each with its most deviant features. */
function rankAnomalies(
  orders: OrderRecord[],
  features: FeatureVector[],
  scores: Float64Array,
): RankedAnomaly[] {
  const topN = Math.max(50, Math.ceil(orders.length * 0.01));
  const ranked = [...scores.keys()]
    .sort((a, b) => scores[b]! - scores[a]! || orders[a]!.orderId - orders[b]!.orderId)
    .slice(0, topN);
  const stats = featureStats(features);
  return ranked.map((i, r) => {
    const reasons = explain(features[i]!, stats);
    return {
      rank: r + 1,
      order: orders[i]!,
      score: scores[i]!,
      features: features[i]!,
      reasons,
      explanation: reasons
        .map((e) => `${e.feature} = ${e.value.toFixed(3)} (z ${e.z >= 0 ? '+' : ''}${e.z.toFixed(1)})`)
        .join('; '),
    };
  });
}

/** Everything the run computed, in the `mining` schema (one transaction: a run's results are whole or absent). */
async function storeResults(tx: pg.PoolClient, runId: number, output: MiningOutput): Promise<void> {
  const { rfm, clustering, top, eda } = output;
  await storeRfm(tx, runId, rfm, clustering);
  await storeClustering(tx, runId, clustering);
  await tx.query(
    `INSERT INTO mining.rfm_segments
     SELECT run_id, segment, count(*), sum(monetary), avg(recency_days), avg(frequency) FROM mining.rfm WHERE run_id = $1 GROUP BY run_id, segment`,
    [runId],
  );
  await storeAnomalies(tx, runId, top);
  await writeEda(tx, runId, eda);
}

/** The silhouette curve (the chosen k flagged) and the clusters' profiles. */
async function storeClustering(
  tx: pg.PoolClient,
  runId: number,
  clustering: ClusteringResult | null,
): Promise<void> {
  for (const p of clustering?.curve ?? [])
    await tx.query(`INSERT INTO mining.kmeans_silhouette VALUES ($1,$2,$3,$4,$5,$6)`, [
      runId,
      p.k,
      p.silhouette,
      p.inertia,
      p.iterations,
      p.k === clustering!.k,
    ]);
  for (const c of clustering?.profiles ?? [])
    await tx.query(`INSERT INTO mining.clusters VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`, [
      runId,
      c.cluster,
      c.name,
      c.size,
      c.revenueShare,
      c.centroid.recencyDays,
      c.centroid.frequency,
      c.centroid.monetary,
      c.means.recencyDays,
      c.means.frequency,
      c.means.monetary,
      c.z[0],
      c.z[1],
      c.z[2],
    ]);
}

async function storeAnomalies(tx: pg.PoolClient, runId: number, top: RankedAnomaly[]): Promise<void> {
  await tx.query(
    `INSERT INTO mining.anomalies SELECT $1, x.* FROM jsonb_to_recordset($2::jsonb)
       AS x(rank int, order_id int, order_number text, customer_id int, score float8, features jsonb, reasons jsonb, explanation text)`,
    [
      runId,
      JSON.stringify(
        top.map((t) => ({
          rank: t.rank,
          order_id: t.order.orderId,
          order_number: t.order.orderNumber,
          customer_id: t.order.customerId,
          score: t.score,
          features: t.features,
          reasons: t.reasons,
          explanation: t.explanation,
        })),
      ),
    ],
  );
}

/** The RFM segments written back to the ERP's customers (the given writer, else the gateway). */
async function writeBack(
  opts: RunMiningOptions,
  runId: number,
  rfm: RfmRow[],
  stage: StageRunner,
): Promise<MiningSummary['writeback']> {
  const writer =
    opts.writer ??
    (opts.gatewayUrl && opts.credentials
      ? new GraphqlSegmentWriter(opts.gatewayUrl, opts.credentials)
      : undefined);
  if (!writer)
    throw new Error(
      'write-back requested but no gateway URL and credentials (or writer) were given; use --no-writeback',
    );
  return await stage('writeback', () =>
    writeSegments(
      writer,
      rfm.map((r) => ({ customerId: r.customerId, segment: r.segment })),
      runId,
    ),
  );
}

function summarise(output: MiningOutput, wb: MiningSummary['writeback']): MiningSummary {
  const { rfm, orders, clustering, clusteringSkipped, top } = output;
  const segments: Record<string, number> = {};
  for (const r of rfm) segments[r.segment] = (segments[r.segment] ?? 0) + 1;
  return {
    customers: rfm.length,
    orders: orders.length,
    segments,
    k: clustering?.k ?? null,
    silhouette: clustering ? clustering.curve.find((p) => p.k === clustering.k)!.silhouette : null,
    ...(clusteringSkipped ? { clusteringSkipped } : {}),
    clusters: (clustering?.profiles ?? []).map((c) => ({
      cluster: c.cluster,
      name: c.name,
      size: c.size,
      revenueShare: c.revenueShare,
    })),
    topAnomalies: top.slice(0, 10).map((t) => ({
      rank: t.rank,
      orderNumber: t.order.orderNumber,
      score: t.score,
      explanation: t.explanation,
    })),
    writeback: wb,
  };
}

async function storeRfm(
  tx: pg.PoolClient,
  runId: number,
  rfm: readonly RfmRow[],
  c: ClusteringResult | null,
) {
  const names = c?.profiles.map((p) => p.name) ?? [];
  for (let i = 0; i < rfm.length; i += 10_000) {
    const chunk = rfm.slice(i, i + 10_000);
    const col = <T>(f: (r: RfmRow, j: number) => T) => chunk.map((r, j) => f(r, i + j));
    await tx.query(
      `INSERT INTO mining.rfm SELECT $1, * FROM unnest($2::int[], $3::date[], $4::int[], $5::int[], $6::numeric[], $7::int[], $8::int[], $9::int[], $10::text[], $11::text[], $12::int[], $13::text[])`,
      [
        runId,
        col((r) => r.customerId),
        col((r) => r.lastPurchase),
        col((r) => r.recencyDays),
        col((r) => r.frequency),
        col((r) => r.monetary.toFixed(2)),
        col((r) => r.rScore),
        col((r) => r.fScore),
        col((r) => r.mScore),
        col((r) => r.cell),
        col((r) => r.segment),
        col((_, j) => c?.assignment[j] ?? null),
        col((_, j) => (c ? names[c.assignment[j]!]! : null)),
      ],
    );
  }
}

export type { FeatureVector };
