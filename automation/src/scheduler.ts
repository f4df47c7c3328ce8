import os from 'node:os';
import type pg from 'pg';
import type { Logger } from '@erp/kit';
import { latestTick } from './schedule';

export const PIPELINE_QUEUE = 'pipeline';

/** What the scheduler needs of pg-boss (the real PgBoss satisfies it; tests may pass a fake). */
export interface JobQueue {
  send(name: string, data: object, options?: object): Promise<string | null>;
}

export interface SchedulerOptions {
  pool: pg.Pool;
  queue: JobQueue;
  cron: string;
  tz: string;
  log: Logger;
  /** The clock (tests pass a fake one). */
  now?: () => Date;
  /** Who claims ticks (host:pid by default), for the ledger. */
  instance?: string;
}

export type CheckResult = { tick: Date; catchUp: boolean; jobId: string | null } | null;

/**
 * Turns cron ticks into pipeline jobs, exactly once per tick however many schedulers run: the tick
 * is claimed by an INSERT … ON CONFLICT DO NOTHING in automation.ticks, and only the process whose
 * insert went in sends the job. Ticks missed while no scheduler ran are caught up once (only the
 * latest missed tick is claimed). The very first start only records a baseline: an install that
 * never had a schedule has nothing to catch up.
 */
export class Scheduler {
  private readonly now: () => Date;
  private readonly instance: string;
  constructor(private readonly opts: SchedulerOptions) {
    this.now = opts.now ?? (() => new Date());
    this.instance = opts.instance ?? `${os.hostname()}:${process.pid}`;
  }

  async check(): Promise<CheckResult> {
    const now = this.now();
    const tick = latestTick(this.opts.cron, this.opts.tz, now);
    if (!tick) return null;
    const client = await this.opts.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows: last } = await client.query<{ tick: Date }>(
        `SELECT max(tick) AS tick FROM automation.ticks WHERE cron = $1`,
        [this.opts.cron],
      );
      const baseline = !last[0]!.tick;
      // A tick more than a scheduler interval old when first seen was missed: it is a catch-up.
      const catchUp = !baseline && now.getTime() - tick.getTime() > 5 * 60_000;
      const claimed = await client.query(
        `INSERT INTO automation.ticks (tick, cron, claimed_by, catch_up) VALUES ($1, $2, $3, $4) ON CONFLICT (tick) DO NOTHING RETURNING tick`,
        [tick, this.opts.cron, this.instance, catchUp],
      );
      if (!claimed.rowCount || baseline) {
        await client.query('COMMIT');
        if (baseline && claimed.rowCount)
          this.opts.log.info({ tick }, 'scheduler baseline recorded (first start: nothing to catch up)');
        return null;
      }
      // The job is written through this transaction's connection (pg-boss `db` option): the claim
      // and the job commit together, or neither does.
      const jobId = await this.opts.queue.send(
        PIPELINE_QUEUE,
        { tick: tick.toISOString(), trigger: catchUp ? 'catch-up' : 'schedule' },
        {
          singletonKey: tick.toISOString(),
          db: { executeSql: (text: string, values: unknown[]) => client.query(text, values) },
        },
      );
      await client.query(`UPDATE automation.ticks SET job_id = $2 WHERE tick = $1`, [tick, jobId]);
      await client.query('COMMIT');
      this.opts.log.info(
        { tick, catchUp, jobId },
        catchUp ? 'missed pipeline run: caught up once' : 'pipeline run scheduled',
      );
      return { tick, catchUp, jobId };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}
