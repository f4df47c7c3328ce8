// A child process for automation.test.ts: a scheduler or a pipeline in a process of its own.
import pino from 'pino';
import PgBoss from 'pg-boss';
import { createPool } from '@erp/kit';
import { runPipeline } from './pipeline';
import { PIPELINE_QUEUE, Scheduler } from './scheduler';

const role = process.argv[2];
const url = process.env.TEST_DB_URL!;
const log = pino({ level: 'silent' });

async function main(): Promise<string> {
  const pool = createPool(url, { max: 4 });
  try {
    if (role === 'schedule') {
      const boss = new PgBoss({ connectionString: url, schema: 'pgboss', max: 2 });
      await boss.start();
      await boss.createQueue(PIPELINE_QUEUE).catch(() => undefined); // the other process may create it
      const s = new Scheduler({
        pool,
        queue: boss,
        cron: '0 2 * * *',
        tz: 'Europe/Paris',
        log,
        now: () => new Date(process.env.FAKE_NOW!),
      });
      const r = await s.check();
      await boss.stop({ graceful: false, wait: true });
      return r ? 'claimed' : 'not claimed';
    }
    const result = await runPipeline({
      pool,
      log,
      trigger: 'manual',
      stages: [
        {
          name: 'slow',
          fingerprint: async () => null,
          run: async () => void (await new Promise((r) => setTimeout(r, 4000))),
        },
      ],
    });
    return result.status;
  } finally {
    await pool.end();
  }
}
main().then(
  (out) => {
    console.log(out);
    process.exit(0);
  },
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
