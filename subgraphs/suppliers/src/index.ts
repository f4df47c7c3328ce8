import { runStandaloneSubgraph } from '@erp/kit/graphql';
import { loadEnv } from './env';
import { createSuppliersSubgraph } from './server';
import { httpPurchaseStock } from './stock';

runStandaloneSubgraph('suppliers', loadEnv, (env) => ({
  port: env.SUPPLIERS_PORT,
  build: async (base) =>
    createSuppliersSubgraph({ ...base, stock: httpPurchaseStock(env.CATALOG_URL, env.SUBGRAPH_SECRET) }),
  note: `stock through ${env.CATALOG_URL}`,
}));
