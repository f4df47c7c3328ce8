import { baseEnvShape, optionalUrl, parseEnv, port } from '@erp/kit';
import { z } from 'zod';

export const analyticsEnv = z.object({
  ...baseEnvShape,
  ANALYTICS_PORT: port(4105),
  /** The warehouse (star schema) this subgraph reads; never the OLTP. */
  DWH_DATABASE_URL: optionalUrl,
  SUBGRAPH_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters (a random secret shared with the gateway)'),
});
export type AnalyticsEnv = z.infer<typeof analyticsEnv>;
export const loadEnv = () => parseEnv(analyticsEnv);
