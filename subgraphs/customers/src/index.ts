import { runStandaloneSubgraph } from '@erp/kit/graphql';
import { loadEnv } from './env';
import { createCustomersSubgraph } from './server';

runStandaloneSubgraph(() => {
  const env = loadEnv();
  return {
    name: 'customers',
    env,
    database: { url: env.DATABASE_URL, variable: 'DATABASE_URL' },
    port: env.CUSTOMERS_PORT,
    build: createCustomersSubgraph,
  };
});
