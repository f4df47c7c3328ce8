/**
 * Numbers of the analytics API as people read them, in the UI language (Intl): a measure's unit and
 * format come from the semantic model (EUR → currency, % → percent, counts with thousands separators).
 * French: 12 607 371,85 €, 34,5 %; English: €12,607,371.85, 34.5%.
 */
export interface MeasureFormat {
  /** 'EUR' (any ISO currency), '%', or a count unit ('units', 'orders', 'days', …). */
  unit: string;
  /** ICU-like pattern of the model ('#,##0.00', '0.0'): gives the decimals. */
  format: string;
}

const DEFAULT_FORMAT: MeasureFormat = { unit: '', format: '#,##0.##' };

function decimals(format: string): { min: number; max: number } {
  const frac = format.split('.')[1] ?? '';
  return { min: (frac.match(/0/g) ?? []).length, max: frac.length };
}

const isCurrency = (unit: string) => /^[A-Z]{3}$/.test(unit);

export function toNumber(v: string | number | null | undefined): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

export interface FormatOptions {
  /** Short form for chart axes and labels (12 M €). */
  compact?: boolean;
  /** Always show the sign (deltas). */
  signed?: boolean;
}

/** A measure's value, formatted by its unit. */
export function formatMeasure(
  value: string | number | null | undefined,
  f: MeasureFormat | undefined,
  locale: string,
  o: FormatOptions = {},
): string {
  const n = toNumber(value);
  if (n === null) return '—';
  const { unit, format } = f ?? DEFAULT_FORMAT;
  const { min, max } = decimals(format);
  const signDisplay = o.signed ? ('exceptZero' as const) : ('auto' as const);
  const compact =
    o.compact && Math.abs(n) >= 10_000
      ? { notation: 'compact' as const, maximumFractionDigits: 1, minimumFractionDigits: 0 }
      : null;
  try {
    if (isCurrency(unit))
      return new Intl.NumberFormat(locale, {
        style: 'currency',
        currency: unit,
        minimumFractionDigits: min,
        maximumFractionDigits: max,
        signDisplay,
        ...(compact ?? {}),
      }).format(n);
    if (unit === '%')
      return new Intl.NumberFormat(locale, {
        style: 'percent',
        minimumFractionDigits: Math.min(min, 1),
        maximumFractionDigits: Math.min(max, 1),
        signDisplay,
      }).format(n / 100);
    return new Intl.NumberFormat(locale, {
      minimumFractionDigits: min,
      maximumFractionDigits: max,
      signDisplay,
      ...(compact ?? {}),
    }).format(n);
  } catch {
    return String(n);
  }
}

/** A change in percent (deltaPct of the API: 12.34 → +12.3 %). */
export function formatPct(value: string | number | null | undefined, locale: string, signed = true): string {
  const n = toNumber(value);
  if (n === null) return '—';
  return new Intl.NumberFormat(locale, {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: signed ? 'exceptZero' : 'auto',
  }).format(n / 100);
}

/** A plain count (rows, seconds). */
export function formatCount(n: number, locale: string): string {
  return new Intl.NumberFormat(locale).format(n);
}

/** "il y a 5 min" / "5 minutes ago" (null: '—'). */
export function relativeTime(
  iso: string | null | undefined,
  locale: string,
  now: number = Date.now(),
): string {
  if (!iso) return '—';
  const t = new Date(iso).getTime();
  if (!Number.isFinite(t)) return '—';
  const s = Math.round((t - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale, {
    numeric: 'auto',
    style: locale.startsWith('fr') ? 'short' : 'long',
  });
  const a = Math.abs(s);
  // under a minute reads "1 minute ago" (never "now": a load is always in the past)
  if (a < 90) return rtf.format(s > 0 ? 1 : -1, 'minute');
  if (a < 45 * 60) return rtf.format(Math.round(s / 60), 'minute');
  if (a < 22 * 3600) return rtf.format(Math.round(s / 3600), 'hour');
  if (a < 26 * 86400) return rtf.format(Math.round(s / 86400), 'day');
  if (a < 320 * 86400) return rtf.format(Math.round(s / (30 * 86400)), 'month');
  return rtf.format(Math.round(s / (365 * 86400)), 'year');
}

export function formatDateTime(iso: string | null | undefined, locale: string): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A month member (2025-03) as "Mar 2025" / "mars 2025"; anything else as given. */
export function formatMember(
  level: string,
  key: string | null | undefined,
  label: string | null | undefined,
  locale: string,
): string {
  const v = label ?? key ?? '—';
  if (level === 'date.month' && /^\d{4}-\d{2}$/.test(v)) {
    const [y, m] = v.split('-').map(Number) as [number, number];
    return new Date(Date.UTC(y, m - 1, 1)).toLocaleDateString(locale, {
      month: 'short',
      year: 'numeric',
      timeZone: 'UTC',
    });
  }
  if (level === 'date.day' && /^\d{4}-\d{2}-\d{2}$/.test(v))
    return new Date(`${v}T00:00:00Z`).toLocaleDateString(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  return v;
}
