import { baseEnvShape, parseEnv } from '@erp/kit';
import { z } from 'zod';

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** The ETL's settings, parsed once with zod (a wrong or missing variable is named at start-up). */
export const etlEnvSchema = z.object({
  ...baseEnvShape,
  GATEWAY_URL: z.preprocess(blank, z.string().url().default('http://127.0.0.1:4000/graphql')),
  /** The read-only ANALYST account the ETL logs in with. */
  ETL_EMAIL: z.preprocess(blank, z.string().email().default('etl@erp.local')),
  ETL_PASSWORD: z.preprocess(blank, z.string().min(1)),
  /** Rows per API page (the API serves the ETL's service identity up to 10,000). */
  ETL_PAGE_SIZE: z.preprocess(blank, z.coerce.number().int().min(1).max(10_000).default(1_000)),
  /** Extraction restarts this many minutes before the watermark (rows committed late with an earlier updated_at). */
  ETL_LOOKBACK_MINUTES: z.preprocess(blank, z.coerce.number().min(0).default(10)),
});
export type EtlEnv = z.infer<typeof etlEnvSchema>;

let cached: EtlEnv | undefined;
export function etlEnv(): EtlEnv {
  return (cached ??= parseEnv(etlEnvSchema));
}
