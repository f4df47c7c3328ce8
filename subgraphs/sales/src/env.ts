import { baseEnvShape, parseEnv, port } from '@erp/kit';
import { z } from 'zod';

/** The URL of another subgraph this one calls; blank means the local default. */
const subgraphUrl = (name: string, local: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z
      .url({
        protocol: /^https?$/,
        error: `must be an http(s):// URL of the ${name} subgraph, e.g. ${local}`,
      })
      .default(local),
  );

export const salesEnv = z.object({
  ...baseEnvShape,
  SALES_PORT: port(4104),
  /** The catalog subgraph, which owns the stock: orders reserve, release and ship through it. */
  CATALOG_URL: subgraphUrl('catalog', 'http://127.0.0.1:4101/graphql'),
  /** The customers subgraph: an order's customer is checked there. */
  CUSTOMERS_URL: subgraphUrl('customers', 'http://127.0.0.1:4102/graphql'),
  SUBGRAPH_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters (a random secret shared with the gateway)'),
});
export type SalesEnv = z.infer<typeof salesEnv>;
export const loadEnv = () => parseEnv(salesEnv);
