import type pg from 'pg';
import { runCli } from '../cli';
import { createPool, type PoolOptions } from '../db/pool';
import { createLogger, type Logger } from '../logger';
import type { BaseContext, Subgraph } from './subgraph';

/** What every domain subgraph's builder takes (tests and the all-in-one start pass the same). */
export interface SubgraphBase {
  pool: pg.Pool;
  log: Logger;
  identitySecret: string;
  production: boolean;
}

/** The settings every subgraph's env.ts parses. */
export interface StandaloneEnv {
  LOG_LEVEL: string;
  NODE_ENV: string;
  SUBGRAPH_SECRET: string;
  DATABASE_URL?: string;
}

export interface StandaloneSubgraph<C extends BaseContext> {
  port: number;
  /** The database it serves from, when not DATABASE_URL (the variable names it in the error when missing). */
  database?: { url: string | undefined; variable: string };
  pool?: Omit<PoolOptions, 'applicationName'>;
  /** Runs before the pool opens, e.g. the warehouse's migrations. */
  prepare?: (databaseUrl: string) => Promise<unknown>;
  build: (base: SubgraphBase) => Promise<Subgraph<C>>;
  /** Appended to the "ready" line, e.g. where its stock comes from. */
  note?: string;
}

/**
 * Starts one subgraph alone (npm start runs all services together) and serves it until SIGINT or
 * SIGTERM, then stops it in order: the HTTP server, Apollo, the pool.
 */
export function runStandaloneSubgraph<E extends StandaloneEnv, C extends BaseContext>(
  name: string,
  loadEnv: () => E,
  setup: (env: E) => StandaloneSubgraph<C>,
): void {
  runCli(async () => {
    const env = loadEnv();
    const spec = setup(env);
    const { url, variable } = spec.database ?? { url: env.DATABASE_URL, variable: 'DATABASE_URL' };
    if (!url) throw new Error(`${variable} is required to start the ${name} subgraph on its own`);
    const log = createLogger(name, env.LOG_LEVEL);
    await spec.prepare?.(url);
    const pool = createPool(url, { ...spec.pool, applicationName: name });
    const subgraph = await spec.build({
      pool,
      log,
      identitySecret: env.SUBGRAPH_SECRET,
      production: env.NODE_ENV === 'production',
    });
    const http = await subgraph.listen(spec.port);
    log.info(`${name} subgraph ready at ${http.url}/graphql${spec.note ? ` (${spec.note})` : ''}`);
    await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
    await http.close();
    await subgraph.stop();
    await pool.end();
  });
}
