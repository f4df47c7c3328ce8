import { LEVELS, MEASURE_BY_NAME } from '@erp/semantic';
import type { DateRange } from '@erp/semantic/dates';
import type { MemberIndex, MemberRef } from './members';
import { phrase, Sentence, type Phrase } from './sentence';
import { fold, numberOf, STOPWORDS, words } from './text';
import { LEVEL_PHRASES, MEASURE_PHRASES, REVENUE_VERBS } from './vocabulary';
import { readTime, type Clock, type CompareMode, type Granularity, type TimeReading } from './when';

/**
 * A question read into what it asks, before any query: measures, the levels it breaks them down
 * by, the members it names, the period (and a comparison), a ranking, a share, or "why". Nothing
 * here reads the database but the member index; the planner turns an Intent into semantic-layer
 * queries.
 */
export type Language = 'en' | 'fr';

export interface Intent {
  language: Language;
  kind: 'figures' | 'why' | 'stockout';
  measures: string[];
  /** A measure was named (not assumed). */
  measureNamed: boolean;
  levels: string[];
  granularity?: Granularity;
  filters: { level: string; members: MemberRef[] }[];
  time: TimeReading;
  ranking?: { direction: 'DESC' | 'ASC'; top?: number; singular?: boolean };
  share: boolean;
  /** "they", "ce client": the member the previous (singular) answer named; the engine looks it up. */
  pointsTo?: Intent;
  notes: string[];
}

export type Refusal =
  | { refused: 'write'; language: Language }
  | { refused: 'future'; language: Language }
  | { refused: 'not-understood'; language: Language; unknown?: string[] }
  | { refused: 'not-in-model'; language: Language; what: string };

export type Reading = Intent | Refusal;
export const isRefusal = (r: Reading): r is Refusal => 'refused' in r;

const list = (texts: string[]): Phrase<true>[] => texts.map((t) => phrase(t, true as const));

const WRITE =
  /^(?:please |pls |stp |svp )?(?:can you |could you |peux tu |pouvez vous |veuillez |merci de )?(delete|drop|update|insert|truncate|alter|grant|remove|cancel|create|add|change|modify|set|write|rename|reset|mark|approve|confirm|ship|deliver|raise|increase|decrease|lower|assign|move|transfer|apply|record|book|place|supprim\w*|effac\w*|modifi\w*|cree[rz]?|creer|ajout\w*|annul(?:e|er|ez)|change[rz]?|mets|mettre|ecri[st]\w*|renomm\w*|passe[rz]?|valide[rz]?|confirme[rz]?|expedie[rz]?|livre[rz]|augmente[rz]?|diminue[rz]?|baisse[rz]|affecte[rz]?|transfere[rz]?|enregistre[rz]?|applique[rz]?)\b|\b(drop table|delete from|insert into|update \w+ set|truncate|alter table|mets a jour|mettre a jour)\b/;

/** Subjects the model does not hold: answered "not in the model", never with a broader figure. */
const OUT_OF_MODEL: [string[], string, string][] = [
  [
    [
      'weather',
      'meteo',
      'temperature',
      'rain',
      'pluie',
      'quel temps fait il',
      'quel temps fera t il',
      'fait il beau',
      'sunny',
      'ensoleille',
    ],
    'the weather',
    'la météo',
  ],
  [
    [
      'salary',
      'salaries',
      'salaire',
      'salaires',
      'payroll',
      'wage',
      'wages',
      'paie',
      'remuneration',
      'bonus',
      'bonuses',
      'primes',
    ],
    'salaries',
    'les salaires',
  ],
  [
    ['headcount', 'effectif', 'effectifs', 'staff', 'personnel', 'hiring', 'embauches'],
    'staff',
    'les effectifs',
  ],
  [
    [
      'website',
      'site web',
      'web traffic',
      'traffic',
      'trafic',
      'visits',
      'visites',
      'visitors',
      'visiteurs',
      'clicks',
      'clics',
      'pageviews',
      'sessions',
      'bounce',
    ],
    'web traffic',
    'le trafic web',
  ],
  [
    [
      'marketing',
      'campaign',
      'campaigns',
      'campagne',
      'campagnes',
      'advertising',
      'ads',
      'publicite',
      'seo',
      'newsletter',
    ],
    'marketing',
    'le marketing',
  ],
  [
    [
      'share price',
      'stock price',
      'cours de bourse',
      'action',
      'bitcoin',
      'dividend',
      'dividends',
      'dividende',
      'dividendes',
    ],
    'the share price',
    'le cours de bourse',
  ],
  [
    [
      'ebitda',
      'ebit',
      'net profit',
      'net income',
      'resultat net',
      'benefice net',
      'profit after tax',
      'operating profit',
      'resultat d exploitation',
      'cash',
      'cashflow',
      'cash flow',
      'tresorerie',
      'debt',
      'dette',
      'dettes',
      'loan',
      'interest',
      'interets',
      'rent',
      'loyer',
      'loyers',
      'budget',
      'budgets',
      'expenses',
      'charges',
      'overheads',
      'frais generaux',
      'taxes paid',
      'vat',
      'tva',
      'impots',
      'taxes',
    ],
    'accounting figures beyond sales',
    'la comptabilité au-delà des ventes',
  ],
  [
    ['energy', 'electricity', 'electricite', 'energie', 'emissions', 'co2', 'carbon', 'carbone'],
    'energy and emissions',
    'l’énergie et les émissions',
  ],
  [
    ['inflation', 'exchange rate', 'taux de change', 'gdp', 'pib', 'unemployment', 'chomage'],
    'economic indicators',
    'les indicateurs économiques',
  ],
  [
    [
      'satisfaction',
      'nps',
      'reviews',
      'avis clients',
      'complaints',
      'reclamations',
      'rating',
      'ratings',
      'note',
    ],
    'customer satisfaction',
    'la satisfaction client',
  ],
  [
    [
      'email',
      'emails',
      'e mail',
      'e mails',
      'mail address',
      'courriel',
      'adresse mail',
      'adresse e mail',
      'phone',
      'phone number',
      'telephone',
      'numero de telephone',
      'fax',
      'how old',
      'age',
      'quel age',
      'birthday',
      'date of birth',
      'date de naissance',
      'anniversaire',
    ],
    'contact details and personal data',
    'les coordonnées et les données personnelles',
  ],
  [
    ['ceo', 'pdg', 'director', 'directeur', 'manager name', 'founder', 'fondateur'],
    'people and organisation',
    'l’organisation et les personnes',
  ],
  [
    ['trucks', 'camions', 'vehicles', 'vehicules', 'fleet', 'flotte', 'machines', 'equipment owned'],
    'assets',
    'les actifs',
  ],
  [
    ['competitor', 'competitors', 'concurrent', 'concurrents', 'market share', 'part de marche'],
    'competitors and the market',
    'la concurrence et le marché',
  ],
];
/** Levels users ask for that the model does not have yet: refused by name rather than answered as a total. */
const NOT_YET: [string[], string, string][] = [
  [
    [
      'week',
      'weeks',
      'weekly',
      'semaine',
      'semaines',
      'hebdomadaire',
      'weekday',
      'weekdays',
      'jour de la semaine',
    ],
    'weeks as a breakdown',
    'le découpage par semaine',
  ],
  [['hour', 'hours', 'hourly', 'heure', 'heures'], 'hours of the day', 'les heures de la journée'],
  [['discount', 'discounts', 'remise', 'remises', 'rabais'], 'discounts', 'les remises'],
  [
    ['freight', 'shipping cost', 'shipping costs', 'frais de port', 'fret'],
    'freight costs',
    'les frais de port',
  ],
];

const WHY = list([
  'why',
  'how come',
  'what explains',
  'what explained',
  'what drove',
  'what drives',
  'what caused',
  'what s behind',
  'what is behind',
  'reason',
  'reasons',
  'driver',
  'drivers',
  'cause',
  'causes',
  'pourquoi',
  'qu est ce qui explique',
  'qu est ce qui a',
  'comment expliquer',
  'comment s explique',
  'explique',
  'expliquer',
  'explication',
  'raison',
  'raisons',
  'moteur',
  'moteurs',
  'facteurs',
]);
const SHARE = list([
  'share',
  'shares',
  'part',
  'parts',
  'percentage',
  'percentages',
  'proportion',
  'contribution',
  'contributions',
  'weight',
  'what pct',
  'quel pct',
  'pct of total',
  'pct du total',
  'pct of the total',
  'poids',
  'represent',
  'represents',
  'represente',
  'representent',
  'mix',
  'repartition',
  'split',
  'breakdown in pct',
  'quote part',
  'quote part',
]);
const TREND = list([
  'trend',
  'trends',
  'evolution',
  'evolve',
  'evolved',
  'evolving',
  'over time',
  'history',
  'historique',
  'tendance',
  'tendances',
  'evolue',
  'evolution mensuelle',
  'progression',
  'curve',
  'courbe',
]);
const DESC_WORDS = list([
  'most',
  'highest',
  'biggest',
  'largest',
  'best',
  'top',
  'greatest',
  'leading',
  'maximum',
  'max',
  'more',
  'strongest',
  'main',
  'major',
  'key',
  'highest selling',
  'best selling',
  'best sellers',
  'bestsellers',
  'best performing',
  'le plus',
  'la plus',
  'les plus',
  'le plus de',
  'plus',
  'meilleur',
  'meilleure',
  'meilleurs',
  'meilleures',
  'premier',
  'premiers',
  'premiere',
  'premieres',
  'principal',
  'principaux',
  'principales',
  'plus gros',
  'plus grosse',
  'plus grands',
  'plus grandes',
  'plus important',
  'plus importants',
  'plus importantes',
  'gros',
  'grands',
  'top',
]);
const ASC_WORDS = list([
  'least',
  'lowest',
  'smallest',
  'worst',
  'fewest',
  'bottom',
  'weakest',
  'minimum',
  'min',
  'less',
  'slowest',
  'poorest',
  'worst performing',
  'least selling',
  'slow moving',
  'slow movers',
  'le moins',
  'la moins',
  'les moins',
  'moins',
  'pire',
  'pires',
  'plus faible',
  'plus faibles',
  'plus petit',
  'plus petits',
  'plus petites',
  'plus bas',
  'plus basse',
  'derniers',
  'dernier',
  'flop',
  'moins bons',
  'moins bonnes',
]);
const FREQUENT = list(['most often', 'most frequently', 'the most', 'le plus souvent', 'le plus', 'most']);
const LATE_RANK = list([
  'least reliable',
  'least punctual',
  'worst',
  'moins fiables',
  'moins fiable',
  'moins ponctuels',
  'pires',
]);
const RELIABLE_RANK = list([
  'most reliable',
  'most punctual',
  'best',
  'plus fiables',
  'plus fiable',
  'plus ponctuels',
  'meilleurs',
]);
const STOCKOUT = list([
  'run out',
  'running out',
  'runs out',
  'will run out',
  'stock out',
  'stockout',
  'stock outs',
  'stockouts',
  'rupture',
  'ruptures',
  'rupture de stock',
  'ruptures de stock',
  'en rupture',
  'shortage',
  'shortages',
  'penurie',
  'manquer',
  'vont manquer',
  'out of stock',
  'reorder',
  'reapprovisionner',
  'reassort',
  'restock',
  'replenish',
]);
/** The reorder point measure's own words (the vocabulary's), so they are not read as a stock-out question. */
/** Words the reader knows as they are (sales verbs): never read as a typo of a measure or a level. */
const OWN_WORDS: ReadonlySet<string> = new Set(REVENUE_VERBS.flatMap((p) => p.words));

const REORDER_POINT: Phrase<true>[] = MEASURE_PHRASES.filter((p) => p.value === 'reorderPoint').map((p) => ({
  ...p,
  value: true as const,
}));
const LOW_STOCK = list([
  'low stock',
  'low on stock',
  'below reorder point',
  'under the reorder point',
  'stock bas',
  'stock faible',
  'stocks bas',
  'sous le point de commande',
  'en dessous du point de commande',
  'below their reorder point',
]);
const HOW_MANY_CUSTOMERS = list([
  'how many customers',
  'number of customers',
  'customer count',
  'count of customers',
  'nombre de clients',
  'combien de clients',
  'how many clients',
  'number of clients',
  'nb de clients',
  'nombre total de clients',
  'how many buying customers',
  'number of buying customers',
  'how many active customers',
  'number of active customers',
  'nombre de clients acheteurs',
  'nombre de clients actifs',
  'combien de clients acheteurs',
  'combien de clients actifs',
  'nb de clients acheteurs',
  'nb clients',
]);
const PRODUCT_COUNT = list([
  'how many products',
  'number of products',
  'product count',
  'how many skus',
  'number of skus',
  'how many items',
  'how many references',
  'how many active products',
  'number of active products',
  'how many discontinued products',
  'combien de produits',
  'nombre de produits',
  'nombre de references',
  'combien de references',
  'nb de produits',
  'nb produits',
  'combien de skus',
  'combien de produits actifs',
  'nombre de produits actifs',
  'combien de produits arretes',
]);
const AMOUNT_WORDS = [
  'amount',
  'value',
  'montant',
  'valeur',
  'how much',
  'combien d argent',
  'total value',
  'revenue',
  'ca',
];
/** Pronouns that point at the member the previous answer named ("how many orders did they place?"). */
const POINTERS = list([
  'they',
  'them',
  'their',
  'he',
  'she',
  'him',
  'her',
  'it',
  'this customer',
  'that customer',
  'this product',
  'that product',
  'ce client',
  'ce produit',
  'cet article',
  'ils',
  'elles',
  'il',
  'elle',
  'lui',
  'leur',
  'leurs',
]);
const BUY_VERBS = list([
  'bought',
  'buy',
  'ordered',
  'order',
  'purchased',
  'purchase',
  'placed',
  'active',
  'acheteurs',
  'achete',
  'acheter',
  'commande',
  'commandes',
  'ont achete',
  'ont commande',
  'actifs',
  'actif',
]);
const SELL_VERBS = ['sold', 'vendu', 'vendus', 'vendues', 'vendue'];

/** Words of questions that ask nothing by themselves (leftovers that must not refuse a question). */
const HARMLESS = new Set(
  (
    'breakdown split detail details detailed compare comparison compared comparaison comparer versus vs much many did make made generate generated achieve achieved value values amount amounts figure figures number numbers data ' +
    'performance perform performed doing look looks like worth got obtain realise realised realized current currently latest recent period periods results result company business firm total overall ' +
    'global globale globalement bilan situation niveau point resultat resultats entreprise euros euro dollars dollar pounds pound eur usd gbp money argent recap summary sum overview ' +
    'evolution change changed changes changing vary varied dropped drop drops fall fell fallen decline declined decrease decreased increase increased rise rose risen grow grew grown growth went go goes ' +
    'baisse baisser baisse chute chuter recul reculer diminue diminuer diminution augmente augmenter augmentation hausse progresse progresser croissance varie variation ' +
    'bring brought brings generate earn earned gagne rapporte rapporter come comes came coming from source sources each every per chaque various different ' +
    'amount montant montants valeur valeurs chiffre chiffres nombre combien quantite total totale totaux ensemble cumul cumule cumulee sont ete etait fait realise realisee genere generee ' +
    'happened happen happens passe passee est il elle we they our nos notre leurs leur ranking rank ranked classement classe classer trie tries sorted sort order ordered list liste listing ' +
    'all everything tout tous toutes whole entire entier entiere compared how what which who where when quand ou comment quels quelle quelles quel qui ' +
    'record records high low hit reach reached atteint atteindre best worst top average avg moyenne moyen mean median typical typique typically ' +
    'overall grand currently now maintenant actuellement actuel actuelle today still encore just only seulement uniquement juste also aussi again encore'
  ).split(/\s+/),
);

/** A level word written in the singular ("which customer", "le meilleur client"): the answer is one member. */
const SINGULAR = new Set([
  'customer',
  'client',
  'product',
  'produit',
  'item',
  'article',
  'country',
  'category',
  'categorie',
  'city',
  'ville',
  'region',
  'segment',
  'supplier',
  'fournisseur',
  'warehouse',
  'entrepot',
  'depot',
  'month',
  'year',
  'annee',
  'quarter',
  'trimestre',
  'day',
  'jour',
  'sku',
  'reference',
  'account',
  'compte',
  'buyer',
  'acheteur',
  'market',
  'marche',
  'state',
  'family',
  'famille',
  'vendor',
  'store',
  'site',
  'date',
  'company',
  'societe',
  'employee',
  'employe',
  'rep',
  'salesperson',
  'representative',
  'seller',
  'commercial',
  'commerciale',
  'vendeur',
  'vendeuse',
  'representant',
  'carrier',
  'shipper',
  'transporteur',
  'expediteur',
  'courier',
]);
const INVARIANT = new Set(['pays', 'mois']);
const SINGULAR_DETERMINERS = new Set([
  'le',
  'la',
  'l',
  'quel',
  'quelle',
  'which',
  'what',
  'the',
  'our',
  'notre',
  'un',
  'une',
  'a',
  'ce',
  'cette',
]);

export interface Understanding {
  members: MemberIndex | null;
  clock: Clock;
  /** Detected or asked. */
  language: Language;
}

export function detectLanguage(question: string): Language {
  const w = words(question).map((x) => x.text);
  const fr = w.filter((x) =>
    /^(le|la|les|des|du|quel|quelle|quels|quelles|combien|chiffre|ventes|mois|annee|trimestre|dernier|derniere|cette|ce|en|clients|produits|marge|par|pour|sur|est|sont|qui|pourquoi|nos|notre|avons|depuis|entre|au|aux|une|un|et|de|d|l|ca)$/.test(
      x,
    ),
  ).length;
  const en = w.filter((x) =>
    /^(the|by|which|what|how|many|much|revenue|sales|month|year|quarter|last|this|in|customers|products|margin|stock|suppliers|country|top|of|our|we|did|is|are|was|were|for|per|each|who|why|and|from|to|between)$/.test(
      x,
    ),
  ).length;
  return fr > en ? 'fr' : 'en';
}

/** Subjects out of the model among the words not read yet (a measure's words, e.g. "à l'heure", are read first). */
/** A subject outside the model, unless its word is part of a name the question gives ("Noria Cash & Carry"). */
function refuseIfOutOfModel(
  s: Sentence,
  language: Language,
  table: [string[], string, string][],
  names: { start: number; end: number }[] = [],
): Refusal | null {
  const outsideNames = (m: { start: number; end: number }) =>
    !names.some((n) => m.start >= n.start && m.end <= n.end);
  for (const [texts, en, fr] of table)
    if (s.take(list(texts), { keep: true, accept: outsideNames }).length)
      return { refused: 'not-in-model', language, what: language === 'fr' ? fr : en };
  return null;
}

/** Reads a question (with the earlier questions of the conversation, oldest first). */
export function understand(question: string, u: Understanding, previous: string[] = []): Reading {
  let context: Intent | null = null;
  for (const p of previous.slice(-5)) {
    const r = readOne(p, u, context);
    if (!isRefusal(r)) context = r;
  }
  return readOne(question, u, context);
}

// The words naming an end of a ranking, before the number ("top 5", "worst 3") and after it ("5 best").
const BEST_BEFORE =
  /^(top|best|first|premiers?|premieres?|meilleurs?|meilleures?|biggest|largest|leading|principaux)$/;
const WORST_BEFORE = /^(bottom|worst|flop|pires|derniers|lowest|smallest|least)$/;
const BEST_AFTER =
  /^(best|top|biggest|largest|most|meilleurs?|meilleures?|premiers?|premieres?|plus|principaux|highest|leading|main|major)$/;
const WORST_AFTER = /^(worst|lowest|least|smallest|bottom|pires|derniers|moins|weakest)$/;
const YEAR = /^(19|20)\d\d$/;

/** Which end of a ranking a word names, if any. */
const rankingEnd = (word: string | undefined, best: RegExp, worst: RegExp): 'DESC' | 'ASC' | undefined =>
  word === undefined ? undefined : best.test(word) ? 'DESC' : worst.test(word) ? 'ASC' : undefined;

/** "top 5", "5 best", "the 3 worst", "les 10 premiers": how many, and which end (marks the words read). */
function readTop(s: Sentence): { top?: number; direction?: 'DESC' | 'ASC' } {
  let top: number | undefined;
  let direction: 'DESC' | 'ASC' | undefined;
  for (let i = 0; i < s.words.length; i++) {
    if (!s.free(i)) continue;
    const w = s.words[i]!.text;
    const next = s.text(i + 1);
    const prev = s.text(i - 1);
    const n = numberOf(w);
    // Up to 100: "5 best" is a ranking, "2024 best" is not.
    const counted = n !== undefined && n <= 100 ? n : undefined;
    const endAfter = rankingEnd(next, BEST_AFTER, WORST_AFTER);
    const endBefore = rankingEnd(w, BEST_BEFORE, WORST_BEFORE);
    if (endBefore && numberOf(next) && s.free(i + 1)) {
      top = numberOf(next);
      direction = endBefore;
      s.mark(i, i + 2);
    } else if (/^top(\d{1,3})$/.test(w)) {
      top = Number(w.slice(3));
      direction = 'DESC';
      s.mark(i, i + 1);
    } else if (counted !== undefined && counted >= 1 && endAfter && s.free(i + 1)) {
      top = counted;
      direction = endAfter;
      s.mark(i, i + 2);
    } else if (
      counted !== undefined &&
      counted >= 2 &&
      prev &&
      /^(les|the|our|nos|mes)$/.test(prev) &&
      !YEAR.test(w) &&
      next &&
      !/^(months?|days?|weeks?|years?|quarters?|mois|jours?|semaines?|annees?|ans|trimestres?)$/.test(next)
    ) {
      top = counted;
      s.mark(i, i + 1);
    }
  }
  return { top, direction };
}

type Match<T> = { value: T; start: number; end: number };

/**
 * Members by level. A name several levels share (a city and a warehouse): the level the question
 * names, else a whole name before one word of a name, else the first. A customers level that only
 * qualifies a named attribute ("customers in Mexico") is cleared in `levelMatches` (value '').
 */
function filtersOf(
  memberMatches: Match<MemberRef[]>[],
  levelMatches: Match<string>[],
  measure: string,
): Map<string, MemberRef[]> {
  const filters = new Map<string, MemberRef[]>();
  // Levels the measure's fact has: a name that is a warehouse and a city, asked with stock, is the warehouse.
  const fact = MEASURE_BY_NAME.get(measure)?.fact ?? 'sales';
  const valid = (r: MemberRef) => LEVELS.get(r.level)?.facts.includes(fact) ?? true;
  for (const m of memberMatches) {
    const named =
      m.value.find((r) => levelMatches.some((l) => l.value === r.level)) ??
      m.value.find((r) => !r.partial && valid(r)) ??
      m.value.find((r) => valid(r)) ??
      m.value.find((r) => !r.partial) ??
      m.value[0]!;
    const same = m.value.filter((r) => r.level === named.level);
    const list = filters.get(named.level) ?? [];
    for (const r of same)
      if (!list.some((x) => x.key === r.key)) list.push({ level: r.level, key: r.key, label: r.label });
    filters.set(named.level, list);
  }
  // "customers in Mexico", "les clients grossistes": customers qualified by one of their attributes, not a breakdown by customer.
  const CUSTOMER_ATTRIBUTES = ['geography.country', 'geography.region', 'geography.city', 'segment.segment'];
  for (const l of levelMatches) {
    if (l.value !== 'geography.customer') continue;
    if (
      memberMatches.some(
        (m) =>
          m.value.some((r) => CUSTOMER_ATTRIBUTES.includes(r.level)) &&
          (Math.abs(m.start - l.end) <= 2 || Math.abs(l.start - m.end) <= 2),
      )
    )
      l.value = '';
  }
  return filters;
}

/** Whether a level is named in the singular ("which customer", "le meilleur client"). */
function namesOne(s: Sentence, levelMatches: Match<string>[], top: number | undefined): boolean {
  let singular = false;
  for (const l of levelMatches) {
    const word = s.words[l.end - 1]!.text;
    const det = s.words[l.start - 1]?.text;
    const det2 = s.words[l.start - 2]?.text;
    if (
      SINGULAR.has(word) &&
      !['les', 'des', 'quels', 'quelles', 'nos', 'mes', 'ces'].includes(det ?? '') &&
      !top
    )
      singular = true;
    if (
      INVARIANT.has(word) &&
      (SINGULAR_DETERMINERS.has(det ?? '') || SINGULAR_DETERMINERS.has(det2 ?? '')) &&
      !['les', 'des', 'quels', 'quelles'].includes(det ?? '')
    )
      singular = true;
  }
  return singular;
}

/** The question for pattern tests: lower case, no accents, no quotes or punctuation, space-padded. */
function foldQuestion(question: string): string {
  return ` ${fold(question)
    .replace(/['’`´]/g, ' ')
    .replace(/[^\p{L}\p{N}/\- ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()} `;
}

/** What kind of question it is: why, stock-outs, low stock, a share, a trend (marks the words read). */
function readQuestionKind(s: Sentence): {
  why: boolean;
  stockout: boolean;
  lowStock: boolean;
  share: boolean;
  trend: boolean;
} {
  const why = s.take(WHY).length > 0;
  // "reorder point" names a measure, not a question about stock-outs ("reorder").
  const reorderPointNamed =
    s.take(REORDER_POINT, { keep: true }).length > 0 && !s.take(LOW_STOCK, { keep: true }).length;
  const stockout = !reorderPointNamed && s.take(STOCKOUT).length > 0;
  const lowStock = s.take(LOW_STOCK).length > 0;
  const share = s.take(SHARE).length > 0;
  const trend = s.take(TREND).length > 0;
  return { why, stockout, lowStock, share, trend };
}

/** The measures, levels and member names a question reads, before the single-word names. */
interface Vocabulary {
  measures: string[];
  levelMatches: Match<string>[];
  memberMatches: Match<MemberRef[]>[];
  productCount: Match<true>[];
}

/** Measures (named, or implied by "how many customers", sales verbs…), levels and long member names. */
function readVocabulary(s: Sentence, u: Understanding, time: TimeReading): Vocabulary {
  // How many customers: buyers of a period, or the customer base.
  let countCustomers: 'customers' | 'customerCount' | undefined;
  if (s.take(HOW_MANY_CUSTOMERS).length) {
    const buying = s.take(BUY_VERBS, { keep: true }).length > 0 || s.has('bought') || s.has('achete');
    countCustomers = time.range || buying || time.anaphora ? 'customers' : 'customerCount';
  }
  // How many products: the catalog ("do we have / sell"), or units when they were sold ("did we sell").
  const productCount = s.take(PRODUCT_COUNT);
  // "did we sell in 1997" or "sold": units; "do we sell" alone: the catalog.
  const pastSales =
    SELL_VERBS.some((v) => s.has(v)) ||
    (Boolean(time.range) && (s.has('sell') || s.has('vendre') || s.has('vend')));

  // Member names of several words first (a product or customer name may hold ordinary words).
  const memberMatches = u.members
    ? s.take(u.members.phrases, { accept: (m) => m.end - m.start >= 2 && m.value.some((r) => !r.partial) })
    : [];
  // Measures and levels together, the longest phrase first ("order kind" is a level, not orders).
  const vocab = s.take(
    [
      ...MEASURE_PHRASES.map((p) => ({ ...p, value: `m:${p.value}` })),
      ...LEVEL_PHRASES.map((p) => ({ ...p, value: `l:${p.value}` })),
    ],
    { fuzzy: true, own: OWN_WORDS },
  );
  let measures = vocab.filter((m) => m.value.startsWith('m:')).map((m) => m.value.slice(2));
  const levelMatches = vocab
    .filter((m) => m.value.startsWith('l:'))
    .map((m) => ({ ...m, value: m.value.slice(2) }));
  // Sales verbs ask for revenue only when no measure is named ("the products sold the most in units").
  const verbs = s.take(REVENUE_VERBS);
  if (!measures.length && verbs.length && !countCustomers && !productCount.length) measures.push('revenue');
  if (productCount.length)
    measures.unshift(pastSales && !s.has('catalog') && !s.has('catalogue') ? 'units' : 'productCount');
  // "customers who bought / ordered": the verbs qualify the customers, they do not ask for revenue or orders.
  if (countCustomers)
    measures = [countCustomers, ...measures.filter((m) => m !== 'revenue' && m !== 'orders')];
  // "how many units do we have in stock / are on order": units is that measure's unit, not units sold.
  const unitsOfAnother = measures.some(
    (m) =>
      m !== 'units' && MEASURE_BY_NAME.get(m)?.fact !== 'sales' && MEASURE_BY_NAME.get(m)?.unit === 'units',
  );
  if (unitsOfAnother && measures.includes('units')) measures = measures.filter((m) => m !== 'units');
  // "amount / value of cancelled orders, of drafts": their value, not their count.
  if (AMOUNT_WORDS.some((w) => s.has(w)))
    measures = measures.map((m) => (m === 'cancelledOrders' ? 'cancelledValue' : m));
  return { measures, levelMatches, memberMatches, productCount };
}

/** Words that point back ("they") or rank ("the most", "the least", "late most often"). */
interface RankingCues {
  pointer: boolean;
  desc: Match<true>[];
  asc: Match<true>[];
  frequent: boolean;
  lateRank: boolean;
  reliableRank: boolean;
}

function readRankingCues(s: Sentence): RankingCues {
  const pointer = s.take(POINTERS, { keep: true }).length > 0;
  const desc = s.take(DESC_WORDS, { keep: true });
  const asc = s.take(ASC_WORDS, { keep: true });
  const frequent = s.take(FREQUENT, { keep: true }).length > 0;
  const lateRank = s.take(LATE_RANK, { keep: true }).length > 0;
  const reliableRank = s.take(RELIABLE_RANK, { keep: true }).length > 0;
  s.take(DESC_WORDS);
  s.take(ASC_WORDS);
  return { pointer, desc, asc, frequent, lateRank, reliableRank };
}

/** What a question asks, as it is being read: the steps after the words are read refine it. */
interface Draft {
  kind: Intent['kind'];
  measures: string[];
  measureNamed: boolean;
  levels: string[];
  granularity: Granularity | undefined;
  filters: Map<string, MemberRef[]>;
  time: TimeReading;
  top: number | undefined;
  direction: 'DESC' | 'ASC' | undefined;
  singular: boolean;
}

const GRANULARITY_OF_LEVEL: Record<string, Granularity> = {
  'date.year': 'YEAR',
  'date.quarter': 'QUARTER',
  'date.month': 'MONTH',
  'date.day': 'DAY',
};

/** The filters, the levels to break down by, the time grain, and whether one member is asked for. */
function readBreakdown(
  s: Sentence,
  vocab: Vocabulary,
  time: TimeReading,
  asks: { share: boolean; trend: boolean },
  top: number | undefined,
): Pick<Draft, 'filters' | 'levels' | 'granularity' | 'singular'> {
  const { levelMatches } = vocab;
  const filters = filtersOf(vocab.memberMatches, levelMatches, vocab.measures[0] ?? 'revenue');
  let levels = levelMatches.map((l) => l.value).filter((l, i, a) => l && a.indexOf(l) === i);
  levels = levels.filter((l) => !filters.has(l) || asks.share);
  // "the supplier" beside a supplier name, "customer Ernst Handel": the kind of the member, not a breakdown.
  const dateLevels = levels.filter((l) => l.startsWith('date.'));
  levels = levels.filter((l) => !l.startsWith('date.'));
  let granularity: Granularity | undefined = time.granularity;
  if (dateLevels.length) granularity = GRANULARITY_OF_LEVEL[dateLevels[dateLevels.length - 1]!];
  if (asks.trend && !granularity) granularity = 'MONTH';

  // Singular: "which customer", "le meilleur client", "our biggest customer".
  let singular = namesOne(s, levelMatches, top);
  if (s.has('who') || s.has('qui')) singular = singular || levels.length === 0;
  if (s.has('who') && !levels.length && !filters.size) levels.push('geography.customer');
  return { filters, levels, granularity, singular };
}

/** Stock-outs rank products by days of cover; low stock lists what is under its reorder point. */
function applyStockQuestion(d: Draft, asks: { stockout: boolean; lowStock: boolean }): void {
  if (asks.stockout && !d.measures.some((m) => m.startsWith('supplier'))) {
    d.kind = 'stockout';
    d.measures = ['daysOfCover', 'stockAvailable'];
    d.measureNamed = true;
    if (!d.levels.includes('product.product')) d.levels.unshift('product.product');
    d.direction = 'ASC';
  }
  if (asks.lowStock) {
    d.measures = ['stockOnHand', 'reorderPoint'];
    d.measureNamed = true;
    d.filters.set('stockStatus.state', [{ level: 'stockStatus.state', key: 'LOW', label: 'LOW' }]);
    if (!d.levels.length) d.levels.push('product.product');
    d.direction ??= 'ASC';
  }
}

/** Suppliers: "late most often" is the lowest on-time rate first. */
function applySupplierRanking(d: Draft, s: Sentence, cues: RankingCues): void {
  if (
    d.measures.includes('supplierLateDeliveries') &&
    (cues.frequent || d.direction || d.levels.includes('supplier.supplier') || !d.levels.length)
  ) {
    d.measures = [
      'supplierOnTimeRate',
      'supplierLateDeliveries',
      ...d.measures.filter((m) => !['supplierOnTimeRate', 'supplierLateDeliveries'].includes(m)),
    ];
    d.direction = 'ASC';
  } else if (d.measures[0] === 'supplierOnTimeRate' && cues.lateRank) d.direction = 'ASC';
  else if (d.measures[0] === 'supplierOnTimeRate' && cues.reliableRank) d.direction = 'DESC';
  if (!d.measures.length && d.levels.includes('supplier.supplier')) {
    d.measures = ['supplierOnTimeRate', 'supplierDeliveries'];
    if (cues.lateRank) d.direction = 'ASC';
  }
  if (
    d.measures.some((m) => m.startsWith('supplier')) &&
    !d.levels.length &&
    !d.granularity &&
    (d.direction || s.has('suppliers') || s.has('fournisseurs')) &&
    !d.filters.has('supplier.supplier')
  )
    d.levels.push('supplier.supplier');
}

/** What is left unread: names we do not know must not widen the answer. */
function unreadWords(s: Sentence): string[] {
  return s
    .rest()
    .filter(
      (w) =>
        !STOPWORDS.has(w.text) &&
        !HARMLESS.has(w.text) &&
        !/^\d/.test(w.text) &&
        w.text.length >= 3 &&
        !['pct', '€', '$', '£'].includes(w.text),
    )
    .map((w) => w.raw);
}

/** A follow-up names no measure, starts like one ("and…", "what about…"), or points at the period before. */
function isFollowUp(d: Draft, folded: string): boolean {
  return (
    !d.measureNamed ||
    /^ ?(and|et|what about|how about|same|idem|pareil|now|maintenant|also|aussi|only|seulement|just|then|puis|ok|what if)\b/.test(
      folded.trim(),
    ) ||
    Boolean(d.time.anaphora)
  );
}

/** A follow-up takes what it does not say from the question before it. */
function inheritFromContext(d: Draft, context: Intent, levelMatches: Match<string>[]): void {
  const { time, filters } = d;
  if (!d.measures.length) {
    d.measures = context.measures;
    d.measureNamed = context.measureNamed;
  }
  if (!time.range && !time.anaphora) {
    time.range = context.time.range;
    time.compare ??= context.time.compare;
    time.compareRange ??= context.time.compareRange;
    time.relative = context.time.relative;
  }
  if (!d.levels.length && !d.granularity && levelMatches.length === 0) {
    d.levels = context.levels.filter((l) => !filters.has(l));
    d.granularity = context.granularity;
  }
  for (const f of context.filters)
    if (!filters.has(f.level) && !d.levels.includes(f.level)) filters.set(f.level, f.members);
  if (!d.direction && context.ranking && !levelMatches.length) {
    d.direction = context.ranking.direction;
    d.top ??= context.ranking.top;
    d.singular = d.singular || Boolean(context.ranking.singular);
  }
  if (d.kind === 'figures' && context.kind !== 'figures' && !levelMatches.length && !d.measureNamed)
    d.kind = context.kind;
}

/** "that year", "the same period": the previous question's period (its whole year for "that year"). */
function resolveTimeAnaphora(time: TimeReading, context: Intent | null): void {
  if (time.anaphora && context?.time.range) {
    const r = context.time.range;
    time.range =
      time.anaphora === 'year'
        ? { from: `${r.from.slice(0, 4)}-01-01`, to: `${r.from.slice(0, 4)}-12-31` }
        : r;
  }
}

/** Refuses what was not understood, or names unknown words beside an assumed measure. */
function refuseIfNotUnderstood(d: Draft, s: Sentence, unknown: string[], language: Language): Refusal | null {
  const understoodSomething =
    d.measures.length > 0 ||
    d.levels.length > 0 ||
    d.filters.size > 0 ||
    Boolean(d.direction) ||
    Boolean(d.granularity) ||
    d.kind !== 'figures';
  if (!understoodSomething) return { refused: 'not-understood', language, unknown };
  // Unknown names beside an assumed measure: refuse rather than answer the company total.
  const named = unknown.filter((w, i) => /^\p{Lu}/u.test(w) && (i > 0 || s.words[0]?.raw !== w));
  if (named.length && !d.filters.size) return { refused: 'not-understood', language, unknown: named };
  if (!d.measures.length && unknown.length >= 2 && !d.levels.length && !d.filters.size)
    return { refused: 'not-understood', language, unknown };
  return null;
}

function toIntent(d: Draft, language: Language, share: boolean, pointsTo: Intent | undefined): Intent {
  const { direction, top, singular } = d;
  const ranking = direction
    ? { direction, top: top ?? (singular ? 1 : undefined), singular }
    : top
      ? { direction: 'DESC' as const, top, singular }
      : undefined;
  return {
    language,
    kind: d.kind,
    measures: [...new Set(d.measures)],
    measureNamed: d.measureNamed,
    levels: d.levels,
    granularity: d.granularity,
    filters: [...d.filters.entries()].map(([level, members]) => ({ level, members })),
    time: d.time,
    ranking,
    share,
    ...(pointsTo ? { pointsTo } : {}),
    notes: [],
  };
}

function readOne(question: string, u: Understanding, context: Intent | null): Reading {
  const language = u.language;
  const folded = foldQuestion(question);
  if (WRITE.test(folded.trim())) return { refused: 'write', language };
  const s = new Sentence(words(question));
  const names = u.members
    ? s.take(u.members.phrases, {
        keep: true,
        accept: (m) => m.end - m.start >= 2 && m.value.some((r) => !r.partial),
      })
    : [];
  const outOfModel = refuseIfOutOfModel(s, language, OUT_OF_MODEL, names);
  if (outOfModel) return outOfModel;

  const time = readTime(s, u.clock);
  // A period after the data's as-of date (next year, 1999 on a 1998 warehouse) has no figures yet.
  if (time.future || (time.range && time.range.from > u.clock.today)) return { refused: 'future', language };

  const asks = readQuestionKind(s);
  // Top N / N best / les N premiers (before numbers are read as anything else).
  const { top, direction } = readTop(s);
  const vocab = readVocabulary(s, u, time);
  const notYet = refuseIfOutOfModel(s, language, NOT_YET);
  if (notYet) return notYet;
  if (u.members) vocab.memberMatches.push(...s.take(u.members.phrases));
  const cues = readRankingCues(s);
  if ((s.has('actifs') || s.has('active') || s.has('actif')) && vocab.productCount.length)
    vocab.memberMatches.push({
      value: [{ level: 'productStatus.status', key: 'ACTIVE', label: 'ACTIVE' }],
      start: 0,
      end: 0,
    });

  const d: Draft = {
    kind: asks.why ? 'why' : 'figures',
    measures: vocab.measures,
    measureNamed: vocab.measures.length > 0,
    ...readBreakdown(s, vocab, time, asks, top),
    time,
    top,
    direction,
  };
  if (cues.desc.length || cues.asc.length || top) {
    // the side named first wins when both appear ("the most ... the least" is rare)
    d.direction ??=
      cues.asc.length && (!cues.desc.length || cues.asc[0]!.start < cues.desc[0]!.start) ? 'ASC' : 'DESC';
  }
  applyStockQuestion(d, asks);
  applySupplierRanking(d, s, cues);
  const unknown = unreadWords(s);
  if (context && isFollowUp(d, folded)) inheritFromContext(d, context, vocab.levelMatches);
  resolveTimeAnaphora(time, context);

  const pointsTo =
    cues.pointer && context?.ranking?.singular && context.levels.length && !d.filters.has(context.levels[0]!)
      ? context
      : undefined;
  if (pointsTo) d.levels = d.levels.filter((l) => l !== pointsTo.levels[0]);

  const refusal = refuseIfNotUnderstood(d, s, unknown, language);
  if (refusal) return refusal;
  if (!d.measures.length) d.measures = ['revenue'];
  return toIntent(d, language, asks.share, pointsTo);
}

export type { DateRange, CompareMode };
