import type { OlapInput } from '@erp/semantic';

/** A statement with its bound parameters (what a fact was computed with). */
export interface SqlText {
  text: string;
  values: unknown[];
}
import type { DateRange } from '@erp/semantic';

/** Every kind of fact the insights engine computes. */
export const FACT_KINDS = [
  'revenue-change',
  'margin-change',
  'trend-break',
  'concentration',
  'unusual-order',
  'stockout-risk',
  'rfm-movement',
  'supplier-deterioration',
] as const;
export type FactKind = (typeof FACT_KINDS)[number];

/** An ERP record a fact or an action is about (ids are the ERP's business ids). */
export interface RecordRef {
  type: 'company' | 'product' | 'customer' | 'supplier' | 'order' | 'category' | 'country' | 'warehouse';
  id?: number | string;
  code?: string;
  label?: string;
}

export interface Driver {
  key: string;
  label: string;
  current: number;
  previous: number;
  /** current − previous: the member's contribution to the total change (they sum to it). */
  contribution: number;
  /** contribution / total change × 100 (null when the total did not change). */
  sharePct: number | null;
  /** The customer's id, for the customer dimension. */
  id?: number;
}

/**
 * One computed fact. Every number a story or a model may say comes from these fields: `value`,
 * `comparison`, `delta`, `deltaPct` and the numbers in `details`.
 */
export interface Fact {
  id: string;
  kind: FactKind;
  subject: RecordRef;
  value: number;
  comparison: number | null;
  delta: number | null;
  deltaPct: number | null;
  unit: string;
  period: DateRange;
  comparisonPeriod?: DateRange;
  details: Record<string, unknown>;
  /** The query behind the fact: the OLAP-style query when it can be expressed, and the SQL run. */
  query: { olap?: OlapInput; sql?: SqlText };
  /** Euros at stake (see impactScore). */
  atStakeEur: number;
  /** 0–100, see impactScore. */
  impact: number;
}

/**
 * Impact score: 100 × min(1, euros at stake / (10 % of the period's revenue)), rounded to one
 * decimal. An amount at stake of a tenth of the period's revenue or more scores 100. Euros at stake
 * per kind: a revenue or margin change → |delta|; a trend break → |actual − trend|; concentration →
 * half of the top customer's revenue (what losing it would cost, weighted by a 50 % likelihood);
 * an unusual order → |amount − mean order amount|; a stock-out risk → daily revenue × days without
 * stock before a replenishment ordered today arrives; an RFM movement → the previous-12-month revenue
 * of the customers who slipped into at-risk segments; a supplier deterioration → drop in on-time
 * rate × the period's revenue of the products it supplies (10 % of the period's revenue when unknown).
 */
export function impactScore(atStakeEur: number, periodRevenue: number): number {
  const ref = Math.max(Math.abs(periodRevenue) * 0.1, 1);
  return Math.round(1000 * Math.min(1, Math.abs(atStakeEur) / ref)) / 10;
}

export const round2 = (x: number) => Math.round(x * 100) / 100;
export const round1 = (x: number) => Math.round(x * 10) / 10;
export const pctChange = (cur: number, prev: number | null): number | null =>
  prev ? round2((100 * (cur - prev)) / Math.abs(prev)) : null;
