import {
  connectDatabases,
  createLogger,
  createPool,
  migrateOltp,
  parseCli,
  repoRoot,
  runCli,
} from '@erp/kit';
import path from 'node:path';
import { loadEnv } from './env';
import { runPipeline, type PipelineResult } from './pipeline';
import { nextTick } from './schedule';
import { defaultStages } from './stages';
import { startAutomation } from './worker';

const mode = process.argv[2] === 'pipeline' ? 'pipeline' : 'automation';
process.argv.splice(2, 1); // the mode word is not an option
const spec =
  mode === 'pipeline'
    ? {
        usage: 'npm run pipeline',
        description:
          'Runs the daily pipeline now, in the foreground: stock sweeper → ETL → rollups → mining → reporting. A stage whose input did not change\nsince its last success is skipped with the reason; a failing stage is retried, then the run is DEGRADED.\nExit code: 0 succeeded, 3 degraded, 1 failed, 4 another pipeline is already running.',
        options: {} as Record<string, { type: 'boolean' }>,
        help: {} as Record<string, string>,
      }
    : {
        usage: 'npm run automation [-- --schedule]',
        description:
          'Without --schedule: runs the pipeline now (as npm run pipeline, with a JSON summary).\nWith --schedule: stays up and runs it at AUTOMATION_CRON (default 02:00) in TZ, with jobs kept in\nPostgreSQL by pg-boss: several schedulers start each run once, missed runs are caught up once.',
        options: { schedule: { type: 'boolean' } } as Record<string, { type: 'boolean' }>,
        help: { schedule: 'run as a scheduler and worker until stopped (Ctrl+C)' } as Record<string, string>,
      };

const EXIT: Record<PipelineResult['status'], number> = {
  SUCCEEDED: 0,
  DEGRADED: 3,
  FAILED: 1,
  ALREADY_RUNNING: 4,
};

runCli(async () => {
  const args = parseCli(spec) as { schedule?: boolean };
  const env = loadEnv();
  const log = createLogger(mode, {
    level: env.LOG_LEVEL,
    dir: path.resolve(repoRoot(), env.LOG_DIR),
    pretty: true,
    stdout: true,
  });
  const dbs = await connectDatabases(env);
  try {
    await migrateOltp(dbs.oltpUrl);
    const pool = createPool(dbs.oltpUrl, {
      max: 5,
      statementTimeout: 600_000,
      applicationName: `erp-${mode}`,
    });
    const ctx = {
      gatewayUrl: env.GATEWAY_URL,
      credentials: { email: env.ETL_EMAIL, password: env.ETL_PASSWORD },
      miningCredentials: { email: env.MINING_EMAIL, password: env.MINING_PASSWORD },
      dwhUrl: dbs.dwhUrl,
      log,
    };
    if (args.schedule) {
      const automation = await startAutomation({
        pool,
        connectionString: dbs.oltpUrl,
        stages: () => defaultStages(ctx),
        cron: env.AUTOMATION_CRON,
        tz: env.TZ,
        log,
      });
      log.info(
        `scheduler up: next run ${nextTick(env.AUTOMATION_CRON, env.TZ, new Date()).toISOString()} (${env.AUTOMATION_CRON}, ${env.TZ})`,
      );
      await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
      await automation.stop();
      await pool.end();
      return 0;
    }
    const result = await runPipeline({
      pool,
      stages: defaultStages(ctx),
      trigger: 'manual',
      log,
      onStage: (name, phase, detail) =>
        process.stderr.write(
          `[${name}] ${phase === 'start' ? 'running…' : phase}${detail ? `: ${detail}` : ''}\n`,
        ),
    });
    await pool.end();
    if (mode === 'automation') console.log(JSON.stringify(result, null, 2));
    else {
      console.log(`\npipeline ${result.status}${result.runId ? ` (run ${result.runId})` : ''}`);
      for (const s of result.stages)
        console.log(`  ${s.name.padEnd(10)} ${s.status.padEnd(9)} ${s.reason ?? s.error ?? ''}`);
    }
    return EXIT[result.status];
  } finally {
    await dbs.close();
  }
});
