import { baseEnvShape, parseEnv } from '@erp/kit';
import { z } from 'zod';

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const automationEnvSchema = z.object({
  ...baseEnvShape,
  GATEWAY_URL: z.preprocess(blank, z.url().default('http://127.0.0.1:4000/graphql')),
  ETL_EMAIL: z.preprocess(blank, z.email().default('etl@erp.local')),
  ETL_PASSWORD: z.preprocess(
    blank,
    z.string({ error: 'ETL_PASSWORD is required (npm start generates one into .env in development)' }).min(1),
  ),
  /** The mining write-back's service account (MINING_SERVICE). */
  MINING_EMAIL: z.preprocess(blank, z.email().default('mining@erp.local')),
  MINING_PASSWORD: z.preprocess(
    blank,
    z
      .string({ error: 'MINING_PASSWORD is required (npm start generates one into .env in development)' })
      .min(1),
  ),
  /** When the daily pipeline runs (cron, 5 fields), in TZ. */
  AUTOMATION_CRON: z.preprocess(blank, z.string().default('0 2 * * *')),
  TZ: z.preprocess(blank, z.string().default('UTC')),
});
export type AutomationEnv = z.infer<typeof automationEnvSchema>;
export const loadEnv = () => parseEnv(automationEnvSchema);
