import type pg from 'pg';
import {
  lookupMembers,
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
  const customers = await lookupMembers(ctx.pool, 'geography.customer', codes);
  return new Map([...customers].map(([code, c]) => [code, c.id]));
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
