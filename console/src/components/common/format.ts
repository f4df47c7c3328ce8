/** Formatting in the UI language. */
export function fmtDate(iso: string | null | undefined, locale: string, withTime = false): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return withTime
    ? d.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' })
    : d.toLocaleDateString(locale, { dateStyle: 'medium' });
}

export function fmtMoney(
  amount: string | number | null | undefined,
  currency: string | null | undefined,
  locale: string,
): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const n = typeof amount === 'number' ? amount : Number(amount);
  try {
    return n.toLocaleString(
      locale,
      currency ? { style: 'currency', currency } : { minimumFractionDigits: 2, maximumFractionDigits: 2 },
    );
  } catch {
    return `${n.toFixed(2)} ${currency ?? ''}`.trim();
  }
}

export function fmtNumber(n: number | null | undefined, locale: string, digits = 0): string {
  return n === null || n === undefined
    ? '—'
    : n.toLocaleString(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function fmtPercent(n: number | null | undefined, locale: string): string {
  return n === null || n === undefined
    ? '—'
    : `${n.toLocaleString(locale, { maximumFractionDigits: 1, minimumFractionDigits: 1 })} %`;
}
