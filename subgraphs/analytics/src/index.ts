import { migrateDwh } from '@erp/dwh-schema';
import { createLogger, createPool, runCli } from '@erp/kit';
import { loadEnv } from './env';
import { ANALYTICS_POOL_IDLE_MS, createAnalyticsSubgraph } from './server';

/** Starts the analytics subgraph alone (npm start runs all services together). */
runCli(async () => {
  const env = loadEnv();
  if (!env.DWH_DATABASE_URL)
    throw new Error('DWH_DATABASE_URL is required to start the analytics subgraph on its own');
  const log = createLogger('analytics', env.LOG_LEVEL);
  await migrateDwh(env.DWH_DATABASE_URL); // the tables it reads and writes are the warehouse migrations'
  const pool = createPool(env.DWH_DATABASE_URL, {
    applicationName: 'analytics',
    idleTimeout: ANALYTICS_POOL_IDLE_MS,
  });
  const subgraph = await createAnalyticsSubgraph({
    pool,
    log,
    identitySecret: env.SUBGRAPH_SECRET,
    production: env.NODE_ENV === 'production',
  });
  const http = await subgraph.listen(env.ANALYTICS_PORT);
  log.info(`analytics subgraph ready at ${http.url}/graphql`);
  await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
  await http.close();
  await subgraph.stop();
  await pool.end();
});
