import type pg from 'pg';
import { ConflictError } from '../errors';

export type Tx = pg.PoolClient;

/** Serialization failure, deadlock, lock timeout (a row lock held longer than lock_timeout). */
const RETRYABLE = new Set(['40001', '40P01', '55P03']);

const backoff = (attempt: number) =>
  new Promise((r) => setTimeout(r, Math.min(2000, 200 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2)));

/**
 * Runs `fn` in one transaction and commits, or rolls back on any error. Serialization failures,
 * deadlocks and lock timeouts are retried up to 5 times with backoff 0.2 s → 2 s, then reported as
 * CONFLICT. Only `fn` is repeated: anything that must happen once (a call to another service) stays outside.
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (tx: Tx) => Promise<T>,
  attempts = 5,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    try {
      return await once(client, fn);
    } catch (err) {
      if (!retryable(err, attempt, attempts)) throw err;
      await backoff(attempt);
    } finally {
      client.release();
    }
  }
}

/** The same on a client the caller holds (e.g. one holding a session lock), retried likewise. */
export async function withClientTransaction<T>(
  client: Tx,
  fn: (tx: Tx) => Promise<T>,
  attempts = 5,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await once(client, fn);
    } catch (err) {
      if (!retryable(err, attempt, attempts)) throw err;
      await backoff(attempt);
    }
  }
}

async function once<T>(client: Tx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** True when the error is worth another attempt; CONFLICT once the attempts are spent. */
function retryable(err: unknown, attempt: number, attempts: number): boolean {
  const code = (err as { code?: string }).code;
  if (!code || !RETRYABLE.has(code)) return false;
  if (attempt >= attempts) {
    throw new ConflictError(
      code === '55P03'
        ? 'The record is being changed by someone else; retry in a moment'
        : 'The operation kept conflicting with concurrent changes; retry',
    );
  }
  return true;
}

/** Counts the SQL statements a pool runs (tests assert bounded statement counts with it). */
export function countStatements(pool: pg.Pool): { readonly count: number; reset(): void } {
  const counter = { count: 0 };
  // Counted at the client only: pool.query hands its statement to a client, which counts it once.
  pool.on('acquire', (client: pg.PoolClient & { __counted?: boolean }) => {
    if (client.__counted) return;
    client.__counted = true;
    const q = client.query.bind(client);
    (client as { query: unknown }).query = (...args: unknown[]) => {
      counter.count++;
      return (q as (...a: unknown[]) => unknown)(...args);
    };
  });
  return {
    get count() {
      return counter.count;
    },
    reset() {
      counter.count = 0;
    },
  };
}
