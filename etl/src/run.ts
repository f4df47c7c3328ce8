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
import { ENTITIES, ENTITY_NAMES, type EntityName, type LoadContext, type Page } from './entities';
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
const DEFAULT_PAGE_SIZE = 1_000;
/** Extraction phases: entities of a phase run in parallel. */
const PHASES: readonly EntityName[][] = [
  ['warehouses', 'products', 'customers', 'suppliers', 'salesReps'],
  ['orders', 'stock', 'purchaseOrders'],
];
if (ENTITY_NAMES.some((n) => !PHASES.some((p) => p.includes(n))))
  throw new Error('etl: every entity needs an extraction phase');

/**
 * One ETL run: extracts every entity through the API (typed SDK, keyset pages from the watermark
 * minus a lookback), loads each page — staging, dimensions, facts, counters, checkpoint and watermark
 * — in one warehouse transaction, then reconciles the warehouse with the source totals. An entity
 * whose subgraph is down fails alone (the run is PARTIAL); a reconciliation mismatch fails the run.
 */
export async function runEtl(opts: RunEtlOptions): Promise<RunResult> {
  const started = Date.now();
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

  await migrateDwh(opts.dwhUrl);
  // the lock, one connection per entity loaded at once, and the reconciliation
  const pool = createPool(opts.dwhUrl, { max: 7, statementTimeout: 300_000, applicationName: 'erp-etl' });
  const lock = await pool.connect();
  try {
    // A run killed a moment ago may still hold the lock until PostgreSQL notices its connection is gone.
    const lockDeadline = Date.now() + (opts.lockWaitMs ?? 15_000);
    for (;;) {
      const got = await lock.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [RUN_LOCK]);
      if (got.rows[0]!.ok) break;
      if (Date.now() > lockDeadline)
        throw new ConflictError('Another ETL run is in progress on this warehouse');
      await new Promise((r) => setTimeout(r, 250));
    }
    try {
      return await runLocked();
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [RUN_LOCK]).catch(() => undefined);
    }
  } finally {
    lock.release();
    await pool.end();
  }

  async function runLocked(): Promise<RunResult> {
    // A run killed earlier stays RUNNING: it is closed here; its committed pages stay (the watermarks say where to restart).
    const abandoned = await pool.query(
      `UPDATE meta.etl_runs SET status = 'FAILED', finished_at = clock_timestamp(),
         error = 'interrupted: the process stopped before the run finished; a later run resumed from the committed watermarks'
       WHERE status = 'RUNNING' RETURNING run_id`,
    );
    await pool.query(
      `UPDATE meta.etl_run_entities SET status = 'FAILED', error = 'interrupted', finished_at = clock_timestamp() WHERE status = 'RUNNING'`,
    );
    if (abandoned.rowCount)
      log(`closed interrupted run(s) ${abandoned.rows.map((r) => r.run_id).join(', ')}`);

    const wms = await pool.query<{ entity: string; last_updated_at: Date }>(
      'SELECT entity, last_updated_at FROM meta.watermarks',
    );
    const watermarks = new Map(wms.rows.map((r) => [r.entity, r.last_updated_at]));
    // An entity without a watermark was never loaded — unless it was, from a source that had no row
    // yet (no purchase order so far): its next run reads from the start anyway, which is incremental.
    const loaded = await pool.query<{ entity: string }>(
      `SELECT DISTINCT entity FROM meta.etl_run_entities WHERE status = 'SUCCEEDED'`,
    );
    const everLoaded = new Set(loaded.rows.map((r) => r.entity));
    const full =
      !!opts.full || names.some((n) => ENTITIES[n].watermark && !watermarks.has(n) && !everLoaded.has(n));
    const mode = full && !since ? 'full' : 'incremental';
    const run = await pool.query<{ run_id: number }>(
      `INSERT INTO meta.etl_runs (mode, entities, since, snapshot_date) VALUES ($1, $2, $3, $4) RETURNING run_id`,
      [mode, names, since, snapshotDate],
    );
    const runId = Number(run.rows[0]!.run_id);
    const ctx: LoadContext = { runId, snapshotDate };
    log(`ETL run ${runId} (${mode}${since ? ` since ${since.toISOString()}` : ''}): ${names.join(', ')}`);

    const results: EntityResult[] = [];
    let reconciliation: Reconciliation | null = null;
    let fatal: string | undefined;
    let api: EtlApi | undefined;
    try {
      api = await connectApi({
        gatewayUrl: opts.gatewayUrl,
        credentials: opts.credentials,
        token: opts.token,
      });
    } catch (err) {
      fatal = (err as Error).message;
    }
    if (api) {
      const from = (name: EntityName) =>
        !ENTITIES[name].watermark
          ? null
          : since
            ? since.toISOString()
            : opts.full || !watermarks.has(name)
              ? null
              : new Date(watermarks.get(name)!.getTime() - lookbackMs).toISOString();
      // Entities of one phase are extracted and loaded at once: the dimensions, then the facts (which
      // find their members loaded; one missing still gets an inferred member).
      const byName = new Map<EntityName, EntityResult>();
      for (const phase of PHASES) {
        const todo = phase.filter((n) => names.includes(n));
        const done = await Promise.all(
          todo.map((n) =>
            runEntity(pool, api!, n, from(n), ctx, { pageSize, progress: !!opts.progress, log }),
          ),
        );
        done.forEach((r) => byName.set(r.entity, r));
      }
      for (const n of names) results.push(byName.get(n)!);
      const ok = (n: EntityName) => results.some((r) => r.entity === n && r.status === 'SUCCEEDED');
      const skippedWhy: string[] = [];
      if (names.includes('orders') && !ok('orders'))
        skippedWhy.push('sales totals: the orders extraction failed');
      if (names.includes('stock') && !ok('stock'))
        skippedWhy.push('stock totals: the stock extraction failed');
      if (names.includes('purchaseOrders') && !ok('purchaseOrders'))
        skippedWhy.push('purchasing totals: the purchase orders extraction failed');
      try {
        reconciliation = await reconcile(api, pool, {
          sales: ok('orders'),
          stock: ok('stock'),
          purchases: ok('purchaseOrders'),
          snapshotDate,
          skippedWhy,
        });
      } catch (err) {
        reconciliation = {
          ok: false,
          checks: [],
          skipped: skippedWhy,
          mismatches: [`reconciliation could not run: ${(err as Error).message}`],
        };
      }
    }

    const failedEntities = results.filter((r) => r.status === 'FAILED');
    let status: RunStatus;
    let error: string | null = null;
    if (fatal) {
      status = 'FAILED';
      error = fatal;
    } else if (reconciliation && !reconciliation.ok) {
      status = 'FAILED';
      error = `Reconciliation failed: ${reconciliation.mismatches.join('; ')}`;
      if (failedEntities.length)
        error += `; ${failedEntities.map((r) => `${r.entity} failed: ${r.error}`).join('; ')}`;
    } else if (failedEntities.length) {
      status = failedEntities.length === results.length ? 'FAILED' : 'PARTIAL';
      error = failedEntities.map((r) => `${r.entity} failed: ${r.error}`).join('; ');
    } else status = 'SUCCEEDED';

    const sum = (k: 'extracted' | 'inserted' | 'updated' | 'unchanged' | 'written') =>
      results.reduce((a, r) => a + r[k], 0);
    const rowsWritten = sum('written');
    // Fresh statistics on every table this run changed materially, and on any never analysed (the
    // seeded dimensions, dim_date): servers may run without autovacuum, and without statistics the
    // planner misestimates the new rows and OLAP queries pick nested loops.
    const written: Record<string, number> = {};
    for (const r of results)
      for (const table of ENTITIES[r.entity].tables) written[table] = (written[table] ?? 0) + r.written;
    const analysed = await analyzeStale(pool, ['dw', 'staging', 'meta'], { written });
    if (analysed.length) log(`statistics refreshed: ${analysed.join(', ')}`);
    // The rollups are not refreshed here: that is the pipeline's next stage (refreshStaleRollups, @erp/semantic).
    await pool.query(
      `UPDATE meta.etl_runs SET status = $2, finished_at = clock_timestamp(), rows_extracted = $3, rows_inserted = $4, rows_updated = $5,
         rows_unchanged = $6, rows_written = $7, reconciliation = $8, error = $9 WHERE run_id = $1`,
      [
        runId,
        status,
        sum('extracted'),
        sum('inserted'),
        sum('updated'),
        sum('unchanged'),
        rowsWritten,
        reconciliation ? JSON.stringify(reconciliation) : null,
        error,
      ],
    );
    const seconds = (Date.now() - started) / 1000;
    const summary = formatSummary(results, seconds);
    const message =
      status === 'SUCCEEDED'
        ? rowsWritten === 0
          ? `Run ${runId} SUCCEEDED: no change in the source, 0 rows written; reconciliation OK (${reconciliation?.checks.length ?? 0} checks).`
          : `Run ${runId} SUCCEEDED: ${rowsWritten} rows written; reconciliation OK (${reconciliation?.checks.length ?? 0} checks).`
        : `Run ${runId} ${status}: ${error}`;
    log(summary);
    log(message);
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
    let pending: Promise<Page<never>> = spec.fetch(api, o.pageSize, null, updatedFrom);
    for (;;) {
      const page = await pending;
      const next =
        page.hasNextPage && page.endCursor ? spec.fetch(api, o.pageSize, page.endCursor, updatedFrom) : null;
      next?.catch(() => undefined); // a failure is reported when awaited; none if this page's load fails first
      const nodes = page.nodes as never[];
      const last =
        page.last !== undefined
          ? page.last
          : nodes.length && spec.position
            ? spec.position(nodes[nodes.length - 1]!)
            : null;
      const rows = page.count ?? nodes.length;
      const pageNo = r.pages + 1;
      // One transaction: staging, dimensions, facts, counters, checkpoint and watermark of this page.
      const c = await withTransaction(pool, async (tx) => {
        // A page's statements run in milliseconds to a second: compiling them (JIT) only costs.
        await tx.query('SET LOCAL jit = off');
        const counts = await spec.load(tx, nodes, ctx);
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
