import type { Identity, Logger } from '@erp/kit';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Inventory } from '../inventory';
import { withOrderLock } from './order-lock';

export interface SweepResult {
  /** Orders the catalog says hold stock. */
  checked: number;
  /** Orders whose stock was released: no live (CONFIRMED) order behind it, with why. */
  released: { orderId: number; reference: string; reason: string }[];
}

/** The sweeper acts as no person: the sales service alone (the catalog's audit says so). */
const sweeper = (): Identity => ({
  userId: null,
  email: null,
  role: 'SALES_SERVICE',
  requestId: `sweeper-${randomUUID()}`,
});

/**
 * Finds reservations with no live order behind them and releases them: leftovers of a process
 * that died between reserving and confirming, or of a cancellation whose release failed. Only a
 * CONFIRMED order holds stock. Each order is checked and released under its workflow lock, so a
 * confirmation in progress (which holds that lock from its reservation to its commit) is never
 * taken for a leftover.
 */
export async function sweepReservations(
  deps: { pool: pg.Pool; inventory: Inventory; log: Logger },
  batch = 500,
  opts: { dryRun?: boolean } = {},
): Promise<SweepResult> {
  const who = sweeper();
  const result: SweepResult = { checked: 0, released: [] };
  for (let after = 0; ;) {
    const holds = await deps.inventory.holds(who, after, batch);
    if (!holds.length) break;
    result.checked += holds.length;
    after = holds.at(-1)!.orderId;
    const { rows } = await deps.pool.query<{ id: number; status: string }>(
      `SELECT id, status FROM sales.orders WHERE id = ANY($1)`,
      [holds.map((h) => h.orderId)],
    );
    const status = new Map(rows.map((r) => [r.id, r.status]));
    for (const h of holds.filter((x) => status.get(x.orderId) !== 'CONFIRMED')) {
      // A dry run only lists the candidates (the pipeline's fingerprint: nothing to release, nothing to run).
      if (opts.dryRun) {
        result.released.push({
          orderId: h.orderId,
          reference: h.reference,
          reason: status.has(h.orderId) ? `order is ${status.get(h.orderId)}` : 'no such order',
        });
        continue;
      }
      const reason = await withOrderLock(deps.pool, h.orderId, async (client) => {
        const now = (
          await client.query<{ status: string }>(`SELECT status FROM sales.orders WHERE id = $1`, [h.orderId])
        ).rows[0]?.status;
        if (now === 'CONFIRMED') return null; // confirmed since the batch was read
        await deps.inventory.release(who, h.orderId);
        return now ? `order is ${now}` : 'no such order';
      });
      if (reason) result.released.push({ orderId: h.orderId, reference: h.reference, reason });
    }
    if (holds.length < batch) break;
  }
  if (result.released.length && !opts.dryRun)
    deps.log.warn(
      { released: result.released },
      `stock sweeper: released the reservations of ${result.released.length} order(s) with no live order`,
    );
  return result;
}
