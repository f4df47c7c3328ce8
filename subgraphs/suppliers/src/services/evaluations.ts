import { ValidationError } from '@erp/kit';
import { mutate, parseId, type MutationSpec } from '@erp/kit/graphql';
import type { SuppliersContext } from '../context';
import { EVALUATION_COLUMNS, type EvaluationRow } from '../rows';

/** Weights of the overall score (they sum to 1). */
export const SCORE_WEIGHTS = { onTime: 0.5, quality: 0.3, price: 0.2 } as const;
/** Points of overall score (out of 100) the last 3 months must gain or lose to leave STABLE. */
export const DIRECTION_THRESHOLD = 5;
/** Months on each side of the direction comparison. */
const DIRECTION_BLOCK = 3;
export const MAX_SCORECARD_MONTHS = 60;

// ---- months as integers (year * 12 + month index), UTC ----

const monthOf = (d: Date) => d.getUTCFullYear() * 12 + d.getUTCMonth();
const monthOfPeriod = (period: string) => Number(period.slice(0, 4)) * 12 + Number(period.slice(5, 7)) - 1;
const periodOf = (m: number) => `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
const round2 = (x: number) => Math.round(x * 100) / 100;

/** A month bound given as YYYY-MM (YYYY-MM-DD is accepted and taken as its month). */
function parseMonth(field: string, value: unknown): number {
  if (typeof value !== 'string' || !/^\d{4}-(0[1-9]|1[0-2])(-\d{2})?$/.test(value))
    throw new ValidationError(field, value, 'must be a month, YYYY-MM');
  return monthOfPeriod(value);
}

/** The evaluations of a supplier between two months inclusive (rows come oldest first from the loader). */
export function filterEvaluations(rows: EvaluationRow[], from: unknown, to: unknown): EvaluationRow[] {
  const lo = from == null ? -Infinity : parseMonth('from', from);
  const hi = to == null ? Infinity : parseMonth('to', to);
  if (lo > hi) throw new ValidationError('to', to, `must not be before from (${String(from)})`);
  return rows.filter((r) => {
    const m = monthOfPeriod(r.periodStart);
    return m >= lo && m <= hi;
  });
}

export const onTimeRateOf = (e: Pick<EvaluationRow, 'deliveries' | 'onTimeDeliveries'>) =>
  e.deliveries > 0 ? round2((100 * e.onTimeDeliveries) / e.deliveries) : null;

interface Figures {
  onTimeRate: number | null;
  qualityScore: number | null;
  priceScore: number | null;
  overallScore: number | null;
}

/** A month of measured deliveries: the receipts of the month (purchase receipts, see SupplierPerformance). */
export interface MeasuredMonth {
  /** First day of the month, YYYY-MM-01. */
  periodStart: string;
  receipts: number;
  onTime: number;
}
export type OnTimeSource = 'MEASURED' | 'EVALUATED' | 'MIXED';

/**
 * The deliveries of each month: the receipts when the month has any (measured), else the month's
 * evaluation's hand-entered counts. One definition of on time either way: received by the date due.
 */
function deliveriesByMonth(rows: EvaluationRow[], measured: MeasuredMonth[]) {
  const out = new Map<number, { deliveries: number; onTime: number; source: 'MEASURED' | 'EVALUATED' }>();
  for (const e of rows)
    out.set(monthOfPeriod(e.periodStart), {
      deliveries: e.deliveries,
      onTime: e.onTimeDeliveries,
      source: 'EVALUATED',
    });
  for (const m of measured)
    if (m.receipts > 0)
      out.set(monthOfPeriod(m.periodStart), { deliveries: m.receipts, onTime: m.onTime, source: 'MEASURED' });
  return out;
}

/**
 * Figures of the months lo..hi: the on-time rate is weighted by deliveries (total on time / total
 * deliveries), quality and price are plain averages of the months evaluated, and the overall score
 * is 50 % on-time + 30 % quality + 20 % price. Unrounded (rounding is for display).
 */
function figures(
  rows: EvaluationRow[],
  deliveries: ReturnType<typeof deliveriesByMonth>,
  lo: number,
  hi: number,
): Figures & { onTimeSource: OnTimeSource | null } {
  let count = 0;
  let onTime = 0;
  const sources = new Set<string>();
  for (const [m, d] of deliveries) {
    if (m < lo || m > hi || d.deliveries <= 0) continue;
    count += d.deliveries;
    onTime += d.onTime;
    sources.add(d.source);
  }
  const onTimeRate = count > 0 ? (100 * onTime) / count : null;
  const onTimeSource: OnTimeSource | null =
    count === 0 ? null : sources.size > 1 ? 'MIXED' : (([...sources][0] as OnTimeSource | undefined) ?? null);
  if (!rows.length)
    return { onTimeRate, qualityScore: null, priceScore: null, overallScore: null, onTimeSource };
  const qualityScore = rows.reduce((s, r) => s + Number(r.qualityScore), 0) / rows.length;
  const priceScore = rows.reduce((s, r) => s + Number(r.priceScore), 0) / rows.length;
  const overallScore =
    onTimeRate === null
      ? null
      : SCORE_WEIGHTS.onTime * onTimeRate +
        SCORE_WEIGHTS.quality * qualityScore +
        SCORE_WEIGHTS.price * priceScore;
  return { onTimeRate, qualityScore, priceScore, overallScore, onTimeSource };
}

const rounded = (f: Figures) => ({
  onTimeRate: f.onTimeRate === null ? null : round2(f.onTimeRate),
  qualityScore: f.qualityScore === null ? null : round2(f.qualityScore),
  priceScore: f.priceScore === null ? null : round2(f.priceScore),
  overallScore: f.overallScore === null ? null : round2(f.overallScore),
});

export type Direction = 'IMPROVING' | 'STABLE' | 'DETERIORATING';

/**
 * A supplier's scorecard over the `months` calendar months ending with the month of `now` (UTC).
 *
 * Direction: the overall score of the last 3 calendar months (the current one included) against
 * the overall score of the 3 months before; a change of DIRECTION_THRESHOLD points or more either
 * way is IMPROVING / DETERIORATING, anything smaller is STABLE, and so is a comparison where either
 * block has no evaluation (or no delivery). It always looks at those 6 months, whatever `months` is.
 */
export function computeScorecard(
  rows: EvaluationRow[],
  months: unknown,
  now = new Date(),
  measured: MeasuredMonth[] = [],
) {
  if (
    typeof months !== 'number' ||
    !Number.isInteger(months) ||
    months < 1 ||
    months > MAX_SCORECARD_MONTHS
  ) {
    throw new ValidationError('months', months, `must be a whole number from 1 to ${MAX_SCORECARD_MONTHS}`);
  }
  const last = monthOf(now);
  const first = last - months + 1;
  const byMonth = new Map(rows.map((r) => [monthOfPeriod(r.periodStart), r]));
  const between = (lo: number, hi: number) =>
    rows.filter((r) => {
      const m = monthOfPeriod(r.periodStart);
      return m >= lo && m <= hi;
    });
  const window = between(first, last);
  const deliveries = deliveriesByMonth(rows, measured);
  const trend = [];
  for (let m = first; m <= last; m++) {
    const e = byMonth.get(m);
    const d = deliveries.get(m);
    trend.push({
      period: periodOf(m),
      onTimeRate: d ? onTimeRateOf({ deliveries: d.deliveries, onTimeDeliveries: d.onTime }) : null,
      qualityScore: e ? Number(e.qualityScore) : null,
      priceScore: e ? Number(e.priceScore) : null,
    });
  }
  const block = (lo: number, hi: number) => figures(between(lo, hi), deliveries, lo, hi).overallScore;
  const recent = block(last - DIRECTION_BLOCK + 1, last);
  const earlier = block(last - 2 * DIRECTION_BLOCK + 1, last - DIRECTION_BLOCK);
  let direction: Direction = 'STABLE';
  if (recent !== null && earlier !== null) {
    if (recent - earlier >= DIRECTION_THRESHOLD) direction = 'IMPROVING';
    else if (earlier - recent >= DIRECTION_THRESHOLD) direction = 'DETERIORATING';
  }
  const f = figures(window, deliveries, first, last);
  return {
    months,
    from: periodOf(first),
    to: periodOf(last),
    evaluationCount: window.length,
    ...rounded(f),
    onTimeSource: f.onTimeSource,
    trend,
    direction,
  };
}

function score(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100)
    throw new ValidationError(field, value, 'must be between 0 and 100');
  return round2(value);
}

/** Creates or replaces a supplier's evaluation for one month (upsert by supplier and period). */
export function recordSupplierEvaluation(
  ctx: SuppliersContext,
  input: Record<string, unknown>,
  spec: Omit<MutationSpec, 'name' | 'payload'>,
  now = new Date(),
) {
  const supplierId = parseId('input.supplierId', input.supplierId);
  const periodStart = input.periodStart;
  if (typeof periodStart !== 'string' || !/^\d{4}-(0[1-9]|1[0-2])-01$/.test(periodStart)) {
    throw new ValidationError(
      'input.periodStart',
      periodStart,
      'must be the first day of a month, YYYY-MM-01',
    );
  }
  if (monthOfPeriod(periodStart) > monthOf(now))
    throw new ValidationError('input.periodStart', periodStart, 'must not be after the current month');
  const deliveries = input.deliveries;
  if (typeof deliveries !== 'number' || !Number.isInteger(deliveries) || deliveries < 0) {
    throw new ValidationError('input.deliveries', deliveries, 'must be a whole number ≥ 0');
  }
  const onTime = input.onTimeDeliveries;
  if (typeof onTime !== 'number' || !Number.isInteger(onTime) || onTime < 0 || onTime > deliveries) {
    throw new ValidationError(
      'input.onTimeDeliveries',
      onTime,
      `must be a whole number from 0 to deliveries (${deliveries})`,
    );
  }
  const e = {
    supplierId,
    periodStart,
    deliveries,
    onTimeDeliveries: onTime,
    qualityScore: score('input.qualityScore', input.qualityScore),
    priceScore: score('input.priceScore', input.priceScore),
    comment: typeof input.comment === 'string' && input.comment.trim() ? input.comment.trim() : null,
  };
  if (e.comment && e.comment.length > 2000)
    throw new ValidationError('input.comment', input.comment, 'must be at most 2000 characters');
  return mutate(ctx, { ...spec, name: 'recordSupplierEvaluation', payload: e }, async (tx, audit) => {
    if (
      !(await tx.query('SELECT 1 FROM suppliers.suppliers WHERE id = $1 FOR SHARE', [supplierId])).rowCount
    ) {
      throw new ValidationError('input.supplierId', input.supplierId, 'no such supplier');
    }
    const before =
      (
        await tx.query<EvaluationRow>(
          `SELECT ${EVALUATION_COLUMNS} FROM suppliers.evaluations WHERE supplier_id = $1 AND period_start = $2 FOR UPDATE`,
          [supplierId, periodStart],
        )
      ).rows[0] ?? null;
    const { rows } = await tx.query<EvaluationRow>(
      `INSERT INTO suppliers.evaluations (supplier_id, period_start, deliveries, on_time_deliveries, quality_score, price_score, comment)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (supplier_id, period_start) DO UPDATE SET deliveries = EXCLUDED.deliveries, on_time_deliveries = EXCLUDED.on_time_deliveries,
         quality_score = EXCLUDED.quality_score, price_score = EXCLUDED.price_score, comment = EXCLUDED.comment
       RETURNING ${EVALUATION_COLUMNS}`,
      [supplierId, periodStart, e.deliveries, e.onTimeDeliveries, e.qualityScore, e.priceScore, e.comment],
    );
    await audit({ entity: 'SupplierEvaluation', entityId: rows[0]!.id, before, after: rows[0] });
    return rows[0]!;
  });
}
