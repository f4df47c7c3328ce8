import type pg from 'pg';
import { nameableMembers, type NameableMember } from '@erp/semantic';
import { fold, STOPWORDS } from './text';
import { PhraseIndex, type Phrase } from './sentence';
import { COUNTRY_ALIASES, LEVEL_PHRASES, MEASURE_PHRASES } from './vocabulary';

/**
 * The members a question may name (a customer, a product, a category, a country, a city…), read
 * from the warehouse's dimensions once per ETL run and matched as whole words. Names are folded
 * like questions; a name of one word is only taken when it is not a word of the vocabulary or a
 * stop word (a customer called "Sales" does not turn every "sales" into a filter).
 */
export interface MemberRef {
  level: string;
  key: string;
  label: string;
  /** Matched by one distinctive word of a longer name ("Lyon" for "Lyon distribution centre"): weaker than a whole name. */
  partial?: boolean;
}

export interface MemberIndex {
  phrases: PhraseIndex<MemberRef[]>;
  /** Members of a level by key (labels for answers). */
  byLevel: Map<string, Map<string, string>>;
  runId: string | null;
}

const norm = (s: string) =>
  fold(s)
    .replace(/['’`´]/g, ' ')
    .replace(/[^\p{L}\p{N}&]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
/** "Coffee & tea" is typed "coffee & tea", "coffee and tea", "coffee et tea" or "coffee tea". */
const spellings = (t: string): string[] =>
  t.includes('&')
    ? [
        ...new Set(
          ['and', 'et', ''].map((w) =>
            t
              .replace(/\s*&\s*/g, w ? ` ${w} ` : ' ')
              .replace(/\s+/g, ' ')
              .trim(),
          ),
        ),
      ]
    : [t];

/** Levels whose members are often named by one word of their name (a warehouse by its city, a supplier by its first word). */
const PARTIAL_LEVELS = new Set([
  'warehouse.warehouse',
  'supplier.supplier',
  'product.category',
  'product.root',
  'carrier.carrier',
  'salesRep.salesRep',
]);

const VOCABULARY = new Set(
  [...MEASURE_PHRASES, ...LEVEL_PHRASES].filter((p) => p.words.length === 1).map((p) => p.words[0]!),
);

/** Display names of a country in French and English (Intl), besides the warehouse's own name. */
function countryNames(code: string): string[] {
  const out: string[] = [];
  for (const lang of ['en', 'fr']) {
    try {
      const n = new Intl.DisplayNames([lang], { type: 'region' }).of(code);
      if (n && n !== code) out.push(n);
    } catch {
      /* not a region code */
    }
  }
  return [...out, ...(COUNTRY_ALIASES[code] ?? [])];
}

/** Words people use for fixed members (statuses, kinds, segments written as codes). */
const FIXED: NameableMember[] = [
  ...[
    ['CONFIRMED', ['confirmed', 'confirmee', 'confirmees', 'confirme', 'confirmes']],
    ['SHIPPED', ['shipped', 'expediee', 'expediees', 'expedie', 'expedies']],
    ['DELIVERED', ['delivered', 'livree', 'livrees', 'livre', 'livres']],
  ].flatMap(([key, names]) =>
    (names as string[]).map((n) => ({ level: 'orderStatus.status', key: key as string, label: n })),
  ),
  ...['returns', 'returned', 'return', 'retours', 'retour', 'retournes', 'avoirs', 'credit notes'].map(
    (n) => ({ level: 'orderKind.kind', key: 'RETURN', label: n }),
  ),
  ...['discontinued', 'discontinues', 'arretes', 'abandonnes', 'retired'].map((n) => ({
    level: 'productStatus.status',
    key: 'DISCONTINUED',
    label: n,
  })),
  ...['active products', 'produits actifs'].map((n) => ({
    level: 'productStatus.status',
    key: 'ACTIVE',
    label: n,
  })),
];

const SEGMENT_WORDS: Record<string, string[]> = {
  CONSUMER: ['consumer', 'consumers', 'consommateurs', 'particuliers', 'particulier', 'b2c'],
  SMALL_BUSINESS: [
    'small business',
    'small businesses',
    'smb',
    'pme',
    'petites entreprises',
    'petite entreprise',
  ],
  CORPORATE: ['corporate', 'corporates', 'grands comptes', 'grandes entreprises', 'entreprises'],
  WHOLESALE: ['wholesale', 'wholesalers', 'grossistes', 'grossiste', 'vente en gros'],
  'HOME OFFICE': ['home office', 'home offices'],
};

export function buildMemberIndex(rows: NameableMember[], runId: string | null): MemberIndex {
  const phrases: Phrase<MemberRef[]>[] = [];
  const byText = new Map<string, MemberRef[]>();
  const byLevel = new Map<string, Map<string, string>>();
  const put = (t: string, ref: MemberRef, short = false) => {
    const ws = t.split(' ');
    // A one-word name that is also a word of questions ("sales", "de") is not a member name.
    if (ws.length === 1 && (STOPWORDS.has(t) || VOCABULARY.has(t) || (t.length < 3 && !short))) return;
    const list = byText.get(t);
    if (list) {
      if (!list.some((r) => r.level === ref.level && r.key === ref.key)) list.push(ref);
    } else byText.set(t, [ref]);
  };
  const add = (text: string, ref: MemberRef, short = false) => {
    const t = norm(text);
    if (!t) return;
    for (const v of spellings(t)) put(v, ref, short);
    // One distinctive word of a longer name, as a weaker match ("l'entrepôt de Lyon", "Hardware family").
    if (PARTIAL_LEVELS.has(ref.level) && !ref.partial)
      for (const w of t.split(' '))
        if (w.length >= 4 && w !== t && !STOPWORDS.has(w) && !VOCABULARY.has(w) && w !== '&')
          put(w, { ...ref, partial: true });
  };
  for (const r of [...rows, ...FIXED]) {
    const ref = { level: r.level, key: r.key, label: r.label };
    if (!byLevel.has(r.level)) byLevel.set(r.level, new Map());
    if (!FIXED.includes(r)) byLevel.get(r.level)!.set(r.key, r.label);
    add(r.label, FIXED.includes(r) ? { ...ref, label: r.key } : ref);
    if (r.level === 'geography.country') for (const n of countryNames(r.key)) add(n, ref, true);
    if (
      r.level === 'product.product' ||
      r.level === 'geography.customer' ||
      r.level === 'supplier.supplier' ||
      r.level === 'warehouse.warehouse'
    )
      add(r.key, ref);
    if (r.level === 'segment.segment') {
      add(r.key.replace(/_/g, ' '), ref);
      for (const w of SEGMENT_WORDS[r.key.toUpperCase()] ?? []) add(w, ref);
    }
  }
  for (const [text, refs] of byText) phrases.push({ words: text.split(' '), value: refs });
  return { phrases: new PhraseIndex(phrases), byLevel, runId };
}

const caches = new WeakMap<pg.Pool, Map<string, Promise<MemberIndex>>>();

/** The member index of the warehouse's current load (rebuilt after each ETL run). */
export async function memberIndex(
  pool: pg.Pool,
  runId: string | null,
  withCustomers: boolean,
): Promise<MemberIndex> {
  const key = `${runId ?? 'none'}:${withCustomers}`;
  let cache = caches.get(pool);
  if (!cache) caches.set(pool, (cache = new Map()));
  let p = cache.get(key);
  if (!p) {
    p = nameableMembers(pool, withCustomers).then((rows) => buildMemberIndex(rows, runId));
    const c = cache;
    p.catch(() => c.delete(key));
    for (const k of cache.keys()) if (!k.startsWith(`${runId ?? 'none'}:`)) cache.delete(k);
    cache.set(key, p);
  }
  return p;
}
