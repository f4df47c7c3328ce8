import type pg from 'pg';
import type { Logger } from '@erp/kit';

/** One step of the pipeline (ETL, mining, reporting…). */
export interface Stage {
  name: string;
  /** Stages whose failure makes this one pointless (it is then skipped, with the reason). */
  dependsOn?: string[];
  /**
   * What the stage's input is, as a string that changes when the input changes (e.g. the last ETL
   * run id and the OLTP's last update). Same as at the last successful run → the stage is skipped.
   * Return null to always run.
   */
  fingerprint(): Promise<string | null>;
  /** What an unchanged input is, in words, for the reason of the skip (e.g. "no ETL run wrote rows since ETL run 12"). */
  unchanged?(fingerprint: string): string;
  run(): Promise<Record<string, unknown> | void>;
}

export type StageStatus = 'SUCCEEDED' | 'FAILED' | 'SKIPPED';
export interface StageOutcome {
  name: string;
  status: StageStatus;
  reason?: string;
  fingerprint: string | null;
  attempts: number;
  startedAt: string;
  finishedAt: string;
  result?: Record<string, unknown>;
  error?: string;
}
export type RunStatus = 'SUCCEEDED' | 'DEGRADED' | 'FAILED';
export interface PipelineResult {
  status: RunStatus | 'ALREADY_RUNNING';
  runId: number | null;
  stages: StageOutcome[];
}

export const PIPELINE_LOCK = 7_402_114; // pg advisory lock: one pipeline at a time, across processes

export interface PipelineOptions {
  pool: pg.Pool;
  stages: Stage[];
  trigger: 'manual' | 'schedule' | 'catch-up' | 'start';
  tick?: Date | null;
  log: Logger;
  /** Attempts per stage (1 = no retry) and the first backoff; it doubles each time, capped at 60 s. */
  attempts?: number;
  backoffMs?: number;
  onStage?: (name: string, phase: 'start' | StageStatus, detail?: string) => void;
}

/** The fingerprint each stage had at its last successful run. */
async function lastFingerprints(pool: pg.Pool): Promise<Map<string, string>> {
  const { rows } = await pool.query<{ name: string; fingerprint: string }>(
    `SELECT DISTINCT ON (s->>'name') s->>'name' AS name, s->>'fingerprint' AS fingerprint
       FROM automation.pipeline_runs r, jsonb_array_elements(r.stages) s
      WHERE s->>'status' = 'SUCCEEDED' AND s->>'fingerprint' IS NOT NULL
      ORDER BY s->>'name', r.id DESC`,
  );
  return new Map(rows.map((r) => [r.name, r.fingerprint]));
}

/**
 * Runs the stages in order, at most one pipeline at a time across processes (advisory lock held on
 * a dedicated connection for the whole run). A stage whose input did not change since its last
 * success is skipped with that reason; a failing stage is retried with backoff, then recorded as
 * failed: the stages depending on it are skipped, the others still run, and the run is DEGRADED.
 */
export async function runPipeline(opts: PipelineOptions): Promise<PipelineResult> {
  const lockClient = await opts.pool.connect();
  try {
    const { rows } = await lockClient.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
      PIPELINE_LOCK,
    ]);
    if (!rows[0]!.ok) {
      opts.log.info('pipeline already running elsewhere: this trigger does nothing');
      return { status: 'ALREADY_RUNNING', runId: null, stages: [] };
    }
    try {
      return await runLocked(opts);
    } finally {
      await lockClient.query('SELECT pg_advisory_unlock($1)', [PIPELINE_LOCK]);
    }
  } finally {
    lockClient.release();
  }
}

async function runLocked(opts: PipelineOptions): Promise<PipelineResult> {
  const { rows } = await opts.pool.query<{ id: number }>(
    `INSERT INTO automation.pipeline_runs (trigger, tick, status) VALUES ($1, $2, 'RUNNING') RETURNING id`,
    [opts.trigger, opts.tick ?? null],
  );
  const runId = rows[0]!.id;
  const log = opts.log.child({ runId });
  const previous = await lastFingerprints(opts.pool);
  const outcomes: StageOutcome[] = [];
  /**
   * While the run runs, the ledger also lists the stage under way (RUNNING, since when) and those
   * still to come (PENDING): whoever follows the run sees which stage it is at and how far it got.
   * The finished run keeps its outcomes only.
   */
  const live = (current: { name: string; startedAt: string } | null) => {
    const rest = opts.stages
      .slice(outcomes.length)
      .map((s) =>
        current?.name === s.name
          ? { name: s.name, status: 'RUNNING', attempts: 0, startedAt: current.startedAt }
          : { name: s.name, status: 'PENDING', attempts: 0 },
      );
    return [...outcomes, ...rest];
  };
  const save = (status: string, error?: string, current: { name: string; startedAt: string } | null = null) =>
    opts.pool.query(
      `UPDATE automation.pipeline_runs SET stages = $2, status = $3, error = $4,
         finished_at = CASE WHEN $3 = 'RUNNING' THEN NULL ELSE now() END WHERE id = $1`,
      [runId, JSON.stringify(status === 'RUNNING' ? live(current) : outcomes), status, error ?? null],
    );
  await save('RUNNING');
  for (const stage of opts.stages) {
    const startedAt = new Date().toISOString();
    const done = (o: Omit<StageOutcome, 'name' | 'startedAt' | 'finishedAt'>) => {
      const outcome = { name: stage.name, startedAt, finishedAt: new Date().toISOString(), ...o };
      outcomes.push(outcome);
      opts.onStage?.(stage.name, o.status, o.reason ?? o.error);
      log.info(
        { stage: stage.name, status: o.status, reason: o.reason, error: o.error },
        `stage ${stage.name}: ${o.status}`,
      );
      return save('RUNNING');
    };
    const failedDependency = (stage.dependsOn ?? []).find(
      (d) => outcomes.find((o) => o.name === d)?.status === 'FAILED',
    );
    if (failedDependency) {
      await done({
        status: 'SKIPPED',
        reason: `its input stage ${failedDependency} failed`,
        fingerprint: null,
        attempts: 0,
      });
      continue;
    }
    opts.onStage?.(stage.name, 'start');
    await save('RUNNING', undefined, { name: stage.name, startedAt });
    let fingerprint: string | null = null;
    try {
      fingerprint = await stage.fingerprint();
    } catch (err) {
      await done({
        status: 'FAILED',
        error: `could not read its input: ${(err as Error).message}`,
        fingerprint: null,
        attempts: 0,
      });
      continue;
    }
    if (fingerprint !== null && previous.get(stage.name) === fingerprint) {
      const detail = stage.unchanged?.(fingerprint);
      await done({
        status: 'SKIPPED',
        reason: `input unchanged since its last successful run${detail ? `: ${detail}` : ''}`,
        fingerprint,
        attempts: 0,
      });
      continue;
    }
    const attempts = opts.attempts ?? 3;
    let lastError: Error | undefined;
    let result: Record<string, unknown> | void = undefined;
    let n = 0;
    for (n = 1; n <= attempts; n++) {
      try {
        result = await stage.run();
        lastError = undefined;
        break;
      } catch (err) {
        lastError = err as Error;
        log.warn(
          { stage: stage.name, attempt: n, err },
          `stage ${stage.name} failed (attempt ${n}/${attempts})`,
        );
        if (n < attempts)
          await new Promise((r) => setTimeout(r, Math.min(60_000, (opts.backoffMs ?? 1000) * 2 ** (n - 1))));
      }
    }
    if (lastError)
      await done({
        status: 'FAILED',
        error: lastError.message,
        fingerprint,
        attempts: Math.min(n, attempts),
      });
    else await done({ status: 'SUCCEEDED', fingerprint, attempts: n, result: result ?? undefined });
  }
  const failed = outcomes.filter((o) => o.status === 'FAILED');
  // DEGRADED: something failed but some stage still did its work (or had nothing to do).
  const ok = outcomes.filter(
    (o) => o.status === 'SUCCEEDED' || (o.status === 'SKIPPED' && !o.reason?.includes('failed')),
  ).length;
  const status: RunStatus = failed.length === 0 ? 'SUCCEEDED' : ok > 0 ? 'DEGRADED' : 'FAILED';
  await save(status, failed.length ? failed.map((f) => `${f.name}: ${f.error}`).join('; ') : undefined);
  return { status, runId, stages: outcomes };
}
