import { baseEnvShape, parseEnv, port } from '@erp/kit';
import { z } from 'zod';
import { weakSecretReason } from './auth/secrets';

const secret = (name: string) =>
  z
    .string({ error: `${name} is required (a random string of at least 32 characters)` })
    .min(32, 'must be at least 32 characters');
const optionalText = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
  z.string().optional(),
);

export const gatewayEnv = z
  .object({
    ...baseEnvShape,
    GATEWAY_PORT: port(4000),
    CONSOLE_PORT: port(3030),
    /**
     * How many reverse proxies of yours (nginx…) stand in front of the console: their X-Forwarded-For
     * entries are trusted to find the browser's address (login throttling). 0: the console is reached directly.
     */
    CONSOLE_TRUSTED_PROXIES: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
      z.coerce.number().int().min(0).max(5).default(0),
    ),
    CATALOG_PORT: port(4101),
    CUSTOMERS_PORT: port(4102),
    SUPPLIERS_PORT: port(4103),
    SALES_PORT: port(4104),
    ANALYTICS_PORT: port(4105),
    /** Signs the access tokens given to users (HS256). */
    JWT_SECRET: secret('JWT_SECRET'),
    /** Signs the identity the gateway passes to the subgraphs (HS256). */
    SUBGRAPH_SECRET: secret('SUBGRAPH_SECRET'),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(900).default(900),
    REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(14),
    ADMIN_EMAIL: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
      z.email().optional(),
    ),
    ADMIN_PASSWORD: optionalText.refine(
      (v) => v === undefined || v.length >= 12,
      'must be at least 12 characters',
    ),
    /** The ETL's read-only service account (ETL_SERVICE); npm start creates it. */
    ETL_EMAIL: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
      z.email().default('etl@erp.local'),
    ),
    ETL_PASSWORD: optionalText.refine(
      (v) => v === undefined || v.length >= 12,
      'must be at least 12 characters',
    ),
    /** The mining write-back's service account (MINING_SERVICE: writes customer segments only); npm start creates it. */
    MINING_EMAIL: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
      z.email().default('mining@erp.local'),
    ),
    MINING_PASSWORD: optionalText.refine(
      (v) => v === undefined || v.length >= 12,
      'must be at least 12 characters',
    ),
    /** The daily pipeline's schedule (cron, 5 fields) and its time zone. */
    AUTOMATION_CRON: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
      z.string().default('0 2 * * *'),
    ),
    TZ: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
      z.string().default('UTC'),
    ),
    /**
     * `local` (default): the subgraphs run in the gateway's process, every internal call in process, no
     * subgraph port opened (one machine); `http`: each subgraph on its own port, called over HTTP (scale-out).
     */
    SUBGRAPH_TRANSPORT: z.enum(['http', 'local']).default('local'),
    /** How long the gateway waits for a subgraph (ms): above the AI provider's timeout, so a slow model falls back instead of timing out. */
    SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(1000).max(300_000).default(15_000),
    /** The AI provider's timeout (read here only to check SUBGRAPH_TIMEOUT_MS against it). */
    AI_TIMEOUT_MS: z.coerce.number().int().min(1).default(10_000),
  })
  .refine((e) => e.SUBGRAPH_TIMEOUT_MS > e.AI_TIMEOUT_MS, {
    path: ['SUBGRAPH_TIMEOUT_MS'],
    message: 'must be above AI_TIMEOUT_MS, so a slow AI provider falls back before the gateway gives up',
  })
  // In production a guessable secret lets anyone sign tokens: refused at start, naming the variable.
  .superRefine((e, ctx) => {
    if (e.NODE_ENV !== 'production') return;
    for (const name of ['JWT_SECRET', 'SUBGRAPH_SECRET'] as const) {
      const reason = weakSecretReason(e[name]);
      if (reason) ctx.addIssue({ code: 'custom', path: [name], message: reason });
    }
    if (e.JWT_SECRET === e.SUBGRAPH_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SUBGRAPH_SECRET'],
        message:
          "must differ from JWT_SECRET (one signs users' tokens, the other the gateway's identity for the subgraphs)",
      });
    }
  });
export type GatewayEnv = z.infer<typeof gatewayEnv>;
export const loadEnv = () => parseEnv(gatewayEnv);
