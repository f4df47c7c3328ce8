import { baseEnvShape, parseEnv, port } from '@erp/kit';
import { z } from 'zod';

export const catalogEnv = z.object({
  ...baseEnvShape,
  CATALOG_PORT: port(4101),
  SUBGRAPH_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters (a random secret shared with the gateway)'),
});
export type CatalogEnv = z.infer<typeof catalogEnv>;
export const loadEnv = () => parseEnv(catalogEnv);
