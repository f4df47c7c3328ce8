import PgBoss from 'pg-boss';
import type pg from 'pg';
import type { Logger } from '@erp/kit';
import { runPipeline, type Stage } from './pipeline';
import { PIPELINE_QUEUE, Scheduler } from './scheduler';

export interface AutomationOptions {
  pool: pg.Pool;
  /** The OLTP: pg-boss keeps its jobs there (schema pgboss), so workers on several machines share them. */
  connectionString: string;
  stages: () => Stage[];
  cron: string;
  tz: string;
  log: Logger;
  /** How often the scheduler looks for a due tick. */
  checkEveryMs?: number;
  /** Run the worker (take pipeline jobs) in this process; default true. */
  work?: boolean;
}

/**
 * The scheduled pipeline: a scheduler that turns each cron tick into one pg-boss job, and a worker
 * that runs it. pg-boss retries a job whose pipeline threw (with backoff); the pipeline itself
 * retries each stage and records a degraded run rather than throwing.
 */
export async function startAutomation(
  opts: AutomationOptions,
): Promise<{ stop(): Promise<void>; scheduler: Scheduler; boss: PgBoss }> {
  const boss = new PgBoss({ connectionString: opts.connectionString, schema: 'pgboss', max: 3 });
  let stopping = false;
  // While stopping, the database may be going away too (a signal to the whole process group): a lost
  // connection then is expected, recorded at debug level only.
  // 57P01: the database itself is shutting down (Ctrl+C reaches the embedded PostgreSQL too).
  boss.on('error', (err) =>
    stopping || (err as { code?: string }).code === '57P01'
      ? opts.log.debug({ err }, 'pg-boss error while stopping')
      : opts.log.error({ err }, 'pg-boss error'),
  );
  await boss.start();
  await boss.createQueue(PIPELINE_QUEUE, {
    name: PIPELINE_QUEUE,
    retryLimit: 2,
    retryDelay: 60,
    retryBackoff: true,
    expireInSeconds: 4 * 3600,
  });
  if (opts.work !== false) {
    await boss.work<{ tick?: string; trigger?: 'schedule' | 'catch-up' | 'manual' }>(
      PIPELINE_QUEUE,
      async (jobs) => {
        for (const job of jobs) {
          const result = await runPipeline({
            pool: opts.pool,
            stages: opts.stages(),
            trigger: job.data.trigger ?? 'schedule',
            tick: job.data.tick ? new Date(job.data.tick) : null,
            log: opts.log,
          });
          opts.log.info({ jobId: job.id, status: result.status, runId: result.runId }, 'pipeline job done');
        }
      },
    );
  }
  const scheduler = new Scheduler({
    pool: opts.pool,
    queue: boss,
    cron: opts.cron,
    tz: opts.tz,
    log: opts.log,
  });
  const check = () => scheduler.check().catch((err) => opts.log.error({ err }, 'scheduler check failed'));
  await check();
  const timer = setInterval(check, opts.checkEveryMs ?? 30_000);
  return {
    scheduler,
    boss,
    async stop() {
      clearInterval(timer);
      stopping = true;
      await boss.stop({ graceful: true, timeout: 30_000 });
    },
  };
}
