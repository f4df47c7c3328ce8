import { coverage, type Coverage, type DataCalendar } from './calendar';
import { COMPONENTS, MEASURE_BY_NAME, MONEY, SCOPES, type MeasureDef } from './model';
import type { Plan } from './plan';

/**
 * Every answer carries its definition: what each measure counts (its scope in words), the filters,
 * the period with how much of it the data covers, the currency and the as-of date. A tile, an
 * explorer query and a chat answer over the same question therefore say the same thing.
 */
export type Language = 'en' | 'fr';

export interface MeasureDefinition {
  name: string;
  title: string;
  titleFr: string;
  /** The reporting currency for amounts, else the measure's unit (%, units, orders, days…). */
  unit: string;
  description: string;
}

export interface AnswerDefinition {
  measures: MeasureDefinition[];
  /** Filters as (level, members) pairs; the words are built by `definitionText`. */
  filters: { level: string; title: string; members: string[] }[];
  period: Coverage | null;
  comparePeriod: Coverage | null;
  /** The period was the measure's default, not asked. */
  defaultPeriod: boolean;
  currency: string;
  asOf: string | null;
  firstDate: string | null;
  /** Stock figures: the inventory snapshot they are read at (null for other facts, or none in the period). */
  snapshotDate?: string | null;
}

export const unitOf = (m: MeasureDef, currency: string) => (m.unit === MONEY ? currency : m.unit);

export function measureDefinition(m: MeasureDef, currency: string): MeasureDefinition {
  return {
    name: m.name,
    title: m.title,
    titleFr: m.titleFr,
    unit: unitOf(m, currency),
    description: m.description,
  };
}

export function defineAnswer(plan: Plan, calendar: DataCalendar): AnswerDefinition {
  return {
    measures: plan.measures.map((m) => measureDefinition(m, calendar.currency)),
    filters: plan.filters.map((f) => ({
      level: f.level.name,
      title: f.level.title,
      members: f.members ?? [f.from ?? '…', f.to ?? '…'].filter(Boolean),
    })),
    period: plan.range ? coverage(plan.range, calendar) : null,
    comparePeriod: plan.comparison ? coverage(plan.comparison.compared, calendar) : null,
    defaultPeriod: plan.defaultPeriod,
    currency: calendar.currency,
    asOf: calendar.asOf,
    firstDate: calendar.firstDate,
  };
}

const LEVEL_FR: Record<string, string> = {
  'date.year': 'Année',
  'date.quarter': 'Trimestre',
  'date.month': 'Mois',
  'date.day': 'Jour',
  'product.root': 'Famille',
  'product.category': 'Catégorie',
  'product.product': 'Produit',
  'geography.country': 'Pays',
  'geography.region': 'Région',
  'geography.city': 'Ville',
  'geography.customer': 'Client',
  'segment.segment': 'Segment',
  'supplier.supplier': 'Fournisseur',
  'warehouse.warehouse': 'Entrepôt',
  'orderStatus.status': 'Statut de commande',
  'orderKind.kind': 'Type de commande',
  'stockStatus.state': 'État du stock',
  'stockMovementKind.kind': 'Type de mouvement',
  'productStatus.status': 'Statut produit',
};
export const levelTitle = (name: string, title: string, lang: Language) =>
  lang === 'fr' ? (LEVEL_FR[name] ?? title) : title;

/** A scope's words for a measure (booked orders, cancelled orders…), from its components. */
export function scopeWords(m: MeasureDef, lang: Language): string | null {
  const scope = m.components.map((c) => COMPONENTS[c]?.scope).find(Boolean);
  if (!scope) return null;
  return lang === 'fr' ? SCOPES[scope].titleFr : SCOPES[scope].title;
}

const fmtDate = (iso: string, lang: Language) =>
  new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${iso}T00:00:00Z`));

/** "2024-01-01 → 2024-12-31: 4 of 12 months" when the data covers part of it. */
export function coverageWords(c: Coverage, lang: Language): string {
  const range = `${fmtDate(c.from, lang)} – ${fmtDate(c.to, lang)}`;
  if (c.complete) return range;
  if (c.coveredDays === 0)
    return lang === 'fr' ? `${range} (aucune donnée sur cette période)` : `${range} (no data in this period)`;
  const part =
    c.months > 1
      ? lang === 'fr'
        ? `${c.coveredMonths} mois complets sur ${c.months}`
        : `${c.coveredMonths} of ${c.months} months`
      : lang === 'fr'
        ? `${c.coveredDays} jours sur ${c.days}`
        : `${c.coveredDays} of ${c.days} days`;
  return lang === 'fr' ? `${range} (données partielles : ${part})` : `${range} (partial data: ${part})`;
}

/** The definition in sentences, for a footnote under a number. */
export function definitionText(d: AnswerDefinition, lang: Language): string {
  const fr = lang === 'fr';
  const parts: string[] = [];
  for (const m of d.measures.map((x) => MEASURE_BY_NAME.get(x.name)!)) {
    const scope = scopeWords(m, lang);
    const title = fr ? m.titleFr : m.title;
    parts.push(scope ? `${title}: ${scope}` : `${title}: ${m.description}`);
  }
  if (d.filters.length)
    parts.push(
      `${fr ? 'Filtres' : 'Filters'}: ${d.filters.map((f) => `${levelTitle(f.level, f.title, lang)} = ${f.members.join(', ')}`).join('; ')}`,
    );
  if (d.period)
    parts.push(
      `${fr ? 'Période' : 'Period'}: ${coverageWords(d.period, lang)}${d.defaultPeriod ? (fr ? ' (période par défaut de cet indicateur)' : " (this measure's default period)") : ''}`,
    );
  if (d.comparePeriod)
    parts.push(`${fr ? 'Comparée à' : 'Compared with'}: ${coverageWords(d.comparePeriod, lang)}`);
  if (!d.period && d.firstDate && d.asOf)
    parts.push(
      fr
        ? `Période : toutes les données (${fmtDate(d.firstDate, lang)} – ${fmtDate(d.asOf, lang)})`
        : `Period: all the data (${fmtDate(d.firstDate, lang)} – ${fmtDate(d.asOf, lang)})`,
    );
  parts.push(`${fr ? 'Devise' : 'Currency'}: ${d.currency}`);
  if (d.asOf) parts.push(fr ? `Données au ${fmtDate(d.asOf, lang)}` : `Data as of ${fmtDate(d.asOf, lang)}`);
  return `${parts.join('. ')}.`;
}
