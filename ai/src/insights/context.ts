import type pg from 'pg';
import {
  olap,
  readAnswerState,
  type AnswerState,
  type DataCalendar,
  type OlapAnswer,
  type OlapInput,
  type Viewer,
} from '@erp/semantic';
import type { Period } from '@erp/semantic';

/**
 * What every insight detector gets: the period, the options, and `olap` — the semantic layer, the
 * only place a business figure is computed (a detector never writes its own SQL for revenue,
 * margin, stock or on-time rate). Detectors run as the analytics service; the viewer's row-level
 * rules are applied to their facts afterwards (subgraphs/analytics services/ai.ts).
 */
export interface InsightOptions {
  /** YYYY-MM, YYYY-Qn or YYYY; default: the last complete month of the data. */
  period?: string;
  /** Top-N customers for the concentration fact (default 5). */
  topN?: number;
  /** Safety stock in days of demand, for the stock-out risk (default 7). */
  safetyDays?: number;
  /** Lead time when neither the supply nor the supplier has one (default 14 days). */
  defaultLeadTimeDays?: number;
  /** |z| over which an order is unusual (default 3). */
  zThreshold?: number;
  /** A drop of at least this many points of on-time rate is a deterioration (default 5). */
  supplierDropPoints?: number;
}

export const DEFAULT_LEAD_TIME_DAYS = 14;
export const DEFAULT_SAFETY_DAYS = 7;
export const SERVICE: Viewer = { role: 'SERVICE', userId: null };

export interface Ctx {
  pool: pg.Pool;
  period: Period;
  opts: InsightOptions;
  notes: string[];
  /** The period's revenue (set by the revenue detector, read by the impact scores). */
  revenue: number;
  calendar: DataCalendar;
  currency: string;
  olap(input: OlapInput): Promise<OlapAnswer>;
  /** Reference data (mining results, supplier supplies): never a business figure. */
  q(text: string, values?: unknown[]): Promise<Record<string, unknown>[]>;
}

export function makeContext(
  pool: pg.Pool,
  period: Period,
  opts: InsightOptions,
  state: AnswerState = readAnswerState(pool),
  calendar: DataCalendar,
): Ctx {
  return {
    pool,
    period,
    opts,
    notes: [],
    revenue: 0,
    calendar,
    currency: calendar.currency,
    olap: (input) => olap(pool, input, SERVICE, 'insight', state),
    q: async (text, values = []) => (await pool.query(text, values)).rows,
  };
}

export const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
export const cents = (v: unknown) => Math.round(n(v) * 100);
export const num = (v: string | null | undefined) => (v === null || v === undefined ? null : Number(v));

/** Current customers' ids by code (the ERP record an action links to). */
export async function customerIds(ctx: Ctx, codes: string[]): Promise<Map<string, number>> {
  if (!codes.length) return new Map();
  const rows = await ctx.q(
    `SELECT code, customer_id FROM dw.dim_customer WHERE is_current AND code = ANY($1::text[])`,
    [codes],
  );
  return new Map(rows.map((r) => [String(r.code), Number(r.customer_id)]));
}

/**
 * Mining's last successful runs, newest first (its tables are the warehouse migrations'; a run's
 * results are reference data — segments, anomaly ranks — the figures stay the model's).
 */
export async function miningRuns(ctx: Ctx, count: number): Promise<number[]> {
  const rows = await ctx.q(
    `SELECT run_id FROM mining.runs WHERE status = 'SUCCEEDED' ORDER BY run_id DESC LIMIT $1`,
    [count],
  );
  return rows.map((r) => Number(r.run_id));
}

export interface Supply {
  supplierId: number;
  supplierCode: string;
  supplierName: string;
  /** The main supply's lead time (or its supplier's average: see leadTimeSource); null when neither is known. */
  leadTimeDays: number | null;
  leadTimeSource: 'supply' | 'supplier average' | null;
  minOrderQuantity: number;
}

/**
 * Each product's main supplier with its lead time and minimum order quantity, as the ETL derived
 * them (dw.product_main_supplier: the one rule, also behind the model's supplier level).
 * Reference data, not a figure.
 */
export async function supplyByProduct(ctx: Ctx): Promise<Map<number, Supply>> {
  const rows = await ctx.q(
    `SELECT m.product_id, m.supplier_id, ds.code, ds.name, m.lead_time_days, m.lead_time_source, m.min_order_quantity
       FROM dw.product_main_supplier m JOIN dw.dim_supplier ds ON ds.supplier_id = m.supplier_id`,
  );
  return new Map(
    rows.map((r) => [
      Number(r.product_id),
      {
        supplierId: Number(r.supplier_id),
        supplierCode: String(r.code),
        supplierName: String(r.name),
        leadTimeDays: r.lead_time_days === null ? null : n(r.lead_time_days),
        leadTimeSource:
          r.lead_time_source === null ? null : (String(r.lead_time_source) as Supply['leadTimeSource']),
        minOrderQuantity: Number(r.min_order_quantity) || 1,
      },
    ]),
  );
}
