import { runStandaloneSubgraph } from '@erp/kit/graphql';
import { loadEnv } from './env';
import { createCatalogSubgraph } from './server';

runStandaloneSubgraph(() => {
  const env = loadEnv();
  return {
    name: 'catalog',
    env,
    database: { url: env.DATABASE_URL, variable: 'DATABASE_URL' },
    port: env.CATALOG_PORT,
    build: createCatalogSubgraph,
  };
});
