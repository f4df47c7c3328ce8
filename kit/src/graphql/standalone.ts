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

export interface StandaloneSubgraph<C extends BaseContext> {
  name: string;
  /** The subgraph's settings, as its env.ts parses them. */
  env: { LOG_LEVEL: string; NODE_ENV: string; SUBGRAPH_SECRET: string };
  /** The database it serves from and the variable that names it (for the error when it is missing). */
  database: { url: string | undefined; variable: string };
  port: number;
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
export function runStandaloneSubgraph<C extends BaseContext>(setup: () => StandaloneSubgraph<C>): void {
  runCli(async () => {
    const spec = setup();
    const url = spec.database.url;
    if (!url)
      throw new Error(`${spec.database.variable} is required to start the ${spec.name} subgraph on its own`);
    const log = createLogger(spec.name, spec.env.LOG_LEVEL);
    await spec.prepare?.(url);
    const pool = createPool(url, { ...spec.pool, applicationName: spec.name });
    const subgraph = await spec.build({
      pool,
      log,
      identitySecret: spec.env.SUBGRAPH_SECRET,
      production: spec.env.NODE_ENV === 'production',
    });
    const http = await subgraph.listen(spec.port);
    log.info(`${spec.name} subgraph ready at ${http.url}/graphql${spec.note ? ` (${spec.note})` : ''}`);
    await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
    await http.close();
    await subgraph.stop();
    await pool.end();
  });
}
