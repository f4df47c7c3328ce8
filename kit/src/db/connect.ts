import type { BaseEnv } from '../env';
import { reachDatabase } from './reach';
import {
  DWH_DATABASE,
  ensureDatabase,
  OLTP_DATABASE,
  startEmbeddedServer,
  withDatabase,
  type PgServer,
} from './server';

export interface Databases {
  oltpUrl: string;
  dwhUrl: string;
  server: PgServer | undefined;
  /** Stops the embedded server if this process started it. */
  close(): Promise<void>;
}

/**
 * Where the OLTP and the warehouse are: DATABASE_URL / DWH_DATABASE_URL when set; otherwise both on
 * the embedded PostgreSQL under .data/ (started here, or reused if another process runs it).
 * The warehouse defaults to a sibling database of the OLTP on the same server.
 */
export async function connectDatabases(
  env: Pick<BaseEnv, 'DATABASE_URL' | 'DWH_DATABASE_URL' | 'EMBEDDED_PG_PORT'>,
  opts: { log?: (line: string) => void; ownSignals?: boolean } = {},
): Promise<Databases> {
  if (env.DATABASE_URL) {
    const oltpUrl = env.DATABASE_URL;
    // An unreachable server or a missing database stops here in one line naming the variable.
    await reachDatabase('DATABASE_URL', oltpUrl, { log: opts.log });
    if (env.DWH_DATABASE_URL)
      await reachDatabase('DWH_DATABASE_URL', env.DWH_DATABASE_URL, { log: opts.log });
    const dwhUrl = env.DWH_DATABASE_URL ?? withDatabase(oltpUrl, DWH_DATABASE);
    return { oltpUrl, dwhUrl, server: undefined, close: async () => undefined };
  }
  const server = await startEmbeddedServer({
    port: env.EMBEDDED_PG_PORT,
    log: opts.log,
    ownSignals: opts.ownSignals,
  });
  await ensureDatabase(server.adminUrl, OLTP_DATABASE);
  const dwhUrl = env.DWH_DATABASE_URL ?? withDatabase(server.adminUrl, DWH_DATABASE);
  if (!env.DWH_DATABASE_URL) await ensureDatabase(server.adminUrl, DWH_DATABASE);
  return {
    oltpUrl: withDatabase(server.adminUrl, OLTP_DATABASE),
    dwhUrl,
    server,
    close: () => server.stop(),
  };
}
