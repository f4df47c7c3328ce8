import pg from 'pg';
import { ConfigError } from '../errors';
import { databaseName, quoteIdent, withDatabase } from './server';

/** Where a URL points, for a message: user, host, port and database, never the password. */
export function describeUrl(url: string): string {
  const u = new URL(url);
  const user = decodeURIComponent(u.username) || '(default user)';
  return `${user}@${u.hostname || 'localhost'}:${u.port || 5432}/${databaseName(url)}`;
}

type PgFailure = Error & { code?: string };

/** What went wrong, in words an operator acts on (the driver's own text is kept to its first line). */
function reason(err: PgFailure, url: string): string {
  const where = describeUrl(url);
  switch (err.code) {
    case 'ECONNREFUSED':
      return `nothing answers at ${where} (connection refused): is PostgreSQL running there?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host of ${where} is unknown`;
    case 'ETIMEDOUT':
      return `${where} did not answer in time`;
    case '28P01':
      return `${where}: the password was refused`;
    case '28000':
      return `${where}: this user may not connect (${firstLine(err.message)})`;
    case '3D000':
      return `${where}: the database does not exist`;
    default:
      return `cannot connect to ${where}: ${firstLine(err.message)}`;
  }
}
const firstLine = (s: string) => s.split('\n')[0]!.slice(0, 200);

async function tryConnect(url: string, timeoutMs: number): Promise<PgFailure | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined); // a server going away mid-check is reported by connect() or query()
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    const e = err as PgFailure;
    // pg reports its own timeout without a code
    if (!e.code && /timeout/i.test(e.message)) e.code = 'ETIMEDOUT';
    return e;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Checks that `variable`'s database answers before anything starts on it. A database that does not
 * exist is created when the server lets this user (CREATE DATABASE from the `postgres` database);
 * anything else stops with ONE line naming the variable (a ConfigError), never a driver stack.
 */
export async function reachDatabase(
  variable: string,
  url: string,
  opts: { timeoutMs?: number; log?: (line: string) => void } = {},
): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 10_000; // a loaded server still answers in seconds; a wrong host or port fails at once
  const failure = await tryConnect(url, timeoutMs);
  if (!failure) return;
  if (failure.code !== '3D000') throw new ConfigError([{ variable, reason: reason(failure, url) }]);
  const database = databaseName(url);
  const admin = new pg.Client({
    connectionString: withDatabase(url, 'postgres'),
    connectionTimeoutMillis: timeoutMs,
  });
  admin.on('error', () => undefined);
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${quoteIdent(database)}`).catch((err: PgFailure) => {
      if (err.code !== '42P04' && err.code !== '23505') throw err; // created meanwhile by another process
    });
    opts.log?.(`created the database ${database} (${variable})`);
  } catch (err) {
    const e = err as PgFailure;
    const why = e.code === '42501' ? 'this user may not create it' : firstLine(e.message);
    throw new ConfigError([
      {
        variable,
        reason: `${describeUrl(url)}: the database does not exist, and creating it failed (${why}): create it, or give the user CREATEDB`,
      },
    ]);
  } finally {
    await admin.end().catch(() => undefined);
  }
}
