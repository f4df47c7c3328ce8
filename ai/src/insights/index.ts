import type pg from 'pg';
import { lastCompletePeriods, readAnswerState } from '@erp/semantic';
import { impactScore, type Fact } from '../facts';
import { parsePeriod, type Period } from '@erp/semantic';
import { concentration } from './concentration';
import { makeContext, type InsightOptions } from './context';
import { revenueChange } from './revenue-change';
import { rfmMovements } from './rfm-movement';
import { stockoutRisks } from './stockout-risk';
import { supplierDeterioration } from './supplier-deterioration';
import { trendBreaks } from './trend-break';
import { unusualOrders } from './unusual-orders';

/**
 * The insight engine: facts computed deterministically through the semantic layer (one detector per
 * file), ranked by impact. No language model is involved here.
 */
export { DEFAULT_LEAD_TIME_DAYS, DEFAULT_SAFETY_DAYS, type InsightOptions } from './context';
export { trendForecast } from './trend-break';

export interface Insights {
  period: Period;
  revenue: number;
  /** The reporting currency of the amounts. */
  currency: string;
  /** The data's as-of date the period was read against. */
  asOf: string | null;
  facts: Fact[];
  /** What was looked at and what was not (e.g. no mining tables). */
  notes: string[];
}

/** The default period: the last complete month of the data (a month with one new order is not a period). */
export async function latestPeriod(pool: pg.Pool): Promise<string> {
  const calendar = await readAnswerState(pool).calendar;
  return lastCompletePeriods(calendar).month.from.slice(0, 7);
}

export async function computeInsights(pool: pg.Pool, opts: InsightOptions = {}): Promise<Insights> {
  const state = readAnswerState(pool);
  const calendar = await state.calendar;
  const period = parsePeriod(opts.period ?? lastCompletePeriods(calendar).month.from.slice(0, 7));
  const ctx = makeContext(pool, period, opts, state, calendar);
  const change = await revenueChange(ctx);
  ctx.revenue = change.revenue;
  const rest = await Promise.all([
    trendBreaks(ctx),
    concentration(ctx),
    unusualOrders(ctx),
    stockoutRisks(ctx),
    rfmMovements(ctx),
    supplierDeterioration(ctx),
  ]);
  const facts: Fact[] = [...change.facts, ...rest.flat()];
  for (const f of facts) f.impact = impactScore(f.atStakeEur, ctx.revenue);
  facts.sort(
    (a, b) =>
      b.impact - a.impact || Math.abs(b.atStakeEur) - Math.abs(a.atStakeEur) || a.id.localeCompare(b.id),
  );
  return {
    period,
    revenue: ctx.revenue,
    currency: ctx.currency,
    asOf: calendar.asOf,
    facts,
    notes: ctx.notes,
  };
}
