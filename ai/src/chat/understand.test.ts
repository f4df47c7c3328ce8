import { buildMemberIndex } from './members';
import { isRefusal, understand, type Intent, type Language } from './understand';

/**
 * The question reader alone (no database): periods against the data's as-of date, levels by phrase,
 * rankings, shares, "why", follow-ups and refusals. The figures themselves are checked against SQL in
 * the question bank (question-bank) and the data-set tests.
 */
const members = buildMemberIndex(
  [
    { level: 'geography.country', key: 'DE', label: 'Germany' },
    { level: 'geography.country', key: 'FR', label: 'France' },
    { level: 'geography.city', key: 'Paris', label: 'Paris' },
    { level: 'geography.customer', key: 'ERNSH', label: 'Ernst Handel' },
    { level: 'geography.customer', key: 'SAVEA', label: 'Save-a-lot Markets' },
    { level: 'geography.customer', key: 'NORIA', label: 'Noria Cash & Carry NV' },
    { level: 'product.category', key: 'BEV', label: 'Beverages' },
    { level: 'product.product', key: 'P1', label: 'Chai' },
    { level: 'segment.segment', key: 'CONSUMER', label: 'CONSUMER' },
    { level: 'segment.segment', key: 'WHOLESALE', label: 'WHOLESALE' },
    { level: 'product.category', key: 'FOD-COF', label: 'Coffee & tea' },
    { level: 'geography.city', key: 'Lyon', label: 'Lyon' },
    { level: 'geography.country', key: 'MX', label: 'Mexico' },
    { level: 'warehouse.warehouse', key: 'WH-LYS', label: 'Lyon distribution centre' },
    { level: 'salesRep.salesRep', key: '4', label: 'Margaret Peacock' },
    { level: 'salesRep.salesRep', key: '1', label: 'Nancy Davolio' },
    { level: 'carrier.carrier', key: 'NW-SHIP1', label: 'Speedy Express' },
    { level: 'carrier.carrier', key: 'NW-SHIP3', label: 'Federal Shipping' },
    { level: 'supplier.supplier', key: 'NW-S7', label: 'Pavlova, Ltd.' },
  ],
  '1',
);
const clock = { today: '1998-05-06', first: '1996-07-04' };
const read = (q: string, language: Language = 'en', previous: string[] = []) =>
  understand(q, { members, language, clock: { ...clock, language } }, previous);
const intent = (q: string, language: Language = 'en', previous: string[] = []): Intent => {
  const r = read(q, language, previous);
  if (isRefusal(r)) throw new Error(`refused: ${q} (${JSON.stringify(r)})`);
  return r;
};

/** The filter a named member gives: its level, and the member with its key and label. */
const memberFilter = (level: string, key: string, label: string) => [
  { level, members: [{ level, key, label }] },
];

describe('periods are read against the as-of date (6 May 1998), never the wall clock', () => {
  it.each<[Language, string, { from: string; to: string }]>([
    ['en', 'revenue in 1997', { from: '1997-01-01', to: '1997-12-31' }],
    ['en', 'revenue between 1 January and 31 December 1997', { from: '1997-01-01', to: '1997-12-31' }],
    ['en', 'revenue from March to May 1997', { from: '1997-03-01', to: '1997-05-31' }],
    ['en', 'sales this year', { from: '1998-01-01', to: '1998-05-06' }],
    ['en', 'sales last year', { from: '1997-01-01', to: '1997-12-31' }],
    ['en', 'sales last month', { from: '1998-04-01', to: '1998-04-30' }],
    ['en', 'sales last quarter', { from: '1998-01-01', to: '1998-03-31' }],
    ['en', 'revenue in the last 3 months', { from: '1998-03-01', to: '1998-05-06' }],
    ['en', 'revenue year to date', { from: '1998-01-01', to: '1998-05-06' }],
    ['en', 'revenue in Q1 1997', { from: '1997-01-01', to: '1997-03-31' }],
    ['en', 'revenue in the first quarter of 1997', { from: '1997-01-01', to: '1997-03-31' }],
    ['en', 'revenue in the last quarter of 1997', { from: '1997-10-01', to: '1997-12-31' }],
    ['en', 'revenue in March', { from: '1998-03-01', to: '1998-03-31' }],
    ['en', 'revenue in December', { from: '1997-12-01', to: '1997-12-31' }],
    ['fr', "chiffre d'affaires du premier trimestre 1997", { from: '1997-01-01', to: '1997-03-31' }],
    [
      'fr',
      "chiffre d'affaires entre le 1er janvier et le 31 mars 1997",
      { from: '1997-01-01', to: '1997-03-31' },
    ],
    ['fr', "CA de l'année dernière", { from: '1997-01-01', to: '1997-12-31' }],
    ['fr', 'ventes du mois dernier', { from: '1998-04-01', to: '1998-04-30' }],
    ['fr', 'ventes des 12 derniers mois', { from: '1997-06-01', to: '1998-05-06' }],
    ['fr', 'ventes en mars', { from: '1998-03-01', to: '1998-03-31' }],
    ['fr', 'ventes depuis le début de l’année', { from: '1998-01-01', to: '1998-05-06' }],
  ])('%s: %s', (lang, q, range) => expect(intent(q, lang).time.range).toEqual(range));

  it('"Q1 to Q4 1997" is the year by quarter', () => {
    const i = intent('revenue Q1 to Q4 1997');
    expect([i.time.range, i.granularity]).toEqual([{ from: '1997-01-01', to: '1997-12-31' }, 'QUARTER']);
  });
  it('"each year" and "par an" group by year', () => {
    expect(intent('revenue each year').granularity).toBe('YEAR');
    expect(intent("chiffre d'affaires par an", 'fr').granularity).toBe('YEAR');
  });
  it('comparisons: same quarter last year, previous month, two named years', () => {
    const q = intent('compare revenue this quarter with the same quarter last year');
    expect([q.time.range, q.time.compare]).toEqual([{ from: '1998-04-01', to: '1998-05-06' }, 'YEAR_AGO']);
    expect(intent('revenue in March 1998 vs the previous month').time.compare).toBe('PREVIOUS_PERIOD');
    const two = intent('revenue 1997 vs 1996');
    expect([two.time.range, two.time.compareRange]).toEqual([
      { from: '1997-01-01', to: '1997-12-31' },
      { from: '1996-01-01', to: '1996-12-31' },
    ]);
  });
  it('future periods are refused', () => {
    expect(read('revenue next month')).toMatchObject({ refused: 'future' });
    expect(read('prévision du chiffre d’affaires l’année prochaine', 'fr')).toMatchObject({
      refused: 'future',
    });
  });
});

describe('measures, levels and members by phrase', () => {
  it('"product category" is one level, "customer country" another', () => {
    expect(intent('revenue by product category').levels).toEqual(['product.category']);
    expect(intent('revenue by customer country').levels).toEqual(['geography.country']);
  });
  it('named members filter the answer', () => {
    expect(intent('revenue of Ernst Handel in 1997').filters).toEqual(
      memberFilter('geography.customer', 'ERNSH', 'Ernst Handel'),
    );
    expect(intent('sales in Germany by city').filters[0]!.members[0]!.key).toBe('DE');
    expect(intent('ventes en Allemagne', 'fr').filters[0]!.members[0]!.key).toBe('DE');
    expect(intent('units of Chai').filters[0]!.members[0]!.key).toBe('P1');
  });
  it('an unknown name is not widened to the company total', () => {
    expect(read('revenue of Blue Widgets Corp in 1997')).toMatchObject({ refused: 'not-understood' });
  });
  it('typos in measures are tolerated', () => {
    expect(intent('revnue by categroy').measures).toEqual(['revenue']);
  });
  it('how many customers: the base, or the buyers of a period', () => {
    expect(intent('how many customers do we have?').measures).toEqual(['customerCount']);
    expect(intent('how many customers bought in 1997?').measures).toEqual(['customers']);
    expect(intent('combien de clients en 1997 ?', 'fr').measures).toEqual(['customers']);
  });
});

describe('what users type (found by the question bank)', () => {
  it('"by order kind" is a level, not orders', () =>
    expect([
      intent('revenue by order kind in 1997').measures,
      intent('revenue by order kind in 1997').levels,
    ]).toEqual([['revenue'], ['orderKind.kind']]));
  it('a sales verb beside a named measure qualifies it', () =>
    expect(intent('the 5 products sold the most in units in 1997').measures).toEqual(['units']));
  it('abbreviations: cdes, nb', () =>
    expect(intent('combien de cdes en 1997 ?', 'fr').measures).toEqual(['orders']));
  it('"Coffee & tea" typed with or without the ampersand', () => {
    expect(intent('CA de la catégorie Coffee & tea en 1997', 'fr').filters[0]!.members[0]!.key).toBe(
      'FOD-COF',
    );
    expect(intent('sales of coffee and tea in 1997').filters[0]!.members[0]!.key).toBe('FOD-COF');
  });
  it('"l\'entrepôt de Lyon" is the warehouse, not the city', () =>
    expect(intent("CA de l'entrepôt de Lyon en 1997", 'fr').filters).toEqual(
      memberFilter('warehouse.warehouse', 'WH-LYS', 'Lyon distribution centre'),
    ));
  it('units in stock are stock', () =>
    expect(intent('How many units do we have in stock?').measures).toEqual(['stockOnHand']));
  it('units on order are the units ordered from suppliers, not units sold', () => {
    expect(intent('How many units are on order?').measures).toEqual(['unitsOnOrder']);
    expect(intent('how many units do we have on order').measures).toEqual(['unitsOnOrder']);
  });
  it('the amount of cancelled orders is their value', () =>
    expect(intent('montant des commandes annulées en 1997', 'fr').measures).toEqual(['cancelledValue']));
  it('products in the catalog, active ones, and products sold', () => {
    expect(intent('how many products do we sell?').measures).toEqual(['productCount']);
    const active = intent('combien de produits actifs au catalogue ?', 'fr');
    expect([active.measures, active.filters[0]?.members[0]?.key]).toEqual([['productCount'], 'ACTIVE']);
    expect(intent('how many products did we sell in 1997?').measures).toEqual(['units']);
  });
  it('"customers in Mexico", "clients grossistes": customers qualified, not a breakdown', () => {
    const mx = intent('how much have we sold to customers in Mexico?');
    expect([mx.levels, mx.filters[0]!.members[0]!.key]).toEqual([[], 'MX']);
    const w = intent("quelle part du CA font les clients grossistes l'an dernier ?", 'fr');
    expect([w.levels, w.share, w.filters[0]!.members[0]!.key]).toEqual([[], true, 'WHOLESALE']);
  });
  it('"depuis janvier 1997" starts in January 1997; "du même trimestre de l\'an dernier" compares', () => {
    expect(intent('CA par trimestre depuis janvier 1997', 'fr').time.range).toEqual({
      from: '1997-01-01',
      to: '1998-05-06',
    });
    expect(
      intent("CA de ce trimestre par rapport au même trimestre de l'an dernier", 'fr').time.compare,
    ).toBe('YEAR_AGO');
  });
  it('an on-time rate "à l\'heure" is not an hour of the day', () =>
    expect(intent("taux de livraison à l'heure en 1997", 'fr').measures).toEqual(['supplierOnTimeRate']));
  it('"they" points at the member the previous answer named', () =>
    expect(
      intent('how many orders did they place that year?', 'en', ['Which customer bought the most in 1997?'])
        .pointsTo?.levels,
    ).toEqual(['geography.customer']));
  it('imperatives that change data and years after the data are refused', () => {
    expect(read('Passe la commande SO-0039605 en confirmée', 'fr')).toMatchObject({ refused: 'write' });
    expect(read('Augmente le prix du Chai de 10 %', 'fr')).toMatchObject({ refused: 'write' });
    expect(read('What will sales be in 1999?')).toMatchObject({ refused: 'future' });
  });
});

describe('rankings, shares, why', () => {
  it('top N, bottom N and the singular', () => {
    expect(intent('top 5 customers in 1997').ranking).toMatchObject({ direction: 'DESC', top: 5 });
    expect(intent('the 3 worst products last year').ranking).toMatchObject({ direction: 'ASC', top: 3 });
    expect(intent('which customer bought the most in 1997?').ranking).toMatchObject({
      direction: 'DESC',
      top: 1,
    });
    expect(intent('le meilleur client en 1997', 'fr').ranking).toMatchObject({ direction: 'DESC', top: 1 });
    expect(intent('quels sont les clients les plus importants ?', 'fr').ranking).toMatchObject({
      direction: 'DESC',
      top: undefined,
    });
  });
  it('"which suppliers deliver late most often" ranks the worst on-time rate first', () => {
    const i = intent('which suppliers deliver late most often?');
    expect([i.measures[0], i.levels, i.ranking?.direction]).toEqual([
      'supplierOnTimeRate',
      ['supplier.supplier'],
      'ASC',
    ]);
  });
  it('shares and why', () => {
    expect(intent('what share of revenue comes from Germany?').share).toBe(true);
    const why = intent('pourquoi le CA a baissé en mars 1998 ?', 'fr');
    expect([why.kind, why.time.range]).toEqual(['why', { from: '1998-03-01', to: '1998-03-31' }]);
  });
});

describe('a conversation', () => {
  it.each([
    {
      title: '"and in 1996?" keeps the question and changes the period',
      question: 'and in 1996?',
      previous: 'revenue by category in 1997',
      levels: ['product.category'],
      range: { from: '1996-01-01', to: '1996-12-31' },
    },
    {
      title: '"by country" refines the previous question',
      question: 'by country',
      previous: 'revenue in 1997',
      levels: ['geography.country'],
      range: { from: '1997-01-01', to: '1997-12-31' },
    },
  ])('$title', ({ question, previous, levels, range }) => {
    const i = intent(question, 'en', [previous]);
    expect([i.measures, i.levels, i.time.range]).toEqual([['revenue'], levels, range]);
  });
  it('"cette année-là" is the year of the previous question', () => {
    const i = intent('et la marge cette année-là ?', 'fr', ["chiffre d'affaires en mars 1997"]);
    expect([i.measures, i.time.range]).toEqual([['grossMargin'], { from: '1997-01-01', to: '1997-12-31' }]);
  });
});

describe('words read as they are', () => {
  it('"vendues" is the sales verb, not a typo of "vendeuses" (sales reps)', () => {
    expect(intent("nombre d'unités vendues par entrepôt en 1997", 'fr').levels).toEqual([
      'warehouse.warehouse',
    ]);
  });
  it('a word inside a name is the name: "Noria Cash & Carry NV" is not a question about cash', () => {
    expect(intent('revenue of Noria Cash & Carry NV in 1997').filters).toEqual(
      memberFilter('geography.customer', 'NORIA', 'Noria Cash & Carry NV'),
    );
    expect(read('cash position in 1997')).toMatchObject({ refused: 'not-in-model' });
  });
});

describe('refusals', () => {
  it.each([
    ['what is the weather in Paris?', 'not-in-model'],
    ['average salary of employees', 'not-in-model'],
    ['salaire moyen des commerciaux', 'not-in-model'],
    ['revenue per hour of the day', 'not-in-model'],
    ['freight costs by carrier', 'not-in-model'],
    ['headcount by sales rep', 'not-in-model'],
    // contact details and personal data, even of a known person or company: never their figures instead
    ['how old is Margaret Peacock?', 'not-in-model'],
    ['what is the email address of Ernst Handel?', 'not-in-model'],
    ['quel est le numéro de téléphone de Pavlova, Ltd. ?', 'not-in-model'],
    ['delete all cancelled orders', 'write'],
    ['supprime les commandes annulées', 'write'],
    ['what is the meaning of life', 'not-understood'],
  ])('%s', (q, refused) => expect(read(q)).toMatchObject({ refused }));
});

describe('sales reps, carriers, suppliers and product attributes', () => {
  // The words users say for a level, by language.
  const asked: Record<string, Record<Language, string[]>> = {
    'salesRep.salesRep': {
      en: [
        'revenue per sales rep in 1997',
        'sales by employee in 1997',
        'revenue by salesperson last year',
        'which employee sold the most in 1997?',
      ],
      fr: [
        "chiffre d'affaires par commercial en 1997",
        'CA par vendeur en 1997',
        'ventes par employé en 1997',
        'quel commercial a le plus vendu en 1997 ?',
      ],
    },
    'carrier.carrier': {
      en: ['revenue by shipper in 1997', 'number of orders per carrier in 1997', 'sales by shipping company'],
      fr: ["chiffre d'affaires par transporteur en 1997", 'nombre de commandes par transporteur'],
    },
  };
  it.each(
    Object.entries(asked).flatMap(([level, byLanguage]) =>
      (Object.entries(byLanguage) as [Language, string[]][]).flatMap(([l, qs]) =>
        qs.map((q): [string, Language, string] => [q, l, level]),
      ),
    ),
  )('%s (%s): by %s', (q, l, level) => expect(intent(q, l).levels).toEqual([level]));
  it('the singular asks for one rep, one carrier', () => {
    expect(intent('which employee sold the most in 1997?').ranking).toMatchObject({
      direction: 'DESC',
      top: 1,
    });
    expect(intent('quel transporteur a livré le plus de commandes en 1997 ?', 'fr').ranking).toMatchObject({
      direction: 'DESC',
      top: 1,
    });
  });
  it('a named rep or carrier filters', () => {
    expect(intent('revenue of Margaret Peacock in 1997').filters).toEqual(
      memberFilter('salesRep.salesRep', '4', 'Margaret Peacock'),
    );
    expect(intent('orders shipped with Speedy Express in 1997').filters[0]!.members[0]!.key).toBe('NW-SHIP1');
    expect(intent('CA de Federal Shipping par catégorie', 'fr').filters[0]!.members[0]!.key).toBe('NW-SHIP3');
  });
  it('a sales rep per carrier, a carrier per country: two levels', () => {
    expect(intent('revenue by sales rep and carrier in 1997').levels).toEqual([
      'salesRep.salesRep',
      'carrier.carrier',
    ]);
    expect(intent('CA par transporteur et par pays en 1997', 'fr').levels).toEqual([
      'carrier.carrier',
      'geography.country',
    ]);
  });
  it('suppliers on sales: revenue and units per supplier, per supplier and category', () => {
    const i = intent('revenue by supplier in 1997');
    expect([i.measures, i.levels]).toEqual([['revenue'], ['supplier.supplier']]);
    expect(intent('unités vendues par fournisseur et par catégorie en 1997', 'fr').levels).toEqual([
      'supplier.supplier',
      'product.category',
    ]);
    expect(intent('sales of Pavlova in 1997').filters[0]!.members[0]!.key).toBe('NW-S7');
  });
  it('product attributes: status, reorder point, stock on hand', () => {
    expect(intent('revenue by product status in 1997').levels).toEqual(['productStatus.status']);
    expect(intent('sales of discontinued products in 1997').filters[0]!.members[0]!.key).toBe('DISCONTINUED');
    expect(intent('reorder point by product').measures).toEqual(['reorderPoint']);
    expect(intent('stock on hand by supplier').levels).toEqual(['supplier.supplier']);
    expect(intent('units on order by supplier').measures).toEqual(['unitsOnOrder']);
    expect(intent('quantités en commande par fournisseur', 'fr').measures).toEqual(['unitsOnOrder']);
  });
  it('share of total, average order value, product and customer counts by rep or carrier', () => {
    expect(intent('share of revenue by sales rep in 1997').share).toBe(true);
    expect(intent('average order value per carrier in 1997').measures).toEqual(['averageBasket']);
    expect(intent('how many customers bought per sales rep in 1997?').measures).toEqual(['customers']);
    expect(intent('panier moyen par commercial en 1997', 'fr').levels).toEqual(['salesRep.salesRep']);
  });
});

describe('the buy side: deliveries measured on receipts', () => {
  it('"quels fournisseurs livrent le plus souvent en retard" ranks suppliers by on-time rate, lowest first', () => {
    const i = intent('quels fournisseurs livrent le plus souvent en retard ?', 'fr');
    expect([i.measures[0], i.levels, i.ranking?.direction]).toEqual([
      'supplierOnTimeRate',
      ['supplier.supplier'],
      'ASC',
    ]);
  });
  it('lead time, units received, fill rate and purchase value are their own measures', () => {
    expect(intent('average lead time by supplier in 1997').measures).toEqual(['averageLeadTime']);
    expect(intent('average lead time by supplier in 1997').levels).toEqual(['supplier.supplier']);
    expect(intent("délai moyen d'approvisionnement en 1997", 'fr').measures).toEqual(['averageLeadTime']);
    expect(intent('how many units did we receive from suppliers in 1997?').measures).toContain(
      'receivedQuantity',
    );
    expect(intent('fill rate by supplier in 1997').measures).toEqual(['fillRate']);
    expect(intent('montant des achats par fournisseur en 1997', 'fr').measures).toEqual(['purchaseAmount']);
  });
});
