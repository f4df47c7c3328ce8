import { migrateDwh } from '@erp/dwh-schema';
import { runStandaloneSubgraph } from '@erp/kit/graphql';
import { loadEnv } from './env';
import { ANALYTICS_POOL_IDLE_MS, createAnalyticsSubgraph } from './server';

runStandaloneSubgraph(() => {
  const env = loadEnv();
  return {
    name: 'analytics',
    env,
    database: { url: env.DWH_DATABASE_URL, variable: 'DWH_DATABASE_URL' },
    port: env.ANALYTICS_PORT,
    pool: { idleTimeout: ANALYTICS_POOL_IDLE_MS },
    // the tables it reads and writes are the warehouse migrations'
    prepare: (url) => migrateDwh(url),
    build: createAnalyticsSubgraph,
  };
});
