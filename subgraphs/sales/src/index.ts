import { runStandaloneSubgraph } from '@erp/kit/graphql';
import { loadEnv } from './env';
import { httpCustomers, httpInventory } from './inventory';
import { createSalesSubgraph } from './server';

runStandaloneSubgraph(() => {
  const env = loadEnv();
  const inventory = httpInventory(env.CATALOG_URL, env.SUBGRAPH_SECRET);
  const customers = httpCustomers(env.CUSTOMERS_URL, env.SUBGRAPH_SECRET);
  return {
    name: 'sales',
    env,
    database: { url: env.DATABASE_URL, variable: 'DATABASE_URL' },
    port: env.SALES_PORT,
    build: async (base) => createSalesSubgraph({ ...base, inventory, customers }),
    note: `stock through ${env.CATALOG_URL}`,
  };
});
