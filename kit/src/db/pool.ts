import { createHash } from 'node:crypto';
import pg from 'pg';

// numeric stays a string (exact money); bigint (int8) counts become numbers; dates stay strings.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export interface PoolOptions {
  max?: number;
  /** ms; 5 s for the API, longer for batch work. */
  statementTimeout?: number;
  applicationName?: string;
  /** ms an unused connection stays open (default 30 s). */
  idleTimeout?: number;
}

let stopping = false;

/**
 * Called when the process shuts down: the database may be stopping at the same moment (a service
 * manager signals the whole process group, the embedded PostgreSQL included), so a connection it
 * closes is expected then, not worth a warning.
 */
export function expectDisconnects(): void {
  stopping = true;
}

/** A pg pool with statement and connection timeouts, and an error handler so idle errors never crash. */
export function createPool(url: string, opts: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: opts.idleTimeout ?? 30000,
    statement_timeout: opts.statementTimeout ?? 5000,
    lock_timeout: 2000,
    idle_in_transaction_session_timeout: 30000,
    application_name: opts.applicationName ?? 'erp',
  });
  // A client held outside a query (an advisory-lock holder between statements) whose connection the
  // server closes would otherwise throw an unhandled 'error' event and crash the process; its holder
  // learns of it from its next query.
  pool.on('connect', (client) => client.on('error', () => undefined));
  pool.on('error', (err) => {
    // An idle client lost its connection (e.g. a database restart): the pool replaces it.
    // 57P01: the server is shutting down (with Ctrl+C the embedded one gets the signal before we do):
    // the next query says so if it stays down.
    if (!stopping && (err as { code?: string }).code !== '57P01')
      process.emitWarning(`PostgreSQL idle client error: ${err.message}`);
  });
  return pool;
}

const statementNames = new Map<string, string>();
/**
 * A hot query as a named (prepared) statement: each connection parses and plans it once, then only
 * binds and executes. For a key lookup PostgreSQL spends more time planning (~0.5 ms) than
 * executing (~0.15 ms). Only for statements whose text comes from a small, fixed set (loaders,
 * list pages), since each connection keeps every statement it has prepared.
 */
export function prepared(text: string, values: unknown[]): pg.QueryConfig {
  let name = statementNames.get(text);
  if (!name) {
    name = `erp_${createHash('sha1').update(text).digest('base64url').slice(0, 22)}`;
    statementNames.set(text, name);
  }
  return { name, text, values };
}
