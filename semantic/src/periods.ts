import { ValidationError } from '@erp/kit';
import type { Granularity } from './model';

/** Calendar arithmetic on ISO dates (YYYY-MM-DD, UTC), and the comparison windows. */
export {
  daysInMonth,
  isFirstOfMonth,
  isLastOfMonth,
  isMonthAligned,
  addMonths,
  addDays,
  daysBetween,
  monthEnd,
  monthRange,
  quarterRange,
  yearRange,
  monthsOf,
  type DateRange,
} from './dates';
import { addDays, addMonths, daysBetween, daysInMonth, isMonthAligned, parts, type DateRange } from './dates';
export type CompareMode = 'PREVIOUS_PERIOD' | 'YEAR_AGO' | 'YEAR_TO_DATE';

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseIsoDate(field: string, value: unknown): string {
  const m = typeof value === 'string' ? ISO.exec(value) : null;
  if (!m) throw new ValidationError(field, value, 'must be a date YYYY-MM-DD');
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo))
    throw new ValidationError(field, value, 'is not a calendar date');
  return value as string;
}

/** How a compared window is derived from the current one, and how members move with it. */
export type Shift = { months: number } | { days: number };

export interface Comparison {
  /** The window the main values cover (YEAR_TO_DATE widens it to 1 January). */
  current: DateRange;
  compared: DateRange;
  shift: Shift;
}

/**
 * PREVIOUS_PERIOD: whole months → the same number of whole months just before (March → February,
 * 29 days in 2024); otherwise the same number of days just before. YEAR_AGO: twelve months back, a
 * month end staying a month end (February 2025 ↔ the whole February 2024, 29 days; 29 Feb 2024 ↔ 28 Feb
 * 2023). YEAR_TO_DATE: 1 January of `to`'s year → `to`, against the same span a year before.
 */
export function comparison(range: DateRange, mode: CompareMode): Comparison {
  if (mode === 'PREVIOUS_PERIOD') {
    if (isMonthAligned(range)) {
      const [fy, fm] = parts(range.from);
      const [ty, tm] = parts(range.to);
      const months = ty * 12 + tm - (fy * 12 + fm) + 1;
      return {
        current: range,
        compared: { from: addMonths(range.from, -months), to: addMonths(range.to, -months, true) },
        shift: { months: -months },
      };
    }
    const days = daysBetween(range.from, range.to) + 1;
    return {
      current: range,
      compared: { from: addDays(range.from, -days), to: addDays(range.to, -days) },
      shift: { days: -days },
    };
  }
  if (mode === 'YEAR_AGO') {
    return {
      current: range,
      compared: { from: addMonths(range.from, -12), to: addMonths(range.to, -12, true) },
      shift: { months: -12 },
    };
  }
  const current = { from: `${range.to.slice(0, 4)}-01-01`, to: range.to };
  return {
    current,
    compared: { from: addMonths(current.from, -12), to: addMonths(current.to, -12, true) },
    shift: { months: -12 },
  };
}

/** Against an explicit window: members move by whole months when both windows are whole months, else by days. */
export function comparisonWith(range: DateRange, compared: DateRange): Comparison {
  if (isMonthAligned(range) && isMonthAligned(compared)) {
    const [fy, fm] = parts(range.from);
    const [cy, cm] = parts(compared.from);
    return { current: range, compared, shift: { months: cy * 12 + cm - (fy * 12 + fm) } };
  }
  return { current: range, compared, shift: { days: daysBetween(range.from, compared.from) } };
}

/** The start date of a date member (2024 → 2024-01-01, 2024-Q2 → 2024-04-01, 2024-02 → 2024-02-01). */
export function memberStart(granularity: Granularity, member: string): string {
  switch (granularity) {
    case 'YEAR':
      return `${member}-01-01`;
    case 'QUARTER':
      return `${member.slice(0, 4)}-${String((Number(member.slice(6)) - 1) * 3 + 1).padStart(2, '0')}-01`;
    case 'MONTH':
      return `${member}-01`;
    case 'DAY':
      return member;
  }
}

export function memberOf(granularity: Granularity, iso: string): string {
  const [y, m] = parts(iso);
  switch (granularity) {
    case 'YEAR':
      return String(y);
    case 'QUARTER':
      return `${y}-Q${Math.floor((m - 1) / 3) + 1}`;
    case 'MONTH':
      return iso.slice(0, 7);
    case 'DAY':
      return iso;
  }
}

/** The member of the compared window that a current member is compared with. */
export function shiftMember(granularity: Granularity, member: string, shift: Shift): string {
  const start = memberStart(granularity, member);
  const moved = 'months' in shift ? addMonths(start, shift.months) : addDays(start, shift.days);
  return memberOf(granularity, moved);
}

/** A whole month, quarter or year: the period of insights and stories. */
export interface Period {
  /** 2026-10, 2026-Q3 or 2026 */
  id: string;
  kind: 'month' | 'quarter' | 'year';
  range: DateRange;
  /** The same number of whole months just before. */
  previous: DateRange;
  months: number;
}

export function parsePeriod(id: string): Period {
  const build = (pid: string, kind: Period['kind'], from: string, months: number): Period => ({
    id: pid,
    kind,
    range: { from, to: addDays(addMonths(from, months), -1) },
    previous: { from: addMonths(from, -months), to: addDays(from, -1) },
    months,
  });
  let m = /^(\d{4})-(\d{2})$/.exec(id);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) return build(id, 'month', `${m[1]}-${m[2]}-01`, 1);
  m = /^(\d{4})-Q([1-4])$/i.exec(id);
  if (m)
    return build(
      id.toUpperCase(),
      'quarter',
      `${m[1]}-${String((Number(m[2]) - 1) * 3 + 1).padStart(2, '0')}-01`,
      3,
    );
  m = /^(\d{4})$/.exec(id);
  if (m) return build(id, 'year', `${m[1]}-01-01`, 12);
  throw new ValidationError('period', id, 'expected YYYY-MM, YYYY-Qn or YYYY');
}
