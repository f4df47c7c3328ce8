import type pg from 'pg';
import { addDays, addMonths, daysBetween, daysInMonth, type DateRange } from './periods';

/**
 * "Now", as the data sees it. Relative periods ("this month", "last quarter", YTD) are resolved
 * against the warehouse's as-of date, never the wall clock: a warehouse whose sales end in October
 * answers "last month" with September and says so, and a Northwind import answers 1998.
 */
export interface DataCalendar {
  /** The last complete day with sales (YYYY-MM-DD); null on an empty warehouse. */
  asOf: string | null;
  /** The first day with sales; null on an empty warehouse. */
  firstDate: string | null;
  /** The reporting currency: the currency of the sales (ISO 4217), EUR on an empty warehouse. */
  currency: string;
  /** The sales carry more than one currency (amounts are then added as they are, which the definition says). */
  mixedCurrencies: boolean;
}

const isoOfKey = (k: number | null) =>
  k === null ? null : `${String(k).slice(0, 4)}-${String(k).slice(4, 6)}-${String(k).slice(6, 8)}`;

/**
 * Reads the calendar from the facts' date-key index (min and max) and the latest ETL run: when the
 * latest sales are from the day the ETL extracted them, that day was not over, so the as-of date is
 * the day before. The currency comes from the first and the last sales (the import sets it per order).
 */
export async function readCalendar(pool: pg.Pool | pg.PoolClient): Promise<DataCalendar> {
  const { rows } = await pool.query<{
    lo: number | null;
    hi: number | null;
    run_day: string | null;
    first_currency: string | null;
    last_currency: string | null;
  }>(
    `SELECT (SELECT min(order_date_key) FROM dw.fact_sales) AS lo,
            (SELECT max(order_date_key) FROM dw.fact_sales) AS hi,
            (SELECT to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM meta.etl_runs WHERE status = 'SUCCEEDED' ORDER BY finished_at DESC NULLS LAST, run_id DESC LIMIT 1) AS run_day,
            (SELECT currency FROM dw.fact_sales ORDER BY order_date_key LIMIT 1) AS first_currency,
            (SELECT currency FROM dw.fact_sales ORDER BY order_date_key DESC LIMIT 1) AS last_currency`,
  );
  const r = rows[0]!;
  const first = isoOfKey(r.lo);
  let asOf = isoOfKey(r.hi);
  if (asOf && r.run_day && r.run_day <= asOf) asOf = addDays(r.run_day, -1);
  if (asOf && first && asOf < first) asOf = first;
  const currency = (r.last_currency ?? r.first_currency ?? 'EUR').trim();
  return {
    asOf,
    firstDate: first,
    currency,
    mixedCurrencies: Boolean(
      r.first_currency && r.last_currency && r.first_currency.trim() !== r.last_currency.trim(),
    ),
  };
}

/** The day relative periods are computed from: the as-of date, or today on an empty warehouse. */
export const referenceDay = (c: DataCalendar, today = new Date().toISOString().slice(0, 10)) =>
  c.asOf ?? today;

/** How much of a period the data covers: days with data over days in the period. */
export interface Coverage {
  from: string;
  to: string;
  days: number;
  coveredDays: number;
  /** Whole months of the period inside the data (for "2024: 4 of 12 months"). */
  months: number;
  coveredMonths: number;
  complete: boolean;
}

export function coverage(range: DateRange, c: DataCalendar): Coverage {
  const days = daysBetween(range.from, range.to) + 1;
  const lo = c.firstDate && c.firstDate > range.from ? c.firstDate : range.from;
  const hi = c.asOf && c.asOf < range.to ? c.asOf : range.to;
  const coveredDays = !c.firstDate || !c.asOf || lo > hi ? 0 : daysBetween(lo, hi) + 1;
  let months = 0;
  let coveredMonths = 0;
  for (let m = `${range.from.slice(0, 7)}-01`; m <= range.to; m = addMonths(m, 1)) {
    months++;
    const end = `${m.slice(0, 7)}-${String(daysInMonth(Number(m.slice(0, 4)), Number(m.slice(5, 7)))).padStart(2, '0')}`;
    if (c.firstDate && c.asOf && c.firstDate <= m && c.asOf >= end) coveredMonths++;
  }
  return {
    from: range.from,
    to: range.to,
    days,
    coveredDays,
    months,
    coveredMonths,
    complete: coveredDays === days,
  };
}

/**
 * The last complete month, quarter and year of the data (the default periods of dashboards and
 * stories). When the data does not reach back to a complete one (a few days of sales), the period
 * the data is in, partial: its coverage says so.
 */
export function lastCompletePeriods(
  c: DataCalendar,
  today?: string,
): { month: DateRange; quarter: DateRange; year: DateRange } {
  const ref = referenceDay(c, today);
  const nextDay = addDays(ref, 1);
  const q = (iso: string) =>
    `${iso.slice(0, 4)}-${String(Math.floor((Number(iso.slice(5, 7)) - 1) / 3) * 3 + 1).padStart(2, '0')}-01`;
  const pick = (complete: string, current: string, months: number): DateRange => {
    const start = c.firstDate && addDays(addMonths(complete, months), -1) < c.firstDate ? current : complete;
    return { from: start, to: addDays(addMonths(start, months), -1) };
  };
  // A period is complete when the as-of date is its last day; otherwise the one before.
  const month = pick(
    nextDay.slice(8) === '01' ? `${ref.slice(0, 7)}-01` : addMonths(`${ref.slice(0, 7)}-01`, -1),
    `${ref.slice(0, 7)}-01`,
    1,
  );
  const quarter = pick(
    ['01-01', '04-01', '07-01', '10-01'].includes(nextDay.slice(5)) ? q(ref) : addMonths(q(ref), -3),
    q(ref),
    3,
  );
  const year = pick(
    nextDay.slice(5) === '01-01' ? `${ref.slice(0, 4)}-01-01` : `${Number(ref.slice(0, 4)) - 1}-01-01`,
    `${ref.slice(0, 4)}-01-01`,
    12,
  );
  return { month, quarter, year };
}
