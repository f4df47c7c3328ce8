import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { createPool, repoRoot, ValidationError } from '@erp/kit';
import { ENTITIES } from './canonical';
import { checkStaged, writeStaged } from './load';
import { resolveMapping } from './mappings';
import { stepProgress, type ProgressOptions, type StepProgress } from './progress';
import { createStagingTable, resolveSourceFile, stageFile } from './stage';
import type { EntityCounts, ImportIssue, ImportSummary, Mapping, SkippedRule } from './types';

export * from './types';
export { formatSummary } from './report';
export { MAPPINGS, resolveMapping } from './mappings';
export { stepProgress, type ProgressOptions, type ProgressStream, type StepProgress } from './progress';

export interface ImportOptions {
  /** A pool on the OLTP, or its URL (a pool is then made and closed here). */
  pool?: pg.Pool;
  url?: string;
  /** Folder of the source files; default: the mapping's (relative paths start at the repo root). */
  dir?: string;
  /** `native` (default), `northwind`, `online-retail`, a mapping module's path, or a Mapping. */
  mapping?: string | Mapping;
  /** Validate and report what would change; write nothing. */
  dryRun?: boolean;
  /** No progress output. */
  quiet?: boolean;
  /** Where and when the progress lines of long steps go (default: stderr, after 3 s). */
  progress?: ProgressOptions;
  log?: (line: string) => void;
}

/** Issues kept in memory; beyond it they are only counted (a broken huge file stays reportable). */
const MAX_ISSUES = 50_000;
const IMPORT_LOCK = 7_402_114;

/** One transaction for the whole import, never two at once, with the canonical staging tables. */
async function beginImport(client: pg.PoolClient): Promise<void> {
  await client.query('BEGIN');
  await client.query(`SET LOCAL statement_timeout = 0`);
  await client.query(`SET LOCAL idle_in_transaction_session_timeout = 0`);
  await client.query(`SET LOCAL lock_timeout = '60s'`);
  await client.query(`SET LOCAL client_min_messages = warning`);
  await client.query('SELECT pg_advisory_xact_lock($1)', [IMPORT_LOCK]);
  for (const e of ENTITIES)
    await createStagingTable(client, { file: e.entity, table: `stg_${e.entity}`, columns: e.columns });
}

/**
 * Imports a folder of CSV / .csv.gz files through a mapping, all or nothing: one transaction;
 * every file is streamed into staging tables (COPY), every row validated, then the data is checked
 * set-wise and upserted by natural key. Any problem, found before or while writing, rolls
 * everything back and is listed in the summary. Each run is recorded in platform.import_runs.
 */
export async function importDirectory(opts: ImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  const mapping = resolveMapping(opts.mapping ?? 'native');
  const dir = path.resolve(repoRoot(), opts.dir ?? mapping.defaultDir ?? '.');
  checkReadableDirectory(dir);
  const log = opts.log ?? (() => undefined);
  const ownPool = !opts.pool;
  if (!opts.pool && !opts.url) throw new Error('importDirectory needs a pool or a url');
  const pool =
    opts.pool ?? createPool(opts.url!, { max: 2, statementTimeout: 0, applicationName: 'erp-import' });

  const summary: ImportSummary = {
    mapping: mapping.name,
    dir,
    dryRun: !!opts.dryRun,
    status: 'failed',
    runId: null,
    files: [],
    entities: {},
    rules: [],
    skipped: [],
    facts: {},
    notes: [...(mapping.notes ?? [])],
    issues: [],
    moreIssues: 0,
    durationMs: 0,
  };
  const onIssue = (i: ImportIssue) => {
    if (summary.issues.length < MAX_ISSUES) summary.issues.push(i);
    else summary.moreIssues++;
  };
  const problems = () => summary.issues.length + summary.moreIssues;

  const client = await pool.connect();
  // A lost connection (server stopped mid-import) rejects the pending query; never crash on the event.
  const onClientError = (err: Error) => log(`connection error: ${err.message}`);
  client.on('error', onClientError);
  let step = 'staging';
  let stagingBroken = false;
  // The step under way says how it is doing once it has run a few seconds.
  let current: StepProgress | undefined;
  const finish = (rows?: number) => {
    current?.done(rows);
    current = undefined;
  };
  const track = (label: string, rows = 0) => {
    finish();
    current = opts.quiet ? undefined : stepProgress(label, opts.progress);
    if (rows) current?.update(rows);
  };
  try {
    await beginImport(client);
    for (const source of mapping.sources) {
      await createStagingTable(client, source);
      const file = resolveSourceFile(dir, source.file);
      if (!file) {
        if (!source.optional)
          onIssue({
            file: `${source.file}.csv`,
            line: null,
            column: null,
            value: null,
            reason: `file not found in ${dir}`,
          });
        continue;
      }
      await client.query('SAVEPOINT stage_file');
      let result;
      try {
        result = await stageFile(client, file, source, onIssue, {
          quiet: opts.quiet,
          progress: opts.progress,
        });
      } catch (err) {
        stagingBroken = true;
        await client.query('ROLLBACK TO SAVEPOINT stage_file');
        if (!(err as { reported?: boolean }).reported)
          onIssue({
            file: path.basename(file),
            line: null,
            column: null,
            value: null,
            reason: (err as Error).message,
          });
        continue;
      }
      summary.files.push({
        file: result.file,
        lines: result.lines,
        imported: result.imported,
        skipped: result.skipped,
      });
      for (const { rule, count, lines } of result.rules.values()) {
        summary.rules.push({
          rule: rule.name,
          description: rule.description,
          file: result.file,
          action: rule.action,
          count,
        });
        if (rule.action === 'skip') {
          const sk: SkippedRule = {
            rule: rule.name,
            description: rule.description,
            file: result.file,
            count,
            lines,
          };
          summary.skipped.push(sk);
        }
      }
      await client.query(`ANALYZE ${source.table}`);
    }
    // A folder holding none of the mapping's files is a wrong folder or mapping, not an empty import.
    if (!summary.files.length && !problems())
      onIssue({
        file: '(folder)',
        line: null,
        column: null,
        value: dir,
        reason: `none of the files of mapping "${mapping.name}" is in this folder`,
      });
    log(`staged ${summary.files.length} file(s) in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // Checks run even when some cells were refused (those are null in staging), so one run lists
    // every problem; only a file that could not be read at all stops the mapping's transform.
    if (mapping.transform && !stagingBroken) {
      step = 'mapping transform';
      log('transform');
      track('transform');
      await mapping.transform({
        client,
        fact: (name, count) => (summary.facts[name] = count),
        issue: onIssue,
        note: (text) => summary.notes.push(text),
      });
    }
    {
      step = 'checks';
      finish();
      log('checks');
      track('checks');
      for (const e of ENTITIES) await client.query(`ANALYZE stg_${e.entity}`);
      await checkStaged(client, onIssue, !!mapping.strictConsistency);
      finish();
    }
    if (problems() === 0) {
      await client.query('SAVEPOINT write');
      // rows to write per entity: each write is one set-based statement, its line says how many and for how long
      const staged = opts.quiet ? new Map<string, number>() : await stagedRows(client);
      try {
        await writeStaged({
          client,
          counts: summary.entities,
          onIssue,
          step: (name) => {
            finish(summary.entities[step]?.read);
            step = name;
            log(`writing ${name}`);
            track(`writing ${name}`, staged.get(name));
          },
        });
        finish(summary.entities[step]?.read);
      } catch (err) {
        await client.query('ROLLBACK TO SAVEPOINT write');
        onIssue(dbIssue(err, step));
      }
    }
    log('written');
    if (problems() > 0 || opts.dryRun) {
      await client.query('ROLLBACK');
      summary.status = problems() > 0 ? 'failed' : 'dry-run';
    } else {
      summary.status = 'committed';
      summary.durationMs = Date.now() - started;
      summary.runId = await recordRun(client, mapping.name, dir, summary);
      await client.query('COMMIT');
    }
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    onIssue(dbIssue(err, step));
    summary.status = 'failed';
  } finally {
    finish();
    client.off('error', onClientError);
    client.release();
  }
  summary.durationMs = Date.now() - started;
  // A failed import is recorded (what went wrong stays visible); a dry run is not a run and is not.
  if (summary.status === 'failed') {
    summary.runId = await recordRun(pool, mapping.name, dir, summary).catch(() => null);
  }
  if (ownPool) await pool.end();
  return summary;
}

/** Rows in each canonical staging table (what each write step reads). */
async function stagedRows(client: pg.PoolClient): Promise<Map<string, number>> {
  const { rows } = await client.query<{ entity: string; n: number }>(
    ENTITIES.map((e) => `SELECT '${e.entity}' AS entity, count(*)::int AS n FROM stg_${e.entity}`).join(
      ' UNION ALL ',
    ),
  );
  return new Map(rows.map((r) => [r.entity, r.n]));
}

/** The folder exists and can be listed, or a one-line error naming it. */
export function checkReadableDirectory(dir: string): void {
  try {
    if (!statSync(dir).isDirectory()) throw new ValidationError('dir', dir, 'is not a folder');
    readdirSync(dir);
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    const code = (err as { code?: string }).code;
    throw new ValidationError(
      'dir',
      dir,
      code === 'ENOENT'
        ? 'no such folder'
        : code === 'EACCES'
          ? 'cannot be read (permission denied)'
          : `cannot be read (${code ?? (err as Error).message})`,
    );
  }
}

/** A folder in the native format: it holds at least one file named after a native entity (orders.csv, customers.csv.gz…). */
export function isNativeDirectory(dir: string): boolean {
  return ENTITIES.some((e) => resolveSourceFile(dir, e.entity) !== undefined);
}

function dbIssue(err: unknown, step: string): ImportIssue {
  const e = err as {
    message: string;
    code?: string;
    detail?: string;
    constraint?: string;
    column?: string;
    table?: string;
  };
  return {
    file: `(${step})`,
    line: null,
    column: e.column ?? e.constraint ?? null,
    value: e.detail ?? null,
    reason: e.code ? `the database refused it: ${e.message}` : e.message,
  };
}

async function recordRun(
  db: pg.Pool | pg.PoolClient,
  mapping: string,
  dir: string,
  s: ImportSummary,
): Promise<number> {
  const stored = {
    ...s,
    issues: s.issues.slice(0, 1000),
    moreIssues: s.moreIssues + Math.max(0, s.issues.length - 1000),
  };
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO platform.import_runs (mapping, source, status, started_at, finished_at, summary)
     VALUES ($1, $2, $3, now() - make_interval(secs => $4::double precision / 1000), clock_timestamp(), $5) RETURNING id`,
    [mapping, dir, s.status, s.durationMs, JSON.stringify(stored)],
  );
  return rows[0]!.id;
}

export type { EntityCounts };
