import { runStandaloneSubgraph } from '@erp/kit/graphql';
import { loadEnv } from './env';
import { createCatalogSubgraph } from './server';

runStandaloneSubgraph('catalog', loadEnv, (env) => ({
  port: env.CATALOG_PORT,
  build: createCatalogSubgraph,
}));
