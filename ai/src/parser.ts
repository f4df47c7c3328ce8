import { BOOKED_STATUSES, MEASURES, type OlapQuery, validateOlapQuery } from './olap';
import { addMonths, monthEnd, type DateRange } from './periods';
import type { Language } from './format';

/**
 * The no-key question parser: French and English questions → an OLAP-style query on the semantic
 * whitelist. Rule-based and deterministic: measure synonyms, dimension synonyms, time expressions
 * (this/last year, quarter, month; a year; a month name with or without a year; "en 2025"; the last N
 * months; year to date; "vs last year"), top N, bottom N and order. It refuses plainly what it does
 * not understand, and anything that asks to change data.
 */

export type ParseResult =
  | { ok: true; query: OlapQuery; intent: 'olap' | 'stockout'; language: Language; notes: string[] }
  | { ok: false; language: Language; reason: 'not-understood' | 'write-request' | 'invalid'; message: string; suggestions: string[] };

export const EXAMPLES: Record<Language, string[]> = {
  fr: ["chiffre d'affaires par catégorie en 2025", 'top 5 clients le trimestre dernier', 'quels produits vont être en rupture ?', 'marge par mois', 'ventes par pays cette année vs l’année dernière'],
  en: ['revenue by category in 2025', 'top 5 customers last quarter', 'which products will run out of stock?', 'margin by month', 'revenue by country this year vs last year'],
};

/** Lower case, accents removed, apostrophes and punctuation to spaces, single spaces. */
export function normalize(text: string): string {
  return ` ${text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[’'`´]/g, ' ')
    .replace(/%/g, ' pct ')
    .replace(/[^a-z0-9\- ]+/g, ' ')
    .replace(/-/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()} `;
}

// Longest phrases first within each list; matched text is removed so a phrase is used once.
const MEASURE_SYNONYMS: [string, string[]][] = [
  ['marginPct', ['taux de marge', 'marge en pct', 'pct de marge', 'marge pct', 'margin pct', 'margin rate', 'margin percentage', 'margin ratio']],
  ['averageBasket', ['panier moyen', 'average basket', 'average order value', 'average order', 'aov', 'basket size']],
  ['daysOfCover', ['jours de couverture', 'couverture de stock', 'couverture', 'days of cover', 'days of stock', 'stock cover', 'coverage']],
  ['supplierOnTimeRate', ['taux de ponctualite', 'ponctualite', 'livraisons a l heure', 'on time rate', 'on time delivery', 'on time deliveries', 'on time', 'punctuality', 'taux de service']],
  ['customers', ['nombre de clients', 'clients actifs', 'number of customers', 'active customers', 'customer count', 'how many customers', 'combien de clients']],
  ['orders', ['nombre de commandes', 'number of orders', 'order count', 'how many orders', 'combien de commandes', 'commandes', 'orders']],
  ['grossMargin', ['marge brute', 'gross margin', 'gross profit', 'marges', 'marge', 'margins', 'margin', 'profit', 'benefice']],
  ['units', ['unites vendues', 'quantites vendues', 'units sold', 'quantity sold', 'quantites', 'quantite', 'volumes', 'volume', 'unites', 'units', 'quantity', 'quantities', 'pieces']],
  ['stockValue', ['valeur du stock', 'valeur de stock', 'stock value', 'inventory value', 'valorisation du stock']],
  ['stockAvailable', ['stock disponible', 'available stock', 'stock available', 'niveau de stock', 'stock level', 'stock levels', 'inventaire', 'inventory', 'stocks', 'stock']],
  ['revenue', ['chiffre d affaires', 'chiffres d affaires', 'ventes', 'vente', 'revenue', 'revenues', 'sales', 'turnover', 'ca', 'c a']],
];

const DIMENSION_SYNONYMS: [string, string[]][] = [
  ['product.category', ['categories', 'categorie', 'category', 'categories', 'familles', 'famille', 'product family']],
  ['product.product', ['produits', 'produit', 'products', 'product', 'articles', 'article', 'references', 'skus', 'sku', 'items', 'item']],
  ['geography.country', ['pays', 'countries', 'country', 'nations']],
  ['geography.region', ['regions', 'region']],
  ['geography.city', ['villes', 'ville', 'cities', 'city']],
  ['geography.customer', ['clients', 'client', 'customers', 'customer', 'acheteurs', 'buyers', 'comptes', 'accounts']],
  ['segment.segment', ['segments', 'segment']],
  ['warehouse.warehouse', ['entrepots', 'entrepot', 'depots', 'depot', 'warehouses', 'warehouse', 'sites']],
  ['supplier.supplier', ['fournisseurs', 'fournisseur', 'suppliers', 'supplier', 'vendors', 'vendor']],
  ['orderStatus.status', ['statuts', 'statut', 'status', 'statuses']],
];
// Time levels only after "par / by / per / each" or as an adverb (monthly…): "ce mois" is a time range.
const TIME_DIMENSIONS: [string, string[]][] = [
  ['date.month', ['mois', 'month', 'months']],
  ['date.quarter', ['trimestres', 'trimestre', 'quarters', 'quarter']],
  ['date.year', ['annees', 'annee', 'ans', 'an', 'years', 'year']],
];
const TIME_ADVERBS: [string, string[]][] = [
  ['date.month', ['mensuel', 'mensuelle', 'mensuelles', 'mensuels', 'monthly', 'mois par mois', 'month by month', 'month over month']],
  ['date.quarter', ['trimestriel', 'trimestrielle', 'trimestriels', 'quarterly']],
  ['date.year', ['annuel', 'annuelle', 'annuels', 'yearly', 'annually', 'annual']],
];

const MONTH_NAMES: [number, string[]][] = [
  [1, ['janvier', 'january', 'janv', 'jan']],
  [2, ['fevrier', 'february', 'fevr', 'feb']],
  [3, ['mars', 'march', 'mar']],
  [4, ['avril', 'april', 'avr', 'apr']],
  [5, ['mai']], // "may" only with a year (it is also a verb): see parseTime
  [6, ['juin', 'june', 'jun']],
  [7, ['juillet', 'july', 'juil', 'jul']],
  [8, ['aout', 'august', 'aug']],
  [9, ['septembre', 'september', 'sept', 'sep']],
  [10, ['octobre', 'october', 'oct']],
  [11, ['novembre', 'november', 'nov']],
  [12, ['decembre', 'december', 'dec']],
];

const COUNTRIES: Record<string, string> = {
  france: 'FR', allemagne: 'DE', germany: 'DE', espagne: 'ES', spain: 'ES', italie: 'IT', italy: 'IT', belgique: 'BE', belgium: 'BE',
  suisse: 'CH', switzerland: 'CH', 'pays bas': 'NL', netherlands: 'NL', portugal: 'PT', 'royaume uni': 'GB', 'united kingdom': 'GB', uk: 'GB',
  luxembourg: 'LU', autriche: 'AT', austria: 'AT', pologne: 'PL', poland: 'PL',
};

const NUMBER_WORDS: Record<string, number> = {
  un: 1, une: 1, one: 1, deux: 2, two: 2, trois: 3, three: 3, quatre: 4, four: 4, cinq: 5, five: 5, six: 6, sept: 7, seven: 7,
  huit: 8, eight: 8, neuf: 9, nine: 9, dix: 10, ten: 10, douze: 12, twelve: 12, vingt: 20, twenty: 20,
};

const WRITE_WORDS = / (delete|drop|update|insert|truncate|alter|grant|supprimer?|supprimez|efface[rz]?|modifier?|modifiez|ecris|write|mets? a jour|remove) /;

const FRENCH_HINTS = /\b(le|la|les|des|du|par|quels?|quelles?|combien|chiffre|ventes|mois|annee|trimestre|dernier|derniere|cette|ce|en|clients|produits|marge|rupture|fournisseurs|pays)\b/g;
const ENGLISH_HINTS = /\b(the|by|which|what|how|many|revenue|sales|month|year|quarter|last|this|in|customers|products|margin|stock|suppliers|country|top)\b/g;

export function detectLanguage(question: string): Language {
  const n = normalize(question);
  return (n.match(FRENCH_HINTS)?.length ?? 0) > (n.match(ENGLISH_HINTS)?.length ?? 0) ? 'fr' : 'en';
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const phrase = (p: string) => new RegExp(` ${esc(p).replace(/ /g, ' ')} `);

/** Finds the first synonym of each entry in the text (and blanks it out so it is not reused). */
function take(text: { s: string }, list: [string, string[]][]): string[] {
  const found: { name: string; at: number }[] = [];
  for (const [name, words] of list) {
    for (const w of [...words].sort((a, b) => b.length - a.length)) {
      const m = phrase(w).exec(text.s);
      if (m) {
        found.push({ name, at: m.index });
        text.s = `${text.s.slice(0, m.index)} ${'_'.repeat(w.length)} ${text.s.slice(m.index + m[0].length)}`;
        break;
      }
    }
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.name);
}

const yearRange = (y: number): DateRange => ({ from: `${y}-01-01`, to: `${y}-12-31` });
const quarterRange = (y: number, q: number): DateRange => {
  const from = `${y}-${String((q - 1) * 3 + 1).padStart(2, '0')}-01`;
  return { from, to: monthEnd(addMonths(from, 2)) };
};
const monthRangeOf = (y: number, m: number): DateRange => {
  const from = `${y}-${String(m).padStart(2, '0')}-01`;
  return { from, to: monthEnd(from) };
};

interface TimeParse {
  range?: DateRange;
  compare?: 'PREVIOUS_PERIOD' | 'YEAR_AGO';
  notes: string[];
}

/** Time expressions, removed from the text as they are read. `today` is the warehouse's "now". */
function parseTime(text: { s: string }, today: string): TimeParse {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  const q = Math.floor((m - 1) / 3) + 1;
  const out: TimeParse = { notes: [] };
  const cut = (re: RegExp): RegExpExecArray | null => {
    const r = re.exec(text.s);
    if (r) text.s = `${text.s.slice(0, r.index)} ${text.s.slice(r.index + r[0].length)} `.replace(/\s+/g, ' ');
    return r;
  };
  // Comparisons first ("vs last year" must not be read as the range).
  if (cut(/ (vs|versus|contre|compare[ds]? (a|to|with)|par rapport (a|au)|against|face a) (l |la |le )?(annee derniere|an dernier|an passe|annee precedente|last year|previous year|prior year|year ago|n 1|meme periode l an dernier|same period last year) /))
    out.compare = 'YEAR_AGO';
  else if (cut(/ (vs|versus|contre|compare[ds]? (a|to|with)|par rapport (a|au)|against) (the |la |le |l )?(periode precedente|previous period|prior period|mois precedent|mois dernier|last month|previous month|trimestre precedent|trimestre dernier|last quarter|previous quarter) /))
    out.compare = 'PREVIOUS_PERIOD';
  else if (cut(/ (sur un an|year over year|yoy|en glissement annuel) /)) out.compare = 'YEAR_AGO';

  let r: RegExpExecArray | null;
  if ((r = cut(/ (?:les |the |over the |sur les |in the |during the )?(?:(\d{1,2}|[a-z]+) )?(derniers mois|last months|past months|mois glissants|rolling months)(?: (\d{1,2}|[a-z]+))? /)) || (r = cut(/ (?:last|past|les|sur les|the last|the past) (\d{1,2}|[a-z]+) (derniers )?(mois|months) /))) {
    const k = Number(r[1]) || NUMBER_WORDS[r[1] ?? ''] || Number(r[3]) || NUMBER_WORDS[r[3] ?? ''] || 12;
    const start = addMonths(`${today.slice(0, 7)}-01`, -(k - 1));
    out.range = { from: start, to: monthEnd(`${today.slice(0, 7)}-01`) };
  } else if (cut(/ (depuis le debut de l annee|year to date|ytd|annee a date|cumul annuel) /)) {
    out.range = { from: `${y}-01-01`, to: today };
  } else if (cut(/ (cette annee|annee en cours|this year|current year|l annee courante) /)) out.range = yearRange(y);
  else if (cut(/ (l |l an |de l |a l )?(annee derniere|an dernier|an passe|annee precedente|last year|previous year|prior year) /)) out.range = yearRange(y - 1);
  else if (cut(/ (ce trimestre|trimestre en cours|this quarter|current quarter) /)) out.range = quarterRange(y, q);
  else if (cut(/ (le |au |du )?(trimestre dernier|trimestre precedent|dernier trimestre|last quarter|previous quarter) /)) out.range = q === 1 ? quarterRange(y - 1, 4) : quarterRange(y, q - 1);
  else if (cut(/ (ce mois ci|ce mois|mois en cours|this month|current month) /)) out.range = monthRangeOf(y, m);
  else if (cut(/ (le |du |au )?(mois dernier|mois precedent|dernier mois|last month|previous month) /)) out.range = m === 1 ? monthRangeOf(y - 1, 12) : monthRangeOf(y, m - 1);
  else if ((r = cut(/ (?:(?:au |le |du |in |en )?(?:q|t)([1-4])|(?:au |le |du |the |in )?([1-4])(?:e|er|eme|st|nd|rd|th) (?:trimestre|quarter)) (?:de |of |en |in )?((?:19|20)\d\d) /))) {
    out.range = quarterRange(Number(r[3]), Number(r[1] ?? r[2]));
  } else {
    if ((r = cut(/ (?:in |for |during )?may ((?:19|20)\d\d) /))) out.range = monthRangeOf(Number(r[1]), 5);
    const monthAlt = MONTH_NAMES.flatMap(([, ws]) => ws).sort((a, b) => b.length - a.length).join('|');
    if (out.range) {
      // "may 2025" read above
    } else if ((r = cut(new RegExp(` (?:en |in |de |du mois de |for |during |pour )?(${monthAlt})(?: (?:de |of )?((?:19|20)\\d\\d))? `)))) {
      const mo = MONTH_NAMES.find(([, ws]) => ws.includes(r![1]!))![0];
      // A month without a year: the latest such month up to today.
      const yy = r[2] ? Number(r[2]) : mo <= m ? y : y - 1;
      out.range = monthRangeOf(yy, mo);
    } else if ((r = cut(/ (?:en |in |pour |for |de |of |sur |during |annee |year )?((?:19|20)\d\d) /))) {
      out.range = yearRange(Number(r[1]));
    }
  }
  return out;
}

export interface ParseOptions {
  /** The reference day for "this year", "last month"… (YYYY-MM-DD). */
  today: string;
  language?: Language;
}

export function parseQuestion(question: string, opts: ParseOptions): ParseResult {
  const language = opts.language ?? detectLanguage(question);
  const refuse = (reason: 'not-understood' | 'write-request' | 'invalid', message: string): ParseResult => ({ ok: false, language, reason, message, suggestions: EXAMPLES[language] });
  const text = { s: normalize(question) };
  if (WRITE_WORDS.test(text.s))
    return refuse('write-request', language === 'fr' ? 'Je ne fais que lire les chiffres : je ne modifie aucune donnée.' : 'I only read figures: I do not change any data.');
  const notes: string[] = [];

  // Stock-out questions are one intent: products by days of cover, the shortest first.
  if (/ (rupture|ruptures|rupture de stock|stock out|stockout|stock outs|out of stock|run out|running out|runs out|manquer|en manque|penurie|shortage|shortages) /.test(text.s)) {
    const time = parseTime(text, opts.today);
    const query: OlapQuery = {
      measures: ['daysOfCover', 'stockAvailable'],
      dimensions: ['product.product'],
      filters: [],
      ...(time.range ? { range: time.range } : {}),
      order: { by: 'daysOfCover', direction: 'ASC' },
      limit: topN(text.s) ?? 10,
    };
    return { ok: true, query, intent: 'stockout', language, notes: ['stock read at the last snapshot; days of cover = on hand / average daily units sold over 90 days'] };
  }

  const time = parseTime(text, opts.today);
  notes.push(...time.notes);
  const n = topN(text.s);
  const bottom = / (flop|bottom|worst|pires|moins bons|plus faibles|plus petits|lowest|least) /.test(text.s);
  const numWords = Object.keys(NUMBER_WORDS).join('|');
  text.s = text.s
    .replace(new RegExp(` (top|flop|bottom|best|worst|meilleurs?|meilleures?|pires|premiers?|premieres?) (\\d{1,3}|${numWords}) `, 'g'), ' ')
    .replace(new RegExp(` (\\d{1,3}|${numWords}) (meilleurs?|meilleures?|premiers?|best|top|pires|worst|plus gros|biggest|largest) `, 'g'), ' ');
  const measures = take(text, MEASURE_SYNONYMS);
  const timeDims: string[] = [];
  for (const [level, words] of TIME_DIMENSIONS) {
    const re = new RegExp(` (par|by|per|each|chaque|pour chaque|for each|evolution par|sur chaque) (${words.join('|')}) `);
    if (re.test(text.s)) {
      timeDims.push(level);
      text.s = text.s.replace(re, ' ');
    }
  }
  timeDims.push(...take(text, TIME_ADVERBS));
  const dims = [...take(text, DIMENSION_SYNONYMS)];
  // "nombre de clients par pays": the customers measure already took "clients".
  const ranking = n !== undefined || bottom || / (top|classement|ranking|meilleurs?|meilleures?|best|biggest|plus gros|plus grands|principaux|main|largest) /.test(text.s);

  const filters: { level: string; members: string[] }[] = [];
  for (const [name, code] of Object.entries(COUNTRIES)) {
    if (phrase(name).test(text.s) && !dims.includes('geography.country')) {
      const f = filters.find((x) => x.level === 'geography.country');
      if (f) f.members.push(code);
      else filters.push({ level: 'geography.country', members: [code] });
    }
  }

  if (!measures.length && !dims.length && !timeDims.length && !ranking)
    return refuse(
      'not-understood',
      language === 'fr'
        ? "Je n'ai pas compris la question : je réponds sur le chiffre d'affaires, la marge, les commandes, les clients, les stocks et les fournisseurs, par période, catégorie, pays, client, produit…"
        : 'I did not understand the question: I answer about revenue, margin, orders, customers, stock and suppliers, by period, category, country, customer, product…',
    );
  if (!measures.length) {
    // "top 5 customers", "ventes" implied: revenue; "fournisseurs" alone: their on-time rate.
    measures.push(dims.includes('supplier.supplier') ? 'supplierOnTimeRate' : 'revenue');
    notes.push('measure not named: revenue assumed');
  }
  const dimensions = [...timeDims, ...dims].slice(0, 2);
  const fact = MEASURES[measures[0]!]!.fact;
  const sameFact = measures.filter((m) => MEASURES[m]!.fact === fact);
  let range = time.range;
  if (!range && dimensions.some((d) => d.startsWith('date.')) && fact !== 'inventory') {
    range = { from: addMonths(`${opts.today.slice(0, 7)}-01`, -11), to: monthEnd(`${opts.today.slice(0, 7)}-01`) };
    notes.push('no period given: the last 12 months');
  }
  const salesFilters = fact === 'sales' ? [{ level: 'orderStatus.status', members: BOOKED_STATUSES }] : [];
  const query: OlapQuery = {
    measures: sameFact,
    dimensions,
    filters: [...salesFilters, ...filters],
    ...(range ? { range } : {}),
    ...(time.compare && range ? { compare: time.compare } : {}),
    ...(dimensions.length
      ? {
          order: dimensions[0]!.startsWith('date.') && !ranking ? { by: dimensions[0]!, direction: 'ASC' as const } : { by: sameFact[0]!, direction: bottom ? ('ASC' as const) : ('DESC' as const) },
          limit: n ?? (ranking ? 10 : 100),
        }
      : {}),
  };
  try {
    validateOlapQuery(query);
  } catch (err) {
    return refuse('invalid', language === 'fr' ? `Cette combinaison n'existe pas dans le modèle : ${(err as Error).message}` : `That combination is not in the model: ${(err as Error).message}`);
  }
  return { ok: true, query, intent: 'olap', language, notes };
}

function topN(s: string): number | undefined {
  const patterns = [
    / (?:top|flop|bottom|best|worst|meilleurs?|meilleures?|pires|premiers?|premieres?) (\d{1,3}|[a-z]+) /,
    / (\d{1,3}|[a-z]+) (?:meilleurs?|meilleures?|premiers?|premieres?|best|top|pires|worst|plus gros|plus grands|biggest|largest|principaux) /,
    / (?:top|flop)(\d{1,3}) /,
  ];
  for (const re of patterns) {
    const m = re.exec(s);
    const k = m ? Number(m[1]) || NUMBER_WORDS[m[1]!] : undefined;
    if (k && k >= 1 && k <= 100) return k;
  }
  return undefined;
}
