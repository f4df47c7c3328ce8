import { baseEnvShape, parseEnv, port } from '@erp/kit';
import { z } from 'zod';

export const suppliersEnv = z.object({
  ...baseEnvShape,
  SUPPLIERS_PORT: port(4103),
  /** The catalog subgraph, which owns the stock: purchase receipts post their goods through it. */
  CATALOG_URL: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z
      .url({
        protocol: /^https?$/,
        error: 'must be an http(s):// URL of the catalog subgraph, e.g. http://127.0.0.1:4101/graphql',
      })
      .default('http://127.0.0.1:4101/graphql'),
  ),
  SUBGRAPH_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters (a random secret shared with the gateway)'),
});
export type SuppliersEnv = z.infer<typeof suppliersEnv>;
export const loadEnv = () => parseEnv(suppliersEnv);
