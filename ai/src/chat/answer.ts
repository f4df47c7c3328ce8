import type pg from 'pg';
import {
  FACTS,
  lastCompletePeriods,
  LEVELS,
  MEASURE_BY_NAME,
  olap,
  unitOf,
  type AnswerState,
  type DataCalendar,
  type OlapAnswer,
  type OlapInput,
  type Row,
  type Viewer,
} from '@erp/semantic';
import type { DateRange } from '@erp/semantic/dates';
import { formatValue, rangeLabel, type Language } from '../format';
import type { Intent } from './understand';

/**
 * An Intent turned into semantic-layer queries (the only place figures are computed), run with the
 * viewer's rights (row-level security is the planner's), and put into words. Breakdowns show at most
 * ten members, the largest first, with "and N more" and the total of all; "why" compares the period
 * with the one before and ranks the drivers of the change.
 */
export interface ChatResult {
  text: string;
  result: OlapAnswer | null;
  results: OlapAnswer[];
  queries: OlapInput[];
  moreRows: number | null;
  chart: ChartSpec | null;
}

export interface ChartSpec {
  type: 'kpi' | 'bar' | 'line' | 'table';
  categories: string[];
  series: { name: string; unit: string; data: (number | null)[] }[];
}

export class NotInModel extends Error {
  constructor(readonly what: string) {
    super(what);
  }
}

export interface RunContext {
  pool: pg.Pool;
  viewer: Viewer;
  state: AnswerState;
  calendar: DataCalendar;
}

const DEFAULT_ROWS = 10;
const DRIVERS = ['product.category', 'geography.country', 'geography.customer'];

const num = (v: string | null | undefined) => (v === null || v === undefined ? null : Number(v));
const title = (m: string, lang: Language) => {
  const d = MEASURE_BY_NAME.get(m)!;
  return lang === 'fr' ? d.titleFr : d.title;
};
const levelName = (l: string, lang: Language) => {
  const fr: Record<string, string> = {
    'product.category': 'catégorie',
    'product.root': 'famille',
    'product.product': 'produit',
    'geography.country': 'pays',
    'geography.region': 'région',
    'geography.city': 'ville',
    'geography.customer': 'client',
    'segment.segment': 'segment',
    'supplier.supplier': 'fournisseur',
    'warehouse.warehouse': 'entrepôt',
    'orderStatus.status': 'statut',
    'orderKind.kind': 'type de commande',
  };
  return lang === 'fr'
    ? (fr[l] ?? LEVELS.get(l)?.title.toLowerCase() ?? l)
    : (LEVELS.get(l)?.title.toLowerCase() ?? l);
};

function allData(c: DataCalendar): DateRange | null {
  return c.firstDate && c.asOf ? { from: c.firstDate, to: c.asOf } : null;
}

/** The queries an intent asks (figures and stock questions). */
export function queriesOf(
  intent: Intent,
  calendar: DataCalendar,
): { main: OlapInput; shareMembers?: { level: string; keys: string[] } } {
  const fact = MEASURE_BY_NAME.get(intent.measures[0]!)!.fact;
  const measures = intent.measures.filter((m) => MEASURE_BY_NAME.get(m)?.fact === fact);
  const dated = FACTS[fact].dateKey !== null;
  for (const l of [...intent.levels, ...intent.filters.map((f) => f.level)]) {
    const def = LEVELS.get(l);
    if (!def || !def.facts.includes(fact))
      throw new NotInModel(`${title(measures[0]!, 'en').toLowerCase()} by ${levelName(l, 'en')}`);
  }
  let range = dated ? intent.time.range : undefined;
  const compare = dated ? intent.time.compare : undefined;
  const compareTo = dated ? intent.time.compareRange : undefined;
  if ((compare || compareTo) && !range && calendar.asOf) {
    // "revenue vs last year" with no period: this year to date against the same span a year before.
    range =
      compare === 'PREVIOUS_PERIOD'
        ? lastCompleteMonth(calendar)
        : { from: `${calendar.asOf.slice(0, 4)}-01-01`, to: calendar.asOf };
  }
  const granularity = dated ? intent.granularity : undefined;
  if (granularity && !range) range = allData(calendar) ?? undefined;
  // A share of named members: break down by their level over everything, then keep them.
  let shareMembers: { level: string; keys: string[] } | undefined;
  let filters = intent.filters.map((f) => ({ level: f.level, members: f.members.map((m) => m.key) }));
  let levels = [...intent.levels];
  if (intent.share && !levels.length && filters.length) {
    const f = filters.find((x) => !x.level.startsWith('orderStatus') && !x.level.startsWith('stockStatus'))!;
    if (f) {
      shareMembers = { level: f.level, keys: f.members };
      levels = [f.level];
      filters = filters.filter((x) => x !== f);
    }
  }
  const input: OlapInput = { measures, dimensions: levels, filters };
  if (range) input.time = { from: range.from, to: range.to, ...(granularity ? { granularity } : {}) };
  if (compareTo && range) input.compareTo = compareTo;
  else if (compare && range) input.compare = compare;
  const grouped = levels.length > 0 || Boolean(granularity);
  if (grouped) {
    const timeOnly = !levels.length;
    if (intent.ranking) {
      input.order = [{ by: measures[0]!, direction: intent.ranking.direction }];
      input.limit = intent.ranking.top ?? DEFAULT_ROWS;
    } else if (timeOnly || shareMembers) {
      input.limit = 1000;
    } else {
      input.order = [{ by: measures[0]!, direction: 'DESC' }];
      input.limit = granularity ? 1000 : DEFAULT_ROWS;
    }
  }
  return { main: input, shareMembers };
}

const lastCompleteMonth = (c: DataCalendar): DateRange => lastCompletePeriods(c).month;

/**
 * "How many orders did they place?" after "which customer bought the most?": the member the previous
 * answer named (its first row, asked again) becomes this question's filter.
 */
export async function resolvePointer(intent: Intent, ctx: RunContext): Promise<void> {
  const prev = intent.pointsTo!;
  const { main } = queriesOf(prev, ctx.calendar);
  const r = await olap(ctx.pool, { ...main, limit: 1 }, ctx.viewer, 'query', ctx.state);
  const level = prev.levels[0]!;
  const at = r.dimensions.indexOf(level);
  const m = r.rows[0]?.members[at];
  if (m?.key) intent.filters.push({ level, members: [{ level, key: m.key, label: m.label ?? m.key }] });
}

/** Figures: one query, its answer in words. */
export async function answerFigures(intent: Intent, ctx: RunContext): Promise<ChatResult> {
  const { main, shareMembers } = queriesOf(intent, ctx.calendar);
  let result = await olap(ctx.pool, main, ctx.viewer, 'query', ctx.state);
  if (shareMembers) {
    const keep = new Set(shareMembers.keys);
    result = {
      ...result,
      rows: result.rows.filter((r) => keep.has(r.members[0]!.key ?? '')),
      truncated: false,
    };
  }
  const shown = result.rows.length;
  const moreRows = result.truncated ? Math.max(0, result.rowCount - shown) : null;
  return {
    text: describe(intent, result, moreRows),
    result,
    results: [result],
    queries: [main],
    moreRows,
    chart: chartOf(result, intent.language),
  };
}

const label = (r: Row) =>
  r.members
    .map((m) =>
      m.level === 'geography.customer' || m.level === 'product.product' || m.level === 'supplier.supplier'
        ? `${m.label ?? m.key} (${m.key})`
        : (m.label ?? m.key ?? '—'),
    )
    .join(' / ');

export function periodWords(r: OlapAnswer, lang: Language): string {
  const d = r.definition;
  if (d.period) return rangeLabel(d.period, lang);
  if (d.firstDate && d.asOf)
    return lang === 'fr'
      ? `toutes les données, ${rangeLabel({ from: d.firstDate, to: d.asOf }, lang)}`
      : `all the data, ${rangeLabel({ from: d.firstDate, to: d.asOf }, lang)}`;
  return lang === 'fr' ? 'aucune donnée' : 'no data';
}

function coverageNote(r: OlapAnswer, lang: Language): string[] {
  const out: string[] = [];
  for (const [c, which] of [
    [r.definition.period, 'period'],
    [r.definition.comparePeriod, 'compared'],
  ] as const) {
    if (!c || c.complete) continue;
    const span = rangeLabel(c, lang);
    if (c.coveredDays === 0) out.push(lang === 'fr' ? `Aucune donnée sur ${span}.` : `No data for ${span}.`);
    else if (c.months > 1)
      out.push(
        lang === 'fr'
          ? `Attention : ${span} n'est couvert que sur ${c.coveredMonths} mois complets sur ${c.months}.`
          : `Note: ${span} is covered for ${c.coveredMonths} of its ${c.months} months only.`,
      );
    else
      out.push(
        lang === 'fr'
          ? `Attention : ${span} n'est couvert que sur ${c.coveredDays} jours sur ${c.days}.`
          : `Note: ${span} is covered for ${c.coveredDays} of its ${c.days} days only.`,
      );
    void which;
  }
  return out;
}

function asOfWords(r: OlapAnswer, lang: Language): string {
  const d = r.definition;
  if (!d.asOf) return '';
  const day = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${d.asOf}T00:00:00Z`));
  return lang === 'fr' ? `Données au ${day}.` : `Data as of ${day}.`;
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function valueWords(
  r: OlapAnswer,
  m: string,
  v: {
    value: string | null;
    compared: string | null;
    delta: string | null;
    deltaPct: string | null;
    share?: string | null;
  },
  lang: Language,
  withShare: boolean,
) {
  const unit = unitOf(MEASURE_BY_NAME.get(m)!, r.definition.currency);
  const f = (x: string | null, signed = false) => formatValue(num(x), unit, lang, { signed });
  let s = f(v.value);
  if (r.comparePeriod) {
    const pct = v.deltaPct !== null ? `, ${formatValue(num(v.deltaPct), '%', lang, { signed: true })}` : '';
    s +=
      lang === 'fr'
        ? ` contre ${f(v.compared)} (${f(v.delta, true)}${pct})`
        : ` against ${f(v.compared)} (${f(v.delta, true)}${pct})`;
  }
  if (withShare && v.share != null)
    s +=
      lang === 'fr'
        ? ` — ${formatValue(num(v.share), '%', lang)} du total`
        : ` — ${formatValue(num(v.share), '%', lang)} of the total`;
  return s;
}

/** The answer in words: the figures, the period, what is left out, the definition's essentials. */
export function describe(intent: Intent, r: OlapAnswer, moreRows: number | null): string {
  const lang = intent.language;
  const sep = lang === 'fr' ? ' : ' : ': ';
  const period = periodWords(r, lang);
  const compared = r.comparePeriod
    ? lang === 'fr'
      ? ` par rapport à ${rangeLabel(r.comparePeriod, lang)}`
      : ` compared with ${rangeLabel(r.comparePeriod, lang)}`
    : '';
  const names = r.measures.map((m) => title(m, lang));
  const lines: string[] = [];
  if (!r.dimensions.length) {
    r.measures.forEach((m, i) =>
      lines.push(`${names[i]} (${period}${compared})${sep}${valueWords(r, m, r.totals[i]!, lang, false)}.`),
    );
  } else if (!r.rows.length) {
    lines.push(
      lang === 'fr'
        ? `Aucune donnée pour ${names.join(', ').toLowerCase()} (${period}).`
        : `No data for ${names.join(', ').toLowerCase()} (${period}).`,
    );
  } else {
    const by = r.dimensions
      .map((d) => (d.startsWith('date.') ? levelName(d, lang) : levelName(d, lang)))
      .join(' × ');
    const head =
      intent.ranking?.singular && r.rows.length === 1
        ? `${capital(names[0]!)}${lang === 'fr' ? ` — ${intent.ranking.direction === 'ASC' ? 'le plus faible' : 'le plus élevé'} par ${by}` : ` — ${intent.ranking.direction === 'ASC' ? 'lowest' : 'highest'} by ${by}`} (${period}${compared})${sep}`
        : `${capital(names.join(', '))} ${lang === 'fr' ? 'par' : 'by'} ${by} (${period}${compared})${sep}`;
    lines.push(head.trimEnd());
    for (const row of r.rows) {
      const vals = r.measures
        .map((m, i) => valueWords(r, m, row.values[i]!, lang, intent.share && i === 0))
        .join(' · ');
      lines.push(`- ${label(row)}${sep}${vals}`);
    }
    if (moreRows) {
      const totals = r.measures
        .map((m, i) => ({ m, i }))
        .filter(
          ({ m }) =>
            MEASURE_BY_NAME.get(m)!.additivity !== 'NON_ADDITIVE' || ['orders', 'customers'].includes(m),
        )
        .map(
          ({ m, i }) =>
            `${title(m, lang).toLowerCase()} ${formatValue(num(r.totals[i]!.value), unitOf(MEASURE_BY_NAME.get(m)!, r.definition.currency), lang)}`,
        );
      lines.push(
        lang === 'fr'
          ? `… et ${moreRows} autres (${r.rowCount} au total${totals.length ? ` ; total de tous : ${totals.join(', ')}` : ''}).`
          : `… and ${moreRows} more (${r.rowCount} in all${totals.length ? `; total of all: ${totals.join(', ')}` : ''}).`,
      );
    } else if (r.rows.length > 1 && !intent.ranking?.singular) {
      const additive = r.measures
        .map((m, i) => ({ m, i }))
        .filter(({ m }) => MEASURE_BY_NAME.get(m)!.additivity === 'ADDITIVE');
      if (additive.length)
        lines.push(
          `Total${sep}${additive.map(({ m, i }) => valueWords(r, m, r.totals[i]!, lang, false)).join(' · ')}.`,
        );
    }
  }
  lines.push(...coverageNote(r, lang));
  lines.push(definitionLine(r, lang));
  return lines.join('\n');
}

function definitionLine(r: OlapAnswer, lang: Language): string {
  const m = MEASURE_BY_NAME.get(r.measures[0]!)!;
  const what = lang === 'fr' ? `${m.titleFr} : ${m.description}` : `${m.title}: ${m.description}`;
  return `${what} ${asOfWords(r, lang)}`.trim();
}

export function chartOf(r: OlapAnswer, lang: Language): ChartSpec {
  const series = r.measures.flatMap((m, i) => {
    const unit = unitOf(MEASURE_BY_NAME.get(m)!, r.definition.currency);
    const name = title(m, lang);
    const main = {
      name,
      unit,
      data: r.dimensions.length ? r.rows.map((row) => num(row.values[i]!.value)) : [num(r.totals[i]!.value)],
    };
    const cmp = r.comparePeriod
      ? [
          {
            name: `${name} (${rangeLabel(r.comparePeriod, lang)})`,
            unit,
            data: r.dimensions.length
              ? r.rows.map((row) => num(row.values[i]!.compared))
              : [num(r.totals[i]!.compared)],
          },
        ]
      : [];
    return [main, ...cmp];
  });
  if (!r.dimensions.length) return { type: 'kpi', categories: [], series };
  return {
    type:
      r.dimensions[0]!.startsWith('date.') && r.dimensions.length === 1
        ? 'line'
        : r.dimensions.length > 1
          ? 'table'
          : 'bar',
    categories: r.rows.map(label),
    series,
  };
}

/** "Why did revenue change in P": P against the period before, decomposed by category, country and customer. */
export async function answerWhy(intent: Intent, ctx: RunContext): Promise<ChatResult> {
  const lang = intent.language;
  const measure = ['revenue', 'grossMargin', 'units', 'orders'].includes(intent.measures[0]!)
    ? intent.measures[0]!
    : 'revenue';
  const range = intent.time.range ?? lastCompleteMonth(ctx.calendar);
  const filters = intent.filters.map((f) => ({ level: f.level, members: f.members.map((m) => m.key) }));
  const base: OlapInput = {
    measures: [measure],
    filters,
    time: { from: range.from, to: range.to },
    ...(intent.time.compareRange
      ? { compareTo: intent.time.compareRange }
      : { compare: intent.time.compare ?? 'PREVIOUS_PERIOD' }),
  };
  const drivers = DRIVERS.filter(
    (l) =>
      !(l === 'geography.customer' && ctx.viewer.role === 'ANALYST') && !filters.some((f) => f.level === l),
  );
  const total = await olap(ctx.pool, base, ctx.viewer, 'query', ctx.state);
  const byLevel = await Promise.all(
    drivers.map((l) =>
      olap(ctx.pool, { ...base, dimensions: [l], limit: 10_000 }, ctx.viewer, 'query', ctx.state),
    ),
  );
  const delta = num(total.totals[0]!.delta) ?? 0;
  const sign = Math.sign(delta);
  // The drivers: members whose change goes the way of the total, the largest first.
  const ranked = byLevel.map((r) => {
    const rows = [...r.rows].sort(
      (a, b) =>
        sign * ((num(b.values[0]!.delta) ?? 0) - (num(a.values[0]!.delta) ?? 0)) ||
        (a.members[0]!.key ?? '').localeCompare(b.members[0]!.key ?? ''),
    );
    return { ...r, rows: rows.slice(0, DEFAULT_ROWS), truncated: rows.length > DEFAULT_ROWS };
  });
  const unit = unitOf(MEASURE_BY_NAME.get(measure)!, total.definition.currency);
  const f = (x: number | null, signed = false) => formatValue(x, unit, lang, { signed });
  const t = total.totals[0]!;
  const name = title(measure, lang);
  const lines: string[] = [];
  const p = rangeLabel(total.period!, lang);
  const c = rangeLabel(total.comparePeriod!, lang);
  const pct = t.deltaPct !== null ? ` (${formatValue(num(t.deltaPct), '%', lang, { signed: true })})` : '';
  if (sign === 0)
    lines.push(
      lang === 'fr'
        ? `${name} est stable sur ${p} : ${f(num(t.value))}, comme sur ${c}.`
        : `${name} was flat in ${p}: ${f(num(t.value))}, as in ${c}.`,
    );
  else {
    const verb = lang === 'fr' ? (sign > 0 ? 'a augmenté' : 'a baissé') : sign > 0 ? 'rose' : 'fell';
    lines.push(
      lang === 'fr'
        ? `${name} ${verb} sur ${p} : ${f(num(t.value))} contre ${f(num(t.compared))} sur ${c}, soit ${f(delta, true)}${pct}.`
        : `${name} ${verb} in ${p}: ${f(num(t.value))} against ${f(num(t.compared))} in ${c}, ${f(delta, true)}${pct}.`,
    );
    lines.push(lang === 'fr' ? 'Principaux moteurs :' : 'Main drivers:');
    ranked.forEach((r, i) => {
      const top = r.rows.filter((row) => Math.sign(num(row.values[0]!.delta) ?? 0) === sign).slice(0, 3);
      if (!top.length) return;
      lines.push(
        `- ${capital(levelName(drivers[i]!, lang))}${lang === 'fr' ? ' : ' : ': '}${top.map((row) => `${label(row)} ${f(num(row.values[0]!.delta), true)}`).join(', ')}`,
      );
    });
  }
  lines.push(...coverageNote(total, lang));
  lines.push(definitionLine(total, lang));
  const main = ranked[0] ?? total;
  return {
    text: lines.join('\n'),
    result: main,
    results: [main, total, ...ranked.slice(1)],
    queries: [base, ...drivers.map((l) => ({ ...base, dimensions: [l] }))],
    moreRows: null,
    chart: chartOf(main, lang),
  };
}
