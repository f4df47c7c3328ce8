export type Language = 'fr' | 'en';

const LOCALE: Record<Language, string> = { fr: 'fr-FR', en: 'en-GB' };

/** A number as a person reads it, in the language, with its unit (EUR, %, days, units…). */
/** A currency unit: the reporting currency's ISO code (EUR, USD, GBP…). */
export const isCurrency = (unit: string) => /^[A-Z]{3}$/.test(unit);

export function formatValue(
  value: number | null | undefined,
  unit: string,
  lang: Language,
  opts: { signed?: boolean; decimals?: number } = {},
): string {
  if (value === null || value === undefined || Number.isNaN(value)) return lang === 'fr' ? 'n.d.' : 'n/a';
  if (isCurrency(unit))
    return new Intl.NumberFormat(LOCALE[lang], {
      style: 'currency',
      currency: unit,
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
      signDisplay: opts.signed ? 'exceptZero' : 'auto',
    }).format(value);
  const decimals =
    opts.decimals ??
    (unit === '%' || unit === 'days' || unit === 'points' ? 1 : Number.isInteger(value) ? 0 : 2);
  const s = new Intl.NumberFormat(LOCALE[lang], {
    minimumFractionDigits: 0,
    maximumFractionDigits: decimals,
    signDisplay: opts.signed ? 'exceptZero' : 'auto',
  }).format(value);
  switch (unit) {
    case '%':
      return lang === 'fr' ? `${s} %` : `${s}%`;
    case 'points':
      return lang === 'fr' ? `${s} pts` : `${s} pts`;
    case 'days':
      return lang === 'fr' ? `${s} j` : `${s} days`;
    default:
      return unitLabel(unit, lang) ? `${s} ${unitLabel(unit, lang)}` : s;
  }
}

function unitLabel(unit: string, lang: Language): string {
  const fr: Record<string, string> = {
    units: 'unités',
    orders: 'commandes',
    customers: 'clients',
    deliveries: 'livraisons',
    products: 'produits',
  };
  return lang === 'fr'
    ? (fr[unit] ?? '')
    : ['units', 'orders', 'customers', 'deliveries', 'products'].includes(unit)
      ? unit
      : '';
}

const MONTHS: Record<Language, string[]> = {
  fr: [
    'janvier',
    'février',
    'mars',
    'avril',
    'mai',
    'juin',
    'juillet',
    'août',
    'septembre',
    'octobre',
    'novembre',
    'décembre',
  ],
  en: [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ],
};

/** 2026-10 → "octobre 2026" / "October 2026"; 2026-Q3 → "T3 2026" / "Q3 2026"; 2026 → 2026. */
export function periodLabel(id: string, lang: Language): string {
  let m = /^(\d{4})-(\d{2})$/.exec(id);
  if (m) return `${MONTHS[lang][Number(m[2]) - 1]} ${m[1]}`;
  m = /^(\d{4})-Q(\d)$/.exec(id);
  if (m) return lang === 'fr' ? `T${m[2]} ${m[1]}` : `Q${m[2]} ${m[1]}`;
  return id;
}

export function rangeLabel(range: { from: string; to: string }, lang: Language): string {
  const fm = range.from.slice(0, 7);
  const tm = range.to.slice(0, 7);
  if (range.from.endsWith('-01-01') && range.to.endsWith('-12-31') && fm.slice(0, 4) === tm.slice(0, 4))
    return fm.slice(0, 4);
  if (fm === tm && range.from.endsWith('-01')) return periodLabel(fm, lang);
  const q = /-(01|04|07|10)-01$/.exec(range.from);
  if (
    q &&
    fm.slice(0, 4) === tm.slice(0, 4) &&
    Number(tm.slice(5)) === Number(q[1]) + 2 &&
    range.to.endsWith(String(new Date(Date.UTC(Number(tm.slice(0, 4)), Number(tm.slice(5)), 0)).getUTCDate()))
  )
    return periodLabel(`${fm.slice(0, 4)}-Q${(Number(q[1]) + 2) / 3}`, lang);
  const day = (iso: string) =>
    new Intl.DateTimeFormat(LOCALE[lang], {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    }).format(new Date(`${iso}T00:00:00Z`));
  if (range.from === range.to) return day(range.from);
  return lang === 'fr'
    ? `du ${day(range.from)} au ${day(range.to)}`
    : `${day(range.from)} to ${day(range.to)}`;
}
