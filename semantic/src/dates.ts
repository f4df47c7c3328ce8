/**
 * Calendar arithmetic on ISO dates (YYYY-MM-DD, UTC): the one copy of the product's date maths.
 * Pure (no imports), so the console bundles it with the tile catalogue.
 */
export interface DateRange {
  from: string;
  to: string;
}

export const parts = (iso: string) => iso.split('-').map(Number) as [number, number, number];
const fmt = (y: number, m: number, d: number) =>
  `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export const isFirstOfMonth = (iso: string) => parts(iso)[2] === 1;
export const isLastOfMonth = (iso: string) => {
  const [y, m, d] = parts(iso);
  return d === daysInMonth(y, m);
};
/** Whole months: from the 1st of a month to the last day of a month. */
export const isMonthAligned = (r: DateRange) => isFirstOfMonth(r.from) && isLastOfMonth(r.to);

/** Adds months, clamping the day (31 Mar − 1 month = 29 Feb 2024, 28 Feb 2023). */
export function addMonths(iso: string, n: number, keepMonthEnd = false): string {
  const [y, m, d] = parts(iso);
  const idx = y * 12 + (m - 1) + n;
  const ny = Math.floor(idx / 12);
  const nm = (idx % 12) + 1;
  const last = daysInMonth(ny, nm);
  return fmt(ny, nm, keepMonthEnd && d === daysInMonth(y, m) ? last : Math.min(d, last));
}

export function addDays(iso: string, n: number): string {
  const t = Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

export const daysBetween = (a: string, b: string) =>
  Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

const pad2 = (n: number) => String(n).padStart(2, '0');
/** The last day of the month of a date. */
export const monthEnd = (iso: string) => {
  const [y, m] = parts(iso);
  return `${y}-${pad2(m)}-${pad2(daysInMonth(y, m))}`;
};
export const yearRange = (y: number): DateRange => ({ from: `${y}-01-01`, to: `${y}-12-31` });
export const monthRange = (y: number, m: number): DateRange => ({
  from: `${y}-${pad2(m)}-01`,
  to: `${y}-${pad2(m)}-${pad2(daysInMonth(y, m))}`,
});
export const quarterRange = (y: number, q: number): DateRange => ({
  from: monthRange(y, q * 3 - 2).from,
  to: monthRange(y, q * 3).to,
});

/** Months (YYYY-MM) of a range, in order. */
export function monthsOf(range: DateRange): string[] {
  const out: string[] = [];
  for (let d = `${range.from.slice(0, 7)}-01`; d <= range.to; d = addMonths(d, 1)) out.push(d.slice(0, 7));
  return out;
}
