import { createLogger, createPool, runCli } from '@erp/kit';
import { loadEnv } from './env';
import { createSuppliersSubgraph } from './server';
import { httpPurchaseStock } from './stock';

/** Starts the suppliers subgraph alone (npm start runs all services together). */
runCli(async () => {
  const env = loadEnv();
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is required to start a subgraph on its own');
  const log = createLogger('suppliers', env.LOG_LEVEL);
  const pool = createPool(env.DATABASE_URL, { applicationName: 'suppliers' });
  const subgraph = await createSuppliersSubgraph({
    pool,
    log,
    identitySecret: env.SUBGRAPH_SECRET,
    production: env.NODE_ENV === 'production',
    stock: httpPurchaseStock(env.CATALOG_URL, env.SUBGRAPH_SECRET),
  });
  const http = await subgraph.listen(env.SUPPLIERS_PORT);
  log.info(`suppliers subgraph ready at ${http.url}/graphql (stock through ${env.CATALOG_URL})`);
  await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
  await http.close();
  await subgraph.stop();
  await pool.end();
});
