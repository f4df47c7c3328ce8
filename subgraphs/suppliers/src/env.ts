import { baseEnvShape, parseEnv, port } from '@erp/kit';
import { z } from 'zod';

export const suppliersEnv = z.object({
  ...baseEnvShape,
  SUPPLIERS_PORT: port(4103),
  SUBGRAPH_SECRET: z.string().min(32, 'must be at least 32 characters (a random secret shared with the gateway)'),
});
export type SuppliersEnv = z.infer<typeof suppliersEnv>;
export const loadEnv = () => parseEnv(suppliersEnv);
