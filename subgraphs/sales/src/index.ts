import { createLogger, createPool, runCli } from '@erp/kit';
import { loadEnv } from './env';
import { httpCustomers, httpInventory } from './inventory';
import { createSalesSubgraph } from './server';

/** Starts the sales subgraph alone (npm start runs all services together). */
runCli(async () => {
  const env = loadEnv();
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is required to start a subgraph on its own');
  const log = createLogger('sales', env.LOG_LEVEL);
  const pool = createPool(env.DATABASE_URL, { applicationName: 'sales' });
  const inventory = httpInventory(env.CATALOG_URL, env.SUBGRAPH_SECRET);
  const customers = httpCustomers(env.CUSTOMERS_URL, env.SUBGRAPH_SECRET);
  const subgraph = await createSalesSubgraph({
    pool,
    log,
    identitySecret: env.SUBGRAPH_SECRET,
    production: env.NODE_ENV === 'production',
    inventory,
    customers,
  });
  const http = await subgraph.listen(env.SALES_PORT);
  log.info(`sales subgraph ready at ${http.url}/graphql (stock through ${env.CATALOG_URL})`);
  await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
  await http.close();
  await subgraph.stop();
  await pool.end();
});
