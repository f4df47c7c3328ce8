import { connectDatabases, createPool, parseCli, runCli } from '@erp/kit';
import { describeRollupRefresh, refreshStaleRollups } from '@erp/semantic';
import { ENTITY_NAMES, type EntityName } from './entities';
import { etlEnv } from './env';
import { runEtl } from './run';

const spec = {
  usage: 'npm run etl -- [--full] [--entity NAME]... [--since DATE]',
  description:
    'Loads the data warehouse from the OLTP, through the GraphQL API only (GATEWAY_URL, logged in as ETL_EMAIL / ETL_PASSWORD,\n' +
    'a read-only ANALYST account), into DWH_DATABASE_URL (default: erp_distribution_dwh beside the OLTP). Incremental from the\n' +
    'committed watermarks; each page commits atomically, so a killed run is simply run again. Exit code: 0 succeeded,\n' +
    '1 failed (e.g. a reconciliation mismatch), 3 partial (an entity failed, e.g. its subgraph is down).',
  options: {
    full: { type: 'boolean' as const },
    entity: { type: 'string' as const, multiple: true as const },
    since: { type: 'string' as const },
  },
  help: {
    full: 're-read every row (ignore the watermarks; unchanged rows are still skipped by checksum)',
    entity: `only this entity (repeatable, or comma-separated): ${ENTITY_NAMES.join(', ')}`,
    since: 'extract rows updated since this date or date-time (ISO 8601) instead of the watermark',
  },
  examples: ['npm run etl', 'npm run etl -- --full', 'npm run etl -- --entity orders --since 2026-01-01'],
};

runCli(async () => {
  const args = parseCli(spec);
  const entities = (args.entity ?? [])
    .flatMap((e) => e.split(','))
    .map((e) => e.trim())
    .filter(Boolean);
  for (const e of entities)
    if (!(ENTITY_NAMES as readonly string[]).includes(e)) {
      console.error(`--entity: unknown entity "${e}" (expected one of ${ENTITY_NAMES.join(', ')})`);
      return 2;
    }
  if (args.since !== undefined && Number.isNaN(new Date(args.since).getTime())) {
    console.error(`--since: expected an ISO 8601 date or date-time, got "${args.since}"`);
    return 2;
  }
  const env = etlEnv();
  const dbs = env.DWH_DATABASE_URL ? undefined : await connectDatabases(env);
  try {
    const result = await runEtl({
      gatewayUrl: env.GATEWAY_URL,
      credentials: { email: env.ETL_EMAIL, password: env.ETL_PASSWORD },
      dwhUrl: env.DWH_DATABASE_URL ?? dbs!.dwhUrl,
      full: !!args.full,
      entities: entities as EntityName[],
      since: args.since,
      pageSize: env.ETL_PAGE_SIZE,
      lookbackMinutes: env.ETL_LOOKBACK_MINUTES,
      progress: true,
      log: (line) => console.log(line),
    });
    // The pipeline refreshes the rollups in a stage of its own; by hand, right after the run.
    if (result.status !== 'FAILED') {
      const pool = createPool(env.DWH_DATABASE_URL ?? dbs!.dwhUrl, {
        max: 2,
        applicationName: 'erp-etl-rollups',
      });
      try {
        console.log(describeRollupRefresh(await refreshStaleRollups(pool)));
      } finally {
        await pool.end();
      }
    }
    return result.exitCode;
  } finally {
    await dbs?.close();
  }
});
