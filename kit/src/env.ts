import { existsSync } from 'node:fs';
import path from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { z } from 'zod';
import { ConfigError } from './errors';
import { repoRoot } from './paths';

let dotenvLoaded = false;

/** Loads the root `.env` once (never overriding variables already set), then returns process.env. */
export function rawEnv(): NodeJS.ProcessEnv {
  if (!dotenvLoaded) {
    const file = path.join(repoRoot(), '.env');
    if (existsSync(file)) loadDotenv({ path: file, override: false, quiet: true });
    dotenvLoaded = true;
  }
  return process.env;
}

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const optionalUrl = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
);
export const port = (fallback: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(65535).default(fallback));

/** Settings every deployable shares: where the databases are and how to log. */
export const baseEnvShape = {
  NODE_ENV: z.preprocess(
    emptyToUndefined,
    z.enum(['development', 'test', 'production']).default('development'),
  ),
  DATABASE_URL: optionalUrl,
  DWH_DATABASE_URL: optionalUrl,
  /**
   * The running application's own connection, as a least-privilege role (owns nothing, appends to the
   * audit log only). Unset: the migrations' role `<database>_app` on DATABASE_URL's server, with
   * APP_DATABASE_PASSWORD (generated into .env by npm start outside production).
   */
  APP_DATABASE_URL: optionalUrl,
  APP_DATABASE_PASSWORD: z.preprocess(
    emptyToUndefined,
    z.string().min(16, 'must be at least 16 characters').optional(),
  ),
  EMBEDDED_PG_PORT: port(54329),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  LOG_DIR: z.preprocess(emptyToUndefined, z.string().default('logs')),
};
export const baseEnv = z.object(baseEnvShape);
export type BaseEnv = z.infer<typeof baseEnv>;

/**
 * Parses the environment with a zod schema, once, and reports every problem by variable name.
 * Deployables call this at start-up and stop on ConfigError.
 */
export function parseEnv<S extends z.ZodType>(schema: S, source: NodeJS.ProcessEnv = rawEnv()): z.infer<S> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      variable: issue.path.join('.') || '(environment)',
      reason: issue.message,
    })),
  );
}
