import { migrateDwh } from '@erp/dwh-schema';
import { runStandaloneSubgraph } from '@erp/kit/graphql';
import { loadEnv } from './env';
import { ANALYTICS_POOL_IDLE_MS, createAnalyticsSubgraph } from './server';

runStandaloneSubgraph('analytics', loadEnv, (env) => ({
  port: env.ANALYTICS_PORT,
  // The warehouse, never the OLTP; the tables it reads and writes are the warehouse migrations'.
  database: { url: env.DWH_DATABASE_URL, variable: 'DWH_DATABASE_URL' },
  prepare: migrateDwh,
  pool: { idleTimeout: ANALYTICS_POOL_IDLE_MS },
  build: createAnalyticsSubgraph,
}));
