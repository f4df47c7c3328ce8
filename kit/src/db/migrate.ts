import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { migrationsDir } from '../paths';
import { ensureAppRole, type AppRole, type AppRoleOutcome } from './app-role';

const MIGRATION_LOCK = 7_402_113; // any constant: serialises migrators of the same database

/**
 * Applies the committed OLTP migrations; concurrent callers wait for each other. With `appRole`, the
 * application's least-privilege role is then created (when the connected user may) and granted its
 * rights on every table, the new ones included.
 */
export async function migrateOltp(
  url: string,
  opts: { appRole?: AppRole } = {},
): Promise<AppRoleOutcome | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SET client_min_messages = warning');
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migrate(drizzle(client), { migrationsFolder: migrationsDir() });
    return opts.appRole ? await ensureAppRole(client, opts.appRole) : undefined;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await client.end();
  }
}
