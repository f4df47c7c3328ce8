import { ConflictError } from '@erp/kit';
import type { Tx } from '@erp/kit/db/tx';
import type pg from 'pg';

/** Namespace of the orders' workflow locks (two-key advisory locks: this constant, the order id). */
const ORDER_LOCK_SPACE = 7_402_114;
const ATTEMPTS = 3;

/**
 * Runs one step sequence of an order's workflow (confirm, ship, cancel, change, sweep) while no
 * other runs for the same order: a session advisory lock on a connection held for the whole
 * sequence, NOT a transaction (no row stays locked while the catalog is called). `fn` gets that
 * connection, and runs its transactions on it (a second connection per order could exhaust the
 * pool under load). A lock still held after lock_timeout is retried with back-off, then CONFLICT.
 * A crash releases the lock with the connection.
 */
export async function withOrderLock<T>(
  pool: pg.Pool,
  orderId: number,
  fn: (client: Tx) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let locked = false;
  let broken: Error | undefined;
  try {
    for (let attempt = 1; !locked; attempt++) {
      try {
        await client.query('SELECT pg_advisory_lock($1, $2)', [ORDER_LOCK_SPACE, orderId]);
        locked = true;
      } catch (err) {
        if ((err as { code?: string }).code !== '55P03') throw err;
        if (attempt >= ATTEMPTS)
          throw new ConflictError(`Order ${orderId} is being changed by someone else; retry in a moment`, {
            field: 'id',
          });
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt * (0.5 + Math.random() / 2)));
      }
    }
    return await fn(client);
  } finally {
    if (locked) {
      await client
        .query('SELECT pg_advisory_unlock($1, $2)', [ORDER_LOCK_SPACE, orderId])
        .catch((err: Error) => {
          broken = err; // the connection is dropped below, and the lock with it
        });
    }
    client.release(broken);
  }
}
