import type { Identity } from '@erp/kit';
import { byIdLoader, groupedLoader } from '@erp/kit/graphql';
import DataLoader from 'dataloader';
import type pg from 'pg';
import {
  HISTORY_COLUMNS,
  LINE_SELECT,
  ORDER_COLUMNS,
  type CarrierRow,
  type OrderLineRow,
  type OrderRow,
  type StatusChangeRow,
} from './rows';
import { customerOrderPages, type CustomerOrdersKey } from './services/customer-orders';
import type { OrderPage } from './services/order-filter';

/** One query per hop and per request, whatever the number of parents (no N+1). */
export function createLoaders(pool: pg.Pool, identity: Identity) {
  return {
    /** Orders by id, unfiltered: callers apply the row-level rule (services/order-access.ts canSee). */
    order: byIdLoader<OrderRow>(pool, `SELECT ${ORDER_COLUMNS} FROM sales.orders o WHERE o.id = ANY($1)`),
    linesOf: groupedLoader<number, OrderLineRow>(
      pool,
      `${LINE_SELECT} WHERE l.order_id = ANY($1) ORDER BY l.order_id, l.line_no`,
      (r) => r.orderId,
    ),
    historyOf: groupedLoader<number, StatusChangeRow>(
      pool,
      `SELECT ${HISTORY_COLUMNS} FROM sales.order_status_history WHERE order_id = ANY($1) ORDER BY order_id, changed_at, id`,
      (r) => r.orderId,
    ),
    carrier: byIdLoader<CarrierRow>(
      pool,
      `SELECT id, code, name, phone FROM sales.carriers WHERE id = ANY($1)`,
    ),
    /** Customer.orders of many customers: one query per distinct set of arguments. */
    customerOrders: new DataLoader<CustomerOrdersKey, OrderPage, string>(
      (keys) => customerOrderPages(pool, identity, keys),
      {
        cacheKeyFn: (k) =>
          JSON.stringify([k.customerId, k.args.first, k.args.after, k.args.filter, k.args.orderBy]),
      },
    ),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;

/** Forgets what a mutation changed, so later fields of the same request read fresh rows. */
export function forgetOrder(loaders: Loaders, id: number): void {
  loaders.order.clear(id);
  loaders.linesOf.clear(id);
  loaders.historyOf.clear(id);
  loaders.customerOrders.clearAll();
}
