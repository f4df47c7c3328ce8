import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { createPool, repoRoot, ValidationError } from '@erp/kit';
import { ENTITIES } from './canonical';
import { checkStaged, writeStaged } from './load';
import { resolveMapping } from './mappings';
import { stepProgress, type ProgressOptions, type StepProgress } from './progress';
import { createStagingTable, resolveSourceFile, stageFile, type StageResult } from './stage';
import type { EntityCounts, ImportIssue, ImportSummary, Mapping, SkippedRule, SourceSpec } from './types';

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

/** The step under way says how it is doing once it has run a few seconds. */
interface StepTracker {
  track(label: string, rows?: number): void;
  finish(rows?: number): void;
}

/** The import under way: its one connection, what it found so far, and the step a database error is put on. */
interface ImportRun {
  client: pg.PoolClient;
  mapping: Mapping;
  dir: string;
  opts: ImportOptions;
  summary: ImportSummary;
  log: (line: string) => void;
  onIssue: (issue: ImportIssue) => void;
  /** Problems found so far, kept or only counted. */
  problems: () => number;
  step: string;
  progress: StepTracker;
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

  const summary = emptySummary(mapping, dir, !!opts.dryRun);
  const { onIssue, problems } = issueCollector(summary);

  const client = await pool.connect();
  // A lost connection (server stopped mid-import) rejects the pending query; never crash on the event.
  const onClientError = (err: Error) => log(`connection error: ${err.message}`);
  client.on('error', onClientError);
  const run: ImportRun = {
    client,
    mapping,
    dir,
    opts,
    summary,
    log,
    onIssue,
    problems,
    step: 'staging',
    progress: stepTracker(opts),
  };
  try {
    await beginImport(client);
    const stagingBroken = await stageSources(run);
    log(`staged ${summary.files.length} file(s) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await transformAndCheck(run, stagingBroken);
    if (problems() === 0) await writeCanonical(run);
    log('written');
    await commitOrRollBack(run, started);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    onIssue(dbIssue(err, run.step));
    summary.status = 'failed';
  } finally {
    run.progress.finish();
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

function emptySummary(mapping: Mapping, dir: string, dryRun: boolean): ImportSummary {
  return {
    mapping: mapping.name,
    dir,
    dryRun,
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
}

/** Issues go to the summary up to MAX_ISSUES, then are only counted. */
function issueCollector(summary: ImportSummary): {
  onIssue: (issue: ImportIssue) => void;
  problems: () => number;
} {
  return {
    onIssue: (i) => {
      if (summary.issues.length < MAX_ISSUES) summary.issues.push(i);
      else summary.moreIssues++;
    },
    problems: () => summary.issues.length + summary.moreIssues,
  };
}

function stepTracker(opts: ImportOptions): StepTracker {
  let current: StepProgress | undefined;
  const finish = (rows?: number) => {
    current?.done(rows);
    current = undefined;
  };
  return {
    finish,
    track(label, rows = 0) {
      finish();
      current = opts.quiet ? undefined : stepProgress(label, opts.progress);
      if (rows) current?.update(rows);
    },
  };
}

/** Streams every source file of the mapping into its staging table; true when a file could not be read at all. */
async function stageSources(run: ImportRun): Promise<boolean> {
  let stagingBroken = false;
  for (const source of run.mapping.sources)
    if ((await stageSource(run, source)) === 'unreadable') stagingBroken = true;
  // A folder holding none of the mapping's files is a wrong folder or mapping, not an empty import.
  if (!run.summary.files.length && !run.problems())
    run.onIssue({
      file: '(folder)',
      line: null,
      column: null,
      value: run.dir,
      reason: `none of the files of mapping "${run.mapping.name}" is in this folder`,
    });
  return stagingBroken;
}

/** One source file into its staging table; a file that fails midway is rolled back to its savepoint and reported. */
async function stageSource(run: ImportRun, source: SourceSpec): Promise<'staged' | 'missing' | 'unreadable'> {
  const { client, onIssue } = run;
  await createStagingTable(client, source);
  const file = resolveSourceFile(run.dir, source.file);
  if (!file) {
    if (!source.optional)
      onIssue({
        file: `${source.file}.csv`,
        line: null,
        column: null,
        value: null,
        reason: `file not found in ${run.dir}`,
      });
    return 'missing';
  }
  await client.query('SAVEPOINT stage_file');
  let result: StageResult;
  try {
    result = await stageFile(client, file, source, onIssue, {
      quiet: run.opts.quiet,
      progress: run.opts.progress,
    });
  } catch (err) {
    await client.query('ROLLBACK TO SAVEPOINT stage_file');
    if (!(err as { reported?: boolean }).reported)
      onIssue({
        file: path.basename(file),
        line: null,
        column: null,
        value: null,
        reason: (err as Error).message,
      });
    return 'unreadable';
  }
  addStagedFile(run.summary, result);
  await client.query(`ANALYZE ${source.table}`);
  return 'staged';
}

/** The file's counts and the rows its rules changed or skipped, in the summary. */
function addStagedFile(summary: ImportSummary, result: StageResult): void {
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
}

/** The mapping's transform into the canonical staging tables, then the set-wise checks of the staged data. */
async function transformAndCheck(run: ImportRun, stagingBroken: boolean): Promise<void> {
  const { client, mapping, summary, log, progress } = run;
  // Checks run even when some cells were refused (those are null in staging), so one run lists
  // every problem; only a file that could not be read at all stops the mapping's transform.
  if (mapping.transform && !stagingBroken) {
    run.step = 'mapping transform';
    log('transform');
    progress.track('transform');
    await mapping.transform({
      client,
      fact: (name, count) => (summary.facts[name] = count),
      issue: run.onIssue,
      note: (text) => summary.notes.push(text),
    });
  }
  run.step = 'checks';
  progress.finish();
  log('checks');
  progress.track('checks');
  for (const e of ENTITIES) await client.query(`ANALYZE stg_${e.entity}`);
  await checkStaged(client, run.onIssue, !!mapping.strictConsistency);
  progress.finish();
}

/** Upserts the staged data by natural key; a refused write rolls back to its savepoint and is reported. */
async function writeCanonical(run: ImportRun): Promise<void> {
  const { client, summary, progress } = run;
  await client.query('SAVEPOINT write');
  // rows to write per entity: each write is one set-based statement, its line says how many and for how long
  const staged = run.opts.quiet ? new Map<string, number>() : await stagedRows(client);
  try {
    await writeStaged({
      client,
      counts: summary.entities,
      onIssue: run.onIssue,
      step: (name) => {
        progress.finish(summary.entities[run.step]?.read);
        run.step = name;
        run.log(`writing ${name}`);
        progress.track(`writing ${name}`, staged.get(name));
      },
    });
    progress.finish(summary.entities[run.step]?.read);
  } catch (err) {
    await client.query('ROLLBACK TO SAVEPOINT write');
    run.onIssue(dbIssue(err, run.step));
  }
}

/** All or nothing: any problem, or a dry run, rolls everything back; otherwise the run is recorded and committed. */
async function commitOrRollBack(run: ImportRun, started: number): Promise<void> {
  const { client, summary } = run;
  if (run.problems() > 0 || run.opts.dryRun) {
    await client.query('ROLLBACK');
    summary.status = run.problems() > 0 ? 'failed' : 'dry-run';
  } else {
    summary.status = 'committed';
    summary.durationMs = Date.now() - started;
    summary.runId = await recordRun(client, run.mapping.name, run.dir, summary);
    await client.query('COMMIT');
  }
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
