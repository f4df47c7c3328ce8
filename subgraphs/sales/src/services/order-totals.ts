import { ForbiddenError } from '@erp/kit';
import type { SalesContext } from '../context';
import type { OrderLineRow } from '../rows';
import { rowLevelSql } from './order-access';

// Source totals (reconciliation of the warehouse)

export interface SalesTotals {
  orders: number;
  lines: number;
  units: number;
  netRevenue: string;
  byStatus: { status: string; orders: number; netRevenue: string }[];
}

/**
 * Totals over every order, in one query, exact: PostgreSQL numeric, each line's net amount rounded
 * to the cent as OrderLine.netAmount (LINE_SELECT), RETURN orders' units and amounts negative.
 * Only for roles that see every order (the matrix lets no one else call it; checked again here).
 */
export async function salesTotals(ctx: SalesContext): Promise<SalesTotals> {
  if (rowLevelSql(ctx.identity, []) !== null)
    throw new ForbiddenError('salesTotals covers every order: only roles that see all orders may call it');
  const { rows } = await ctx.pool.query<{
    status: string | null;
    orders: number;
    lines: number;
    units: number;
    netRevenue: string;
  }>(
    `WITH per_order AS (
       SELECT o.status, CASE WHEN o.kind = 'RETURN' THEN -1 ELSE 1 END AS sign,
              count(l.id) AS lines, coalesce(sum(l.quantity), 0) AS units,
              coalesce(sum(round(l.quantity * l.unit_price * (1 - l.discount), 2)), 0) AS net
       FROM sales.orders o LEFT JOIN sales.order_lines l ON l.order_id = o.id
       GROUP BY o.id)
     SELECT s.status::text AS status, count(p.sign)::bigint AS orders, coalesce(sum(p.lines), 0)::bigint AS lines,
            coalesce(sum(p.sign * p.units), 0)::bigint AS units, round(coalesce(sum(p.sign * p.net), 0), 2)::text AS "netRevenue"
     FROM unnest(enum_range(NULL::sales.order_status)) AS s(status) LEFT JOIN per_order p ON p.status = s.status
     GROUP BY GROUPING SETS ((s.status), ())
     ORDER BY grouping(s.status), s.status`,
  );
  const all = rows.find((r) => r.status === null)!;
  return {
    orders: all.orders,
    lines: all.lines,
    units: all.units,
    netRevenue: all.netRevenue,
    byStatus: rows
      .filter((r) => r.status !== null)
      .map((r) => ({ status: r.status!, orders: r.orders, netRevenue: r.netRevenue })),
  };
}

// Amounts: exact, with integer cents (the line amounts come rounded to the cent from SQL).

export function toCents(value: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!m) throw new Error(`not a decimal: ${value}`);
  const frac = (m[3] ?? '').padEnd(2, '0');
  if (/[^0]/.test(frac.slice(2))) throw new Error(`more than 2 decimals: ${value}`);
  const cents = BigInt(m[2]!) * 100n + BigInt(frac.slice(0, 2));
  return m[1] ? -cents : cents;
}

export function fromCents(cents: bigint): string {
  const neg = cents < 0n;
  const abs = neg ? -cents : cents;
  return `${neg ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

export function totalsOf(lines: OrderLineRow[]) {
  let net = 0n;
  let tax = 0n;
  for (const l of lines) {
    net += toCents(String(l.netAmount));
    tax += toCents(String(l.taxAmount));
  }
  return { netAmount: fromCents(net), taxAmount: fromCents(tax), grossAmount: fromCents(net + tax) };
}
