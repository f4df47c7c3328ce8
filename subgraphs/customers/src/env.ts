import { baseEnvShape, parseEnv, port } from '@erp/kit';
import { z } from 'zod';

export const customersEnv = z.object({
  ...baseEnvShape,
  CUSTOMERS_PORT: port(4102),
  SUBGRAPH_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters (a random secret shared with the gateway)'),
});
export type CustomersEnv = z.infer<typeof customersEnv>;
export const loadEnv = () => parseEnv(customersEnv);
