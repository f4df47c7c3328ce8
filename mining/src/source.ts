import type pg from 'pg';
import { scopeCondition } from '@erp/semantic/model';
import type { OrderRecord } from './anomaly/features';
import { toCents, type RfmOrder } from './rfm/compute';

/**
 * What the mining reads from the warehouse: dw.fact_sales (one row per order line, amounts signed by
 * kind) with dim_customer (customer_id natural key across SCD2 versions, is_guest), dim_order_kind,
 * dim_order_status, dim_date and dim_product (list price of the version sold). Which orders count as
 * revenue is the semantic model's scope (BOOKED: confirmed, shipped or delivered), so a segment's or a
 * month's revenue on the mining page is the revenue of every other screen.
 */

/** Order-level sums for RFM: every order (booked ones flagged), net amount to the cent. */
export async function loadRfmOrders(db: pg.Pool): Promise<RfmOrder[]> {
  const { rows } = await db.query<[number, number, boolean, string, boolean, string, string]>({
    text: `SELECT f.order_id, c.customer_id, bool_or(c.is_guest), min(k.kind), bool_and(${scopeCondition('BOOKED', 'FACT')}),
                  min(d.full_date)::text, sum(f.net_amount)::text
           FROM dw.fact_sales f
           JOIN dw.dim_customer c ON c.customer_key = f.customer_key
           JOIN dw.dim_order_kind k ON k.kind_key = f.kind_key
           JOIN dw.dim_order_status s ON s.status_key = f.status_key
           JOIN dw.dim_date d ON d.date_key = f.order_date_key
           GROUP BY f.order_id, c.customer_id`,
    rowMode: 'array',
  });
  return rows.map(([orderId, customerId, isGuest, kind, booked, orderDate, net]) => ({
    orderId,
    customerId,
    isGuest,
    kind: kind as 'SALE' | 'RETURN',
    booked,
    orderDate,
    netCents: toCents(net),
  }));
}

/** The last order date in the facts (YYYY-MM-DD), or undefined when there are none. */
export async function lastOrderDate(db: pg.Pool): Promise<string | undefined> {
  const { rows } = await db.query(
    `SELECT max(d.full_date)::text AS d FROM dw.fact_sales f JOIN dw.dim_date d ON d.date_key = f.order_date_key`,
  );
  return rows[0]?.d ?? undefined;
}

/** Booked SALE orders (the model's BOOKED_SALES scope), with the per-order sums the anomaly features start from. */
export async function loadOrderRecords(db: pg.Pool): Promise<OrderRecord[]> {
  // the columns are named as the record's fields: each row is an OrderRecord as it comes
  const { rows } = await db.query<OrderRecord>(
    `SELECT f.order_id AS "orderId", min(f.order_number) AS "orderNumber", min(c.customer_id) AS "customerId",
            (extract(epoch FROM min(f.ordered_at)) * 1000)::float8 AS "orderedAt",
            sum(f.net_amount)::float8 AS "netAmount", count(*)::int AS lines, sum(f.quantity)::float8 AS units,
            avg(f.discount)::float8 AS "avgDiscount", max(f.discount)::float8 AS "maxDiscount",
            coalesce(max(CASE WHEN f.unit_price > 0 AND p.list_price > 0 THEN abs(ln(f.unit_price / p.list_price)) END), 0)::float8 AS "priceDeviation"
       FROM dw.fact_sales f
       JOIN dw.dim_customer c ON c.customer_key = f.customer_key
       JOIN dw.dim_product p ON p.product_key = f.product_key
       JOIN dw.dim_order_kind k ON k.kind_key = f.kind_key
       JOIN dw.dim_order_status s ON s.status_key = f.status_key
      WHERE ${scopeCondition('BOOKED_SALES', 'FACT')}
      GROUP BY f.order_id
      ORDER BY f.order_id`,
  );
  return rows;
}

export interface SourceState {
  etlRunId: number | null;
  etlFinishedAt: string | null;
  /** md5 of the fact_sales counts and sums: changes with any insert, update or delete of a line. */
  checksum: string;
  lines: number;
}

/** The warehouse state a mining run depends on: the latest successful ETL run and a checksum of the facts. */
export async function sourceState(db: pg.Pool): Promise<SourceState> {
  const etl = await db.query(
    `SELECT run_id, finished_at::text AS finished_at FROM meta.etl_runs WHERE status = 'SUCCEEDED' ORDER BY run_id DESC LIMIT 1`,
  );
  const facts = await db.query(
    `SELECT md5(concat_ws('|', count(*), count(DISTINCT order_id), coalesce(sum(net_amount), 0), coalesce(sum(quantity), 0),
                coalesce(sum(discount), 0), coalesce(sum(unit_price), 0), coalesce(sum(customer_key::bigint), 0),
                coalesce(sum(status_key::bigint * order_id), 0), coalesce(sum(order_date_key::bigint), 0),
                coalesce(sum(product_key::bigint), 0), coalesce(max(sales_line_key), 0))) AS checksum,
            count(*)::int AS lines
     FROM dw.fact_sales`,
  );
  return {
    etlRunId: etl.rows[0]?.run_id ?? null,
    etlFinishedAt: etl.rows[0]?.finished_at ?? null,
    checksum: facts.rows[0].checksum,
    lines: facts.rows[0].lines,
  };
}
