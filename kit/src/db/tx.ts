import type pg from 'pg';
import { ConflictError } from '../errors';

export type Tx = pg.PoolClient;

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock

/**
 * Runs `fn` in one transaction and commits, or rolls back on any error. Serialization failures and
 * deadlocks are retried up to 5 times with backoff 0.2 s → 2 s, then reported as CONFLICT.
 */
export async function withTransaction<T>(pool: pg.Pool, fn: (tx: Tx) => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      const code = (err as { code?: string }).code;
      if (code && RETRYABLE.has(code)) {
        if (attempt >= attempts) throw new ConflictError('The operation kept conflicting with concurrent changes; retry');
        await new Promise((r) => setTimeout(r, Math.min(2000, 200 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2)));
        continue;
      }
      throw err;
    } finally {
      client.release();
    }
  }
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
