import type pg from 'pg';
import {
  analyzeStale,
  ConflictError,
  createPool,
  progress as progressBar,
  ValidationError,
  withTransaction,
} from '@erp/kit';
import { migrateDwh } from '@erp/dwh-schema';
import { connectApi, SourceUnavailableError, type EtlApi } from './api';
import { ENTITIES, ENTITY_NAMES, type EntityName, type LoadContext } from './entities';
import { reconcile, type Reconciliation } from './reconcile';

export type RunStatus = 'SUCCEEDED' | 'FAILED' | 'PARTIAL';

export interface RunEtlOptions {
  /** The gateway's GraphQL endpoint. */
  gatewayUrl: string;
  /** The read-only ANALYST account (or a ready access token). */
  credentials?: { email: string; password: string };
  token?: string;
  /** The warehouse database (migrated here if needed). */
  dwhUrl: string;
  /** Re-read everything, ignoring the watermarks (unchanged rows are still skipped by checksum). */
  full?: boolean;
  /** Only these entities (default: all, in dependency order). */
  entities?: EntityName[];
  /** Extract rows updated since this instant instead of the watermark. */
  since?: string | Date;
  log?: (line: string) => void;
  /** Progress bars/lines per entity on stderr (the CLI turns them on). */
  progress?: boolean;
  /** Rows per API page (default 1,000; the API serves the ETL's service identity up to 10,000). */
  pageSize?: number;
  /** Extraction restarts this long before the watermark (default 10 minutes). */
  lookbackMinutes?: number;
  /** How long to wait for another run's lock before giving up (default 15 s). */
  lockWaitMs?: number;
  /** The inventory snapshot's date (default: today, UTC). */
  snapshotDate?: string;
}

export interface EntityResult {
  entity: EntityName;
  status: 'SUCCEEDED' | 'FAILED';
  pages: number;
  extracted: number;
  inserted: number;
  updated: number;
  unchanged: number;
  deleted: number;
  written: number;
  seconds: number;
  error?: string;
}

export interface RunResult {
  runId: number;
  status: RunStatus;
  mode: 'full' | 'incremental';
  entities: EntityResult[];
  reconciliation: Reconciliation | null;
  rowsWritten: number;
  seconds: number;
  /** 0 SUCCEEDED, 1 FAILED, 3 PARTIAL. */
  exitCode: number;
  /** One line: what happened (and why it failed). */
  message: string;
  summary: string;
}

const RUN_LOCK = 7_402_405; // one ETL run at a time per warehouse
// Not larger: a page of 5,000 orders or purchase orders took longer than the gateway waits for a
// subgraph on a loaded machine (both entities failed, the run PARTIAL).
const DEFAULT_PAGE_SIZE = 1_000;
/** Extraction phases: entities of a phase run in parallel. */
const PHASES: readonly EntityName[][] = [
  ['warehouses', 'products', 'customers', 'suppliers', 'salesReps'],
  ['orders', 'stock', 'stockMovements', 'purchaseOrders'],
];
if (ENTITY_NAMES.some((n) => !PHASES.some((p) => p.includes(n))))
  throw new Error('etl: every entity needs an extraction phase');

/** The run's options, checked, with their defaults. */
interface RunSettings {
  names: EntityName[];
  since: Date | null;
  pageSize: number;
  lookbackMs: number;
  snapshotDate: string;
  log: (line: string) => void;
}

/** Where each watermarked entity was loaded up to (meta.watermarks). */
type Watermarks = Map<string, Date>;

/** What extraction and reconciliation left: the entities' results, the check, or why nothing ran. */
interface Extraction {
  results: EntityResult[];
  reconciliation: Reconciliation | null;
  fatal: string | undefined;
}

/**
 * One ETL run: extracts every entity through the API (typed SDK, keyset pages from the watermark
 * minus a lookback), loads each page — staging, dimensions, facts, counters, checkpoint and watermark
 * — in one warehouse transaction, then reconciles the warehouse with the source totals. An entity
 * whose subgraph is down fails alone (the run is PARTIAL); a reconciliation mismatch fails the run.
 */
export async function runEtl(opts: RunEtlOptions): Promise<RunResult> {
  const started = Date.now();
  const settings = readSettings(opts);

  await migrateDwh(opts.dwhUrl);
  // the lock, one connection per entity loaded at once, and the reconciliation
  const pool = createPool(opts.dwhUrl, { max: 7, statementTimeout: 300_000, applicationName: 'erp-etl' });
  const lock = await pool.connect();
  try {
    await waitForRunLock(lock, opts.lockWaitMs ?? 15_000);
    try {
      return await runLocked(pool, opts, settings, started);
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [RUN_LOCK]).catch(() => undefined);
    }
  } finally {
    lock.release();
    await pool.end();
  }
}

function readSettings(opts: RunEtlOptions): RunSettings {
  const log = opts.log ?? (() => undefined);
  const names = opts.entities?.length
    ? ENTITY_NAMES.filter((n) => opts.entities!.includes(n))
    : [...ENTITY_NAMES];
  for (const n of opts.entities ?? [])
    if (!ENTITY_NAMES.includes(n))
      throw new ValidationError('entities', n, `must be one of ${ENTITY_NAMES.join(', ')}`);
  const since = opts.since === undefined ? null : new Date(opts.since);
  if (since && Number.isNaN(since.getTime()))
    throw new ValidationError('since', opts.since, 'must be an ISO 8601 date or date-time');
  const pageSize = opts.pageSize ?? DEFAULT_PAGE_SIZE;
  const lookbackMs = (opts.lookbackMinutes ?? 10) * 60_000;
  const snapshotDate = opts.snapshotDate ?? new Date().toISOString().slice(0, 10);
  return { names, since, pageSize, lookbackMs, snapshotDate, log };
}

/** One run at a time per warehouse: waits a while for another run's advisory lock, then gives up. */
async function waitForRunLock(lock: pg.PoolClient, waitMs: number): Promise<void> {
  // A run killed a moment ago may still hold the lock until PostgreSQL notices its connection is gone.
  const lockDeadline = Date.now() + waitMs;
  for (;;) {
    const got = await lock.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [RUN_LOCK]);
    if (got.rows[0]!.ok) break;
    if (Date.now() > lockDeadline)
      throw new ConflictError('Another ETL run is in progress on this warehouse');
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function runLocked(
  pool: pg.Pool,
  opts: RunEtlOptions,
  s: RunSettings,
  started: number,
): Promise<RunResult> {
  await closeInterruptedRuns(pool, s.log);
  const watermarks = await readWatermarks(pool);
  const mode = await chooseMode(pool, opts, s, watermarks);
  const runId = await openRun(pool, mode, s);
  const ctx: LoadContext = { runId, snapshotDate: s.snapshotDate };

  const { results, reconciliation, fatal } = await extractAndReconcile(pool, opts, s, watermarks, ctx);
  const { status, error } = judgeRun(fatal, reconciliation, results);
  const rowsWritten = total(results, 'written');
  const analysing = Date.now();
  await refreshStatistics(pool, results, s.log);
  s.log(`statistics: ${((Date.now() - analysing) / 1000).toFixed(1)} s`);
  // The rollups are not refreshed here: that is the pipeline's next stage (refreshStaleRollups, @erp/semantic).
  await closeRun(pool, runId, status, results, reconciliation, error);
  const seconds = (Date.now() - started) / 1000;
  const summary = formatSummary(results, seconds);
  const message = describeOutcome(runId, status, rowsWritten, reconciliation, error);
  s.log(summary);
  s.log(message);
  return {
    runId,
    status,
    mode,
    entities: results,
    reconciliation,
    rowsWritten,
    seconds,
    exitCode: status === 'SUCCEEDED' ? 0 : status === 'PARTIAL' ? 3 : 1,
    message,
    summary,
  };
}

/** A run killed earlier stays RUNNING: it is closed here; its committed pages stay (the watermarks say where to restart). */
async function closeInterruptedRuns(pool: pg.Pool, log: (line: string) => void): Promise<void> {
  const abandoned = await pool.query(
    `UPDATE meta.etl_runs SET status = 'FAILED', finished_at = clock_timestamp(),
       error = 'interrupted: the process stopped before the run finished; a later run resumed from the committed watermarks'
     WHERE status = 'RUNNING' RETURNING run_id`,
  );
  await pool.query(
    `UPDATE meta.etl_run_entities SET status = 'FAILED', error = 'interrupted', finished_at = clock_timestamp() WHERE status = 'RUNNING'`,
  );
  if (abandoned.rowCount) log(`closed interrupted run(s) ${abandoned.rows.map((r) => r.run_id).join(', ')}`);
}

async function readWatermarks(pool: pg.Pool): Promise<Watermarks> {
  const wms = await pool.query<{ entity: string; last_updated_at: Date }>(
    'SELECT entity, last_updated_at FROM meta.watermarks',
  );
  return new Map(wms.rows.map((r) => [r.entity, r.last_updated_at]));
}

/** Full when asked, or when a watermarked entity was never loaded; a run "since" an instant is incremental. */
async function chooseMode(
  pool: pg.Pool,
  opts: RunEtlOptions,
  s: RunSettings,
  watermarks: Watermarks,
): Promise<'full' | 'incremental'> {
  // An entity without a watermark was never loaded — unless it was, from a source that had no row
  // yet (no purchase order so far): its next run reads from the start anyway, which is incremental.
  const loaded = await pool.query<{ entity: string }>(
    `SELECT DISTINCT entity FROM meta.etl_run_entities WHERE status = 'SUCCEEDED'`,
  );
  const everLoaded = new Set(loaded.rows.map((r) => r.entity));
  const full =
    !!opts.full || s.names.some((n) => ENTITIES[n].watermark && !watermarks.has(n) && !everLoaded.has(n));
  return full && !s.since ? 'full' : 'incremental';
}

/** Records the run as RUNNING (meta.etl_runs) and says so. */
async function openRun(pool: pg.Pool, mode: 'full' | 'incremental', s: RunSettings): Promise<number> {
  const run = await pool.query<{ run_id: number }>(
    `INSERT INTO meta.etl_runs (mode, entities, since, snapshot_date) VALUES ($1, $2, $3, $4) RETURNING run_id`,
    [mode, s.names, s.since, s.snapshotDate],
  );
  const runId = Number(run.rows[0]!.run_id);
  s.log(
    `ETL run ${runId} (${mode}${s.since ? ` since ${s.since.toISOString()}` : ''}): ${s.names.join(', ')}`,
  );
  return runId;
}

/** Connects to the API, extracts and loads every entity, then reconciles; an API that cannot be reached is fatal. */
async function extractAndReconcile(
  pool: pg.Pool,
  opts: RunEtlOptions,
  s: RunSettings,
  watermarks: Watermarks,
  ctx: LoadContext,
): Promise<Extraction> {
  let api: EtlApi;
  try {
    api = await connectApi({
      gatewayUrl: opts.gatewayUrl,
      credentials: opts.credentials,
      token: opts.token,
    });
  } catch (err) {
    return { results: [], reconciliation: null, fatal: (err as Error).message };
  }
  const extracting = Date.now();
  const results = await extractEntities(pool, api, opts, s, watermarks, ctx);
  const reconciling = Date.now();
  const reconciliation = await reconcileRun(api, pool, s, results);
  s.log(
    `extraction: ${((reconciling - extracting) / 1000).toFixed(1)} s; reconciliation: ${((Date.now() - reconciling) / 1000).toFixed(1)} s`,
  );
  return { results, reconciliation, fatal: undefined };
}

/** Where an entity's extraction starts: the given instant, else its watermark minus the lookback, else the start. */
function extractFrom(
  name: EntityName,
  opts: RunEtlOptions,
  s: RunSettings,
  watermarks: Watermarks,
): string | null {
  return !ENTITIES[name].watermark
    ? null
    : s.since
      ? s.since.toISOString()
      : opts.full || !watermarks.has(name)
        ? null
        : new Date(watermarks.get(name)!.getTime() - s.lookbackMs).toISOString();
}

/** The entities' results, in dependency order. */
async function extractEntities(
  pool: pg.Pool,
  api: EtlApi,
  opts: RunEtlOptions,
  s: RunSettings,
  watermarks: Watermarks,
  ctx: LoadContext,
): Promise<EntityResult[]> {
  // Entities of one phase are extracted and loaded at once: the dimensions, then the facts (which
  // find their members loaded; one missing still gets an inferred member).
  const byName = new Map<EntityName, EntityResult>();
  for (const phase of PHASES) {
    const todo = phase.filter((n) => s.names.includes(n));
    const done = await Promise.all(
      todo.map((n) =>
        runEntity(pool, api, n, extractFrom(n, opts, s, watermarks), ctx, {
          pageSize: s.pageSize,
          progress: !!opts.progress,
          log: s.log,
        }),
      ),
    );
    done.forEach((r) => byName.set(r.entity, r));
  }
  return s.names.map((n) => byName.get(n)!);
}

/** Checks the warehouse against the source totals of the entities that loaded; a check that cannot run is a mismatch. */
async function reconcileRun(
  api: EtlApi,
  pool: pg.Pool,
  s: RunSettings,
  results: EntityResult[],
): Promise<Reconciliation> {
  const ok = (n: EntityName) => results.some((r) => r.entity === n && r.status === 'SUCCEEDED');
  const skippedWhy: string[] = [];
  if (s.names.includes('orders') && !ok('orders'))
    skippedWhy.push('sales totals: the orders extraction failed');
  if (s.names.includes('stock') && !ok('stock')) skippedWhy.push('stock totals: the stock extraction failed');
  if (s.names.includes('purchaseOrders') && !ok('purchaseOrders'))
    skippedWhy.push('purchasing totals: the purchase orders extraction failed');
  try {
    return await reconcile(api, pool, {
      sales: ok('orders'),
      stock: ok('stock'),
      purchases: ok('purchaseOrders'),
      snapshotDate: s.snapshotDate,
      skippedWhy,
    });
  } catch (err) {
    return {
      ok: false,
      checks: [],
      skipped: skippedWhy,
      mismatches: [`reconciliation could not run: ${(err as Error).message}`],
    };
  }
}

/** FAILED when the API was unreachable or reconciliation failed; PARTIAL when some entities failed. */
function judgeRun(
  fatal: string | undefined,
  reconciliation: Reconciliation | null,
  results: EntityResult[],
): { status: RunStatus; error: string | null } {
  const failedEntities = results.filter((r) => r.status === 'FAILED');
  const failures = () => failedEntities.map((r) => `${r.entity} failed: ${r.error}`).join('; ');
  if (fatal) return { status: 'FAILED', error: fatal };
  if (reconciliation && !reconciliation.ok) {
    let error = `Reconciliation failed: ${reconciliation.mismatches.join('; ')}`;
    if (failedEntities.length) error += `; ${failures()}`;
    return { status: 'FAILED', error };
  }
  if (failedEntities.length)
    return { status: failedEntities.length === results.length ? 'FAILED' : 'PARTIAL', error: failures() };
  return { status: 'SUCCEEDED', error: null };
}

function total(
  results: EntityResult[],
  k: 'extracted' | 'inserted' | 'updated' | 'unchanged' | 'written',
): number {
  return results.reduce((a, r) => a + r[k], 0);
}

/**
 * Fresh statistics on every table this run changed materially, and on any never analysed (the
 * seeded dimensions, dim_date): servers may run without autovacuum, and without statistics the
 * planner misestimates the new rows and OLAP queries pick nested loops.
 */
async function refreshStatistics(
  pool: pg.Pool,
  results: EntityResult[],
  log: (line: string) => void,
): Promise<void> {
  const written: Record<string, number> = {};
  for (const r of results)
    for (const table of ENTITIES[r.entity].tables) written[table] = (written[table] ?? 0) + r.written;
  const analysed = await analyzeStale(pool, ['dw', 'staging', 'meta'], { written });
  if (analysed.length) log(`statistics refreshed: ${analysed.join(', ')}`);
}

/** Records the run's outcome and counters (meta.etl_runs). */
async function closeRun(
  pool: pg.Pool,
  runId: number,
  status: RunStatus,
  results: EntityResult[],
  reconciliation: Reconciliation | null,
  error: string | null,
): Promise<void> {
  await pool.query(
    `UPDATE meta.etl_runs SET status = $2, finished_at = clock_timestamp(), rows_extracted = $3, rows_inserted = $4, rows_updated = $5,
       rows_unchanged = $6, rows_written = $7, reconciliation = $8, error = $9 WHERE run_id = $1`,
    [
      runId,
      status,
      total(results, 'extracted'),
      total(results, 'inserted'),
      total(results, 'updated'),
      total(results, 'unchanged'),
      total(results, 'written'),
      reconciliation ? JSON.stringify(reconciliation) : null,
      error,
    ],
  );
}

function describeOutcome(
  runId: number,
  status: RunStatus,
  rowsWritten: number,
  reconciliation: Reconciliation | null,
  error: string | null,
): string {
  return status === 'SUCCEEDED'
    ? rowsWritten === 0
      ? `Run ${runId} SUCCEEDED: no change in the source, 0 rows written; reconciliation OK (${reconciliation?.checks.length ?? 0} checks).`
      : `Run ${runId} SUCCEEDED: ${rowsWritten} rows written; reconciliation OK (${reconciliation?.checks.length ?? 0} checks).`
    : `Run ${runId} ${status}: ${error}`;
}

async function runEntity(
  pool: pg.Pool,
  api: EtlApi,
  name: EntityName,
  updatedFrom: string | null,
  ctx: LoadContext,
  o: { pageSize: number; progress: boolean; log: (l: string) => void },
): Promise<EntityResult> {
  const spec = ENTITIES[name];
  const t0 = Date.now();
  const r: EntityResult = {
    entity: name,
    status: 'SUCCEEDED',
    pages: 0,
    extracted: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    deleted: 0,
    written: 0,
    seconds: 0,
  };
  await pool.query(`INSERT INTO meta.etl_run_entities (run_id, entity) VALUES ($1, $2)`, [ctx.runId, name]);
  const bar = o.progress ? progressBar(name, 0) : undefined;
  try {
    // Extraction is pipelined with loading: the next page is requested while this one is loaded.
    // Where the entity's seconds go: waiting for the API (what pipelining does not hide) and loading.
    let waitMs = 0;
    let loadMs = 0;
    let pending = spec.fetch(api, o.pageSize, null, updatedFrom);
    for (;;) {
      const waited = Date.now();
      const page = await pending;
      const loading = Date.now();
      waitMs += loading - waited;
      const next =
        page.hasNextPage && page.endCursor ? spec.fetch(api, o.pageSize, page.endCursor, updatedFrom) : null;
      next?.catch(() => undefined); // a failure is reported when awaited; none if this page's load fails first
      const { last, count: rows } = page;
      const pageNo = r.pages + 1;
      // One transaction: staging, dimensions, facts, counters, checkpoint and watermark of this page.
      const c = await withTransaction(pool, async (tx) => {
        // A page's statements run in milliseconds to a second: compiling them (JIT) only costs.
        await tx.query('SET LOCAL jit = off');
        const counts = await page.load(tx, ctx);
        await tx.query(
          `UPDATE meta.etl_run_entities SET pages = pages + 1, rows_extracted = rows_extracted + $3, rows_inserted = rows_inserted + $4,
             rows_updated = rows_updated + $5, rows_unchanged = rows_unchanged + $6, rows_deleted = rows_deleted + $7, rows_written = rows_written + $8
           WHERE run_id = $1 AND entity = $2`,
          [
            ctx.runId,
            name,
            rows,
            counts.inserted,
            counts.updated,
            counts.unchanged,
            counts.deleted,
            counts.written,
          ],
        );
        await tx.query(
          `INSERT INTO meta.checkpoints (run_id, entity, page_no, cursor, last_updated_at, last_id, rows_committed)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (run_id, entity) DO UPDATE SET page_no = excluded.page_no, cursor = excluded.cursor,
             last_updated_at = coalesce(excluded.last_updated_at, checkpoints.last_updated_at), last_id = coalesce(excluded.last_id, checkpoints.last_id),
             rows_committed = checkpoints.rows_committed + excluded.rows_committed, committed_at = clock_timestamp()`,
          [ctx.runId, name, pageNo, page.endCursor, last?.updatedAt ?? null, last?.id ?? null, rows],
        );
        if (last)
          await tx.query(
            `INSERT INTO meta.watermarks (entity, last_updated_at, last_id, run_id) VALUES ($1, $2, $3, $4)
             ON CONFLICT (entity) DO UPDATE SET last_updated_at = excluded.last_updated_at, last_id = excluded.last_id,
               run_id = excluded.run_id, committed_at = clock_timestamp()
             WHERE excluded.last_updated_at >= watermarks.last_updated_at`,
            [name, last.updatedAt, last.id, ctx.runId],
          );
        return counts;
      });
      loadMs += Date.now() - loading;
      r.pages = pageNo;
      r.extracted += rows;
      r.inserted += c.inserted;
      r.updated += c.updated;
      r.unchanged += c.unchanged;
      r.deleted += c.deleted;
      r.written += c.written;
      bar?.update(r.extracted);
      if (!next) break;
      pending = next;
    }
    r.seconds = (Date.now() - t0) / 1000;
    o.log(
      `${name}: ${r.pages} pages in ${r.seconds.toFixed(1)} s, ${(waitMs / 1000).toFixed(1)} s waiting for the API, ${(loadMs / 1000).toFixed(1)} s loading`,
    );
    bar?.stop(`${r.extracted} extracted, ${r.inserted} new, ${r.updated} changed, ${r.unchanged} unchanged`);
    await pool.query(
      `UPDATE meta.etl_run_entities SET status = 'SUCCEEDED', finished_at = clock_timestamp() WHERE run_id = $1 AND entity = $2`,
      [ctx.runId, name],
    );
  } catch (err) {
    r.status = 'FAILED';
    r.seconds = (Date.now() - t0) / 1000;
    r.error = err instanceof SourceUnavailableError ? err.message : `${name}: ${(err as Error).message}`;
    bar?.stop(`FAILED: ${r.error}`);
    o.log(`${name} FAILED: ${r.error}`);
    await pool.query(
      `UPDATE meta.etl_run_entities SET status = 'FAILED', finished_at = clock_timestamp(), error = $3 WHERE run_id = $1 AND entity = $2`,
      [ctx.runId, name, r.error],
    );
  }
  return r;
}

export function formatSummary(results: EntityResult[], seconds: number): string {
  const head = [
    'entity',
    'status',
    'pages',
    'extracted',
    'inserted',
    'updated',
    'unchanged',
    'deleted',
    'written',
    'seconds',
  ];
  const rows = results.map((r) =>
    [
      r.entity,
      r.status,
      r.pages,
      r.extracted,
      r.inserted,
      r.updated,
      r.unchanged,
      r.deleted,
      r.written,
      r.seconds.toFixed(1),
    ].map(String),
  );
  const tot = (k: keyof EntityResult) => String(results.reduce((a, r) => a + (r[k] as number), 0));
  rows.push([
    'total',
    '',
    tot('pages'),
    tot('extracted'),
    tot('inserted'),
    tot('updated'),
    tot('unchanged'),
    tot('deleted'),
    tot('written'),
    seconds.toFixed(1),
  ]);
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(width[i]!) : c.padStart(width[i]!))).join('  ');
  return [line(head), width.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
