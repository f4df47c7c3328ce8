import { ValidationError } from '@erp/kit';

/** Calendar arithmetic on ISO dates (YYYY-MM-DD, UTC). */
export interface DateRange {
  from: string;
  to: string;
}

export interface Period {
  /** 2026-10, 2026-Q3 or 2026 */
  id: string;
  kind: 'month' | 'quarter' | 'year';
  range: DateRange;
  /** The same number of whole months just before. */
  previous: DateRange;
  months: number;
}

const pad = (n: number) => String(n).padStart(2, '0');
export const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const parts = (iso: string) => iso.split('-').map(Number) as [number, number, number];

/** Adds whole months to the first of a month (YYYY-MM-01 → YYYY-MM-01). */
export function addMonths(iso: string, n: number): string {
  const [y, m] = parts(iso);
  const idx = y * 12 + (m - 1) + n;
  return `${Math.floor(idx / 12)}-${pad((idx % 12) + 1)}-01`;
}
export const monthEnd = (iso: string) => {
  const [y, m] = parts(iso);
  return `${y}-${pad(m)}-${pad(daysInMonth(y, m))}`;
};
export const monthOf = (iso: string) => iso.slice(0, 7);

export function monthRange(from: string, months: number): DateRange {
  return { from, to: monthEnd(addMonths(from, months - 1)) };
}

export function parsePeriod(id: string): Period {
  let m = /^(\d{4})-(\d{2})$/.exec(id);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) return build(id, 'month', `${m[1]}-${m[2]}-01`, 1);
  m = /^(\d{4})-Q([1-4])$/i.exec(id);
  if (m) return build(id.toUpperCase(), 'quarter', `${m[1]}-${pad((Number(m[2]) - 1) * 3 + 1)}-01`, 3);
  m = /^(\d{4})$/.exec(id);
  if (m) return build(id, 'year', `${m[1]}-01-01`, 12);
  throw new ValidationError('period', id, 'expected YYYY-MM, YYYY-Qn or YYYY');
}

function build(id: string, kind: Period['kind'], from: string, months: number): Period {
  return { id, kind, range: monthRange(from, months), previous: monthRange(addMonths(from, -months), months), months };
}

/** The compared window: the same span just before (whole months kept whole), or a year before. */
export function comparedRange(range: DateRange, mode: 'PREVIOUS_PERIOD' | 'YEAR_AGO'): DateRange {
  const [fy, fm, fd] = parts(range.from);
  const [ty, tm, td] = parts(range.to);
  const monthAligned = fd === 1 && td === daysInMonth(ty, tm);
  const shiftMonths = mode === 'YEAR_AGO' ? 12 : monthAligned ? ty * 12 + tm - (fy * 12 + fm) + 1 : 0;
  if (shiftMonths) {
    const from = addMonths(`${fy}-${pad(fm)}-01`, -shiftMonths);
    const toStart = addMonths(`${ty}-${pad(tm)}-01`, -shiftMonths);
    const [y2, m2] = parts(toStart);
    const [y1, m1] = parts(from);
    const lastTo = td === daysInMonth(ty, tm) ? daysInMonth(y2, m2) : Math.min(td, daysInMonth(y2, m2));
    return { from: `${y1}-${pad(m1)}-${pad(Math.min(fd, daysInMonth(y1, m1)))}`, to: `${y2}-${pad(m2)}-${pad(lastTo)}` };
  }
  const days = Math.round((Date.parse(range.to) - Date.parse(range.from)) / 86_400_000) + 1;
  const shift = (iso: string) => new Date(Date.parse(iso) - days * 86_400_000).toISOString().slice(0, 10);
  return { from: shift(range.from), to: shift(range.to) };
}

/** Months (YYYY-MM) of a range, in order. */
export function monthsOf(range: DateRange): string[] {
  const out: string[] = [];
  for (let d = `${range.from.slice(0, 7)}-01`; d <= range.to; d = addMonths(d, 1)) out.push(d.slice(0, 7));
  return out;
}
