import type { Identity } from '@erp/kit';
import { lazyOnce, pageSize, toConnection } from '@erp/kit/graphql';
import type pg from 'pg';
import type { OrderRow } from '../rows';
import { filterSql, pageSql, whereClause, type OrderListArgs, type OrderPage } from './order-filter';

export interface CustomerOrdersKey {
  customerId: number;
  args: OrderListArgs;
}

/**
 * Customer.orders for many customers at once (DataLoader batch): per distinct set of arguments,
 * one windowed query for the pages and, when totalCount is selected, one grouped query for the counts.
 */
export async function customerOrderPages(
  pool: pg.Pool,
  identity: Identity,
  keys: readonly CustomerOrdersKey[],
): Promise<(OrderPage | Error)[]> {
  const results: (OrderPage | Error)[] = new Array(keys.length);
  const groups = new Map<string, { args: OrderListArgs; at: number[] }>();
  keys.forEach((k, i) => {
    const sig = JSON.stringify([k.args.first, k.args.after, k.args.filter, k.args.orderBy]);
    const g = groups.get(sig) ?? { args: k.args, at: [] };
    g.at.push(i);
    groups.set(sig, g);
  });
  await Promise.all(
    [...groups.values()].map(async ({ args, at }) => {
      try {
        const limit = pageSize(args.first);
        const customerIds = [...new Set(at.map((i) => keys[i]!.customerId))];
        const params: unknown[] = [];
        const where = filterSql(identity, { ...(args.filter ?? {}), customerId: null }, params);
        const countParams = [...params];
        const countWhere = [...where, `o.customer_id = ANY($${countParams.push(customerIds)})`];
        const countSql = `SELECT o.customer_id AS "customerId", count(*)::int AS n FROM sales.orders o ${whereClause(countWhere)} GROUP BY o.customer_id`;
        // Each customer's page on its own (LATERAL … LIMIT): an index scan per customer that stops
        // after the page, whatever the number of orders the customer has.
        const pagesSql = `SELECT p.* FROM unnest($${params.push(customerIds)}::int[]) AS c(id) CROSS JOIN LATERAL (
            ${pageSql([...where, 'o.customer_id = c.id'], params, args, limit)}) p`;
        const page = await pool.query<OrderRow & { sortKey: string }>(pagesSql, params);
        // One grouped count for all the customers of the group, run when a first totalCount is asked.
        const counts = lazyOnce(async () => {
          const { rows } = await pool.query<{ customerId: number; n: number }>(countSql, countParams);
          return new Map(rows.map((r) => [r.customerId, r.n]));
        });
        const rows = new Map<number, OrderRow[]>();
        for (const row of page.rows) rows.set(row.customerId, [...(rows.get(row.customerId) ?? []), row]);
        for (const i of at) {
          const id = keys[i]!.customerId;
          const mine = (rows.get(id) ?? []) as (OrderRow & { sortKey: string })[];
          results[i] = {
            ...toConnection(mine, limit, (r) => [r.sortKey, r.id]),
            totalCount: () => counts().then((n) => n.get(id) ?? 0),
          };
        }
      } catch (err) {
        for (const i of at) results[i] = err as Error;
      }
    }),
  );
  return results;
}
