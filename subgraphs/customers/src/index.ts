import { runStandaloneSubgraph } from '@erp/kit/graphql';
import { loadEnv } from './env';
import { createCustomersSubgraph } from './server';

runStandaloneSubgraph('customers', loadEnv, (env) => ({
  port: env.CUSTOMERS_PORT,
  build: createCustomersSubgraph,
}));
