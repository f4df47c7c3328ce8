import { createLogger, createPool, runCli } from '@erp/kit';
import { loadEnv } from './env';
import { createCatalogSubgraph } from './server';

/** Starts the catalog subgraph alone (npm start runs all services together). */
runCli(async () => {
  const env = loadEnv();
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is required to start a subgraph on its own');
  const log = createLogger('catalog', env.LOG_LEVEL);
  const pool = createPool(env.DATABASE_URL, { applicationName: 'catalog' });
  const subgraph = await createCatalogSubgraph({
    pool,
    log,
    identitySecret: env.SUBGRAPH_SECRET,
    production: env.NODE_ENV === 'production',
  });
  const http = await subgraph.listen(env.CATALOG_PORT);
  log.info(`catalog subgraph ready at ${http.url}/graphql`);
  await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
  await http.close();
  await subgraph.stop();
  await pool.end();
});
