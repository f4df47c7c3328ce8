import type { Driver, Fact, RecordRef } from './facts';
import { formatValue, periodLabel, type Language } from './format';
import type { Insights } from './insights';
import type { Recommendation } from './recommend';

/**
 * Storytelling: a report for a period and an audience, written deterministically from the facts by
 * templates (the no-key engine). A provider may rephrase it afterwards (see report.ts); the numbers
 * always come from here.
 */
export type Audience = 'executive' | 'tactical' | 'operational';

export interface Story {
  period: string;
  audience: Audience;
  language: Language;
  title: string;
  summary: string;
  changes: string[];
  why: string[];
  actions: string[];
  /** The facts and recommendations the story uses (ids). */
  factIds: string[];
  recommendationIds: string[];
  /** The whole story as Markdown. */
  text: string;
}

/** The kinds of fact a manager reads first; the tactical report adds the unusual orders. */
const HEADLINE_KINDS: Fact['kind'][] = [
  'revenue-change',
  'margin-change',
  'trend-break',
  'concentration',
  'rfm-movement',
  'supplier-deterioration',
  'stockout-risk',
];

const AUDIENCE: Record<Audience, { kinds: Fact['kind'][]; facts: number; actions: number; drivers: number }> =
  {
    executive: { kinds: HEADLINE_KINDS, facts: 5, actions: 3, drivers: 2 },
    tactical: { kinds: [...HEADLINE_KINDS, 'unusual-order'], facts: 10, actions: 8, drivers: 3 },
    operational: {
      kinds: ['stockout-risk', 'unusual-order', 'supplier-deterioration', 'rfm-movement', 'revenue-change'],
      facts: 20,
      actions: 20,
      drivers: 3,
    },
  };

const T = {
  title: {
    fr: (p: string, a: string) => `Rapport ${a} — ${p}`,
    en: (p: string, a: string) => `${a} report — ${p}`,
  },
  audience: {
    fr: { executive: 'de direction', tactical: 'tactique', operational: 'opérationnel' },
    en: { executive: 'Executive', tactical: 'Tactical', operational: 'Operational' },
  },
  sections: {
    fr: ['Résumé', 'Ce qui a changé', 'Pourquoi', 'Que faire'],
    en: ['Summary', 'What changed', 'Why', 'What to do'],
  },
  nothing: { fr: 'Aucun fait marquant sur la période.', en: 'Nothing notable over the period.' },
  noAction: { fr: 'Aucune action prioritaire.', en: 'No priority action.' },
};

const ref = (r: RecordRef | null | undefined) =>
  r ? (r.label && r.code ? `${r.label} (${r.code})` : (r.label ?? r.code ?? String(r.id ?? ''))) : '';
const v = (x: number | null | undefined, unit: string, lang: Language, signed = false) =>
  formatValue(x ?? null, unit, lang, { signed });

/** One sentence saying what the fact is. */
export function describeFact(f: Fact, lang: Language): string {
  const fr = lang === 'fr';
  switch (f.kind) {
    case 'revenue-change':
      return fr
        ? `Le chiffre d'affaires atteint ${v(f.value, f.unit, lang)}, contre ${v(f.comparison, f.unit, lang)} sur la période précédente (${v(f.delta, f.unit, lang, true)}, ${v(f.deltaPct, '%', lang, true)}).`
        : `Revenue reached ${v(f.value, f.unit, lang)}, against ${v(f.comparison, f.unit, lang)} the period before (${v(f.delta, f.unit, lang, true)}, ${v(f.deltaPct, '%', lang, true)}).`;
    case 'margin-change':
      return fr
        ? `La marge brute est de ${v(f.value, f.unit, lang)} (${v(f.details.marginPct as number, '%', lang)} du chiffre d'affaires), contre ${v(f.comparison, f.unit, lang)} (${v(f.details.previousMarginPct as number, '%', lang)}).`
        : `Gross margin is ${v(f.value, f.unit, lang)} (${v(f.details.marginPct as number, '%', lang)} of revenue), against ${v(f.comparison, f.unit, lang)} (${v(f.details.previousMarginPct as number, '%', lang)}).`;
    case 'trend-break':
      return fr
        ? `${capital(periodLabel(f.details.month as string, lang))} s'écarte de la tendance des 6 mois précédents : ${v(f.value, f.unit, lang)} pour ${v(f.comparison, f.unit, lang)} attendus (écart de ${v(Math.abs(f.details.z as number), '', lang)} écarts-types).`
        : `${periodLabel(f.details.month as string, lang)} breaks from the trend of the 6 months before: ${v(f.value, f.unit, lang)} against ${v(f.comparison, f.unit, lang)} expected (${v(Math.abs(f.details.z as number), '', lang)} standard deviations).`;
    case 'concentration':
      return fr
        ? `Les ${f.details.topN} premiers clients font ${v(f.value, '%', lang)} du chiffre d'affaires (${v(f.comparison, '%', lang)} avant) ; indice HHI ${v(f.details.hhi as number, '', lang)}.`
        : `The top ${f.details.topN} customers make ${v(f.value, '%', lang)} of revenue (${v(f.comparison, '%', lang)} before); HHI ${v(f.details.hhi as number, '', lang)}.`;
    case 'unusual-order':
      return fr
        ? `La commande ${f.subject.code} de ${ref(f.details.customer as RecordRef)} est inhabituelle : ${v(f.value, f.unit, lang)} pour une moyenne de ${v(f.comparison, f.unit, lang)}.`
        : `Order ${f.subject.code} from ${ref(f.details.customer as RecordRef)} is unusual: ${v(f.value, f.unit, lang)} against an average of ${v(f.comparison, f.unit, lang)}.`;
    case 'stockout-risk': {
      const w = f.details.warehouse as RecordRef;
      return fr
        ? `${ref(f.subject)} à ${w.label ?? w.code} : ${v(f.value, 'days', lang)} de couverture pour un délai d'approvisionnement de ${v(f.comparison, 'days', lang)} (${v(f.details.available as number, 'units', lang)} disponibles).`
        : `${ref(f.subject)} at ${w.label ?? w.code}: ${v(f.value, 'days', lang)} of cover for a lead time of ${v(f.comparison, 'days', lang)} (${v(f.details.available as number, 'units', lang)} available).`;
    }
    case 'rfm-movement':
      return fr
        ? `${v(f.value, '', lang)} clients ont glissé vers un segment à risque (sur ${v(f.comparison, '', lang)} changements de segment).`
        : `${v(f.value, '', lang)} customers slipped into an at-risk segment (out of ${v(f.comparison, '', lang)} segment changes).`;
    case 'supplier-deterioration':
      return fr
        ? `Le fournisseur ${ref(f.subject)} livre à l'heure ${v(f.value, '%', lang)} du temps sur 3 mois, contre ${v(f.comparison, '%', lang)} les 3 mois d'avant.`
        : `Supplier ${ref(f.subject)} delivered on time ${v(f.value, '%', lang)} of the time over 3 months, against ${v(f.comparison, '%', lang)} the 3 months before.`;
  }
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Why: the drivers of the change, by dimension. */
function explain(f: Fact, lang: Language, k: number): string[] {
  if (f.kind !== 'revenue-change') return [];
  const drivers = f.details.drivers as Record<string, Driver[]>;
  const names = {
    fr: { category: 'catégories', country: 'pays', customer: 'clients' },
    en: { category: 'categories', country: 'countries', customer: 'customers' },
  }[lang];
  return (['category', 'country', 'customer'] as const)
    .filter((dim) => drivers[dim]?.length)
    .map((dim) => {
      const list = drivers[dim]!.slice(0, k)
        .map(
          (d) =>
            `${d.label}${dim === 'customer' ? ` (${d.key})` : ''} ${v(d.contribution, f.unit, lang, true)}${d.sharePct !== null ? ` (${v(d.sharePct, '%', lang)})` : ''}`,
        )
        .join(', ');
      return lang === 'fr' ? `Par ${names[dim]} : ${list}.` : `By ${names[dim]}: ${list}.`;
    });
}

/** One sentence per action. */
export function describeAction(r: Recommendation, lang: Language, currency = 'EUR'): string {
  const fr = lang === 'fr';
  const gain = v(r.expectedImpactEur, currency, lang);
  switch (r.kind) {
    case 'reorder':
      return r.supplier
        ? fr
          ? `Commander ${v(r.quantity, 'units', lang)} de ${ref(r.record)} auprès de ${ref(r.supplier)} pour ${r.warehouse?.label ?? r.warehouse?.code} (couverture ${v(r.figures.daysOfCover as number, 'days', lang)}, délai ${v(r.figures.leadTimeDays as number, 'days', lang)}) — ventes protégées : ${gain}.`
          : `Reorder ${v(r.quantity, 'units', lang)} of ${ref(r.record)} from ${ref(r.supplier)} for ${r.warehouse?.label ?? r.warehouse?.code} (cover ${v(r.figures.daysOfCover as number, 'days', lang)}, lead time ${v(r.figures.leadTimeDays as number, 'days', lang)}) — sales protected: ${gain}.`
        : fr
          ? `Réapprovisionner ${v(r.quantity, 'units', lang)} de ${ref(r.record)} (aucun fournisseur connu) — ventes protégées : ${gain}.`
          : `Restock ${v(r.quantity, 'units', lang)} of ${ref(r.record)} (no known supplier) — sales protected: ${gain}.`;
    case 'call-customer':
      return r.figures.to
        ? fr
          ? `Appeler ${ref(r.record)}, passé de « ${r.figures.from} » à « ${r.figures.to} » — chiffre d'affaires sur 12 mois : ${gain}.`
          : `Call ${ref(r.record)}, moved from "${r.figures.from}" to "${r.figures.to}" — 12-month revenue: ${gain}.`
        : fr
          ? `Appeler ${ref(r.record)}, dont le chiffre d'affaires a baissé de ${gain}.`
          : `Call ${ref(r.record)}, whose revenue fell by ${gain}.`;
    case 'review-order':
      return fr
        ? `Vérifier la commande ${r.record.code} (${v(r.figures.amount as number, currency, lang)}).`
        : `Review order ${r.record.code} (${v(r.figures.amount as number, currency, lang)}).`;
    case 'renegotiate-supplier':
      return fr
        ? `Renégocier avec ${ref(r.record)} : ponctualité tombée à ${v(r.figures.onTimeRate as number, '%', lang)} (${v(r.figures.previousOnTimeRate as number, '%', lang)} avant).`
        : `Renegotiate with ${ref(r.record)}: on-time rate down to ${v(r.figures.onTimeRate as number, '%', lang)} (${v(r.figures.previousOnTimeRate as number, '%', lang)} before).`;
    case 'diversify-customers':
      return fr
        ? `Réduire la dépendance : les ${r.figures.topN} premiers clients pèsent ${v(r.figures.topSharePct as number, '%', lang)} du chiffre d'affaires.`
        : `Reduce dependency: the top ${r.figures.topN} customers weigh ${v(r.figures.topSharePct as number, '%', lang)} of revenue.`;
  }
}

export function writeStory(
  insights: Insights,
  recommendations: Recommendation[],
  opts: { audience?: Audience; language?: Language } = {},
): Story {
  const audience = opts.audience ?? 'executive';
  const lang = opts.language ?? 'fr';
  const spec = AUDIENCE[audience];
  const facts = insights.facts.filter((f) => spec.kinds.includes(f.kind)).slice(0, spec.facts);
  const actions = recommendations.slice(0, spec.actions);
  const pLabel = periodLabel(insights.period.id, lang);
  const title = T.title[lang](pLabel, T.audience[lang][audience]);
  const head = insights.facts.find((f) => f.kind === 'revenue-change');
  const top = facts.find((f) => f !== head);
  const sep = lang === 'fr' ? ' : ' : ': ';
  const summary = [
    head ? describeFact(head, lang) : T.nothing[lang],
    top ? `${lang === 'fr' ? 'Point principal' : 'Main point'}${sep}${describeFact(top, lang)}` : '',
    actions[0]
      ? `${lang === 'fr' ? 'Première action' : 'First action'}${sep}${describeAction(actions[0], lang, insights.currency)}`
      : '',
  ]
    .filter(Boolean)
    .join(' ');
  const changes = facts.map((f) => describeFact(f, lang));
  const why = facts.flatMap((f) => explain(f, lang, spec.drivers));
  const todo = actions.map((r, i) => `${i + 1}. ${describeAction(r, lang, insights.currency)}`);
  const [s1, s2, s3, s4] = T.sections[lang];
  const text = [
    `# ${title}`,
    '',
    `## ${s1}`,
    summary,
    '',
    `## ${s2}`,
    ...(changes.length ? changes.map((c) => `- ${c}`) : [T.nothing[lang]]),
    '',
    `## ${s3}`,
    ...(why.length ? why.map((c) => `- ${c}`) : [T.nothing[lang]]),
    '',
    `## ${s4}`,
    ...(todo.length ? todo : [T.noAction[lang]]),
  ].join('\n');
  return {
    period: insights.period.id,
    audience,
    language: lang,
    title,
    summary,
    changes,
    why,
    actions: todo,
    factIds: [
      ...new Set([
        ...(head ? [head.id] : []),
        ...facts.map((f) => f.id),
        ...actions.flatMap((a) => a.evidence),
      ]),
    ],
    recommendationIds: actions.map((a) => a.id),
    text,
  };
}
