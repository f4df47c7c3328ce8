import { runStandaloneSubgraph } from '@erp/kit/graphql';
import { loadEnv } from './env';
import { httpCustomers, httpInventory } from './inventory';
import { createSalesSubgraph } from './server';

runStandaloneSubgraph('sales', loadEnv, (env) => ({
  port: env.SALES_PORT,
  build: async (base) =>
    createSalesSubgraph({
      ...base,
      inventory: httpInventory(env.CATALOG_URL, env.SUBGRAPH_SECRET),
      customers: httpCustomers(env.CUSTOMERS_URL, env.SUBGRAPH_SECRET),
    }),
  note: `stock through ${env.CATALOG_URL}`,
}));
