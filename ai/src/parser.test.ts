import { detectLanguage, parseQuestion } from './parser';

const TODAY = '2026-10-23';
const BOOKED = { level: 'orderStatus.status', members: ['CONFIRMED', 'SHIPPED', 'DELIVERED'] };
const y = (year: number) => ({ from: `${year}-01-01`, to: `${year}-12-31` });
const LAST12 = { from: '2025-11-01', to: '2026-10-31' };

// question → the expected parts of the OLAP query
const CASES: [string, Record<string, unknown>][] = [
  ["chiffre d'affaires par catégorie en 2025", { measures: ['revenue'], dimensions: ['product.category'], range: y(2025), filters: [BOOKED] }],
  ['top 5 customers last quarter', { measures: ['revenue'], dimensions: ['geography.customer'], range: { from: '2026-07-01', to: '2026-09-30' }, order: { by: 'revenue', direction: 'DESC' }, limit: 5 }],
  ['revenue by country this year vs last year', { measures: ['revenue'], dimensions: ['geography.country'], range: y(2026), compare: 'YEAR_AGO' }],
  ['marge par mois', { measures: ['grossMargin'], dimensions: ['date.month'], range: LAST12, order: { by: 'date.month', direction: 'ASC' } }],
  ['ventes par pays en octobre 2026', { measures: ['revenue'], dimensions: ['geography.country'], range: { from: '2026-10-01', to: '2026-10-31' } }],
  ['nombre de commandes par mois cette année', { measures: ['orders'], dimensions: ['date.month'], range: y(2026) }],
  ["taux de marge par catégorie l'année dernière", { measures: ['marginPct'], dimensions: ['product.category'], range: y(2025) }],
  ['panier moyen par segment', { measures: ['averageBasket'], dimensions: ['segment.segment'], range: undefined }],
  ['average basket by warehouse in Q2 2026', { measures: ['averageBasket'], dimensions: ['warehouse.warehouse'], range: { from: '2026-04-01', to: '2026-06-30' } }],
  ['top 10 products by units sold this month', { measures: ['units'], dimensions: ['product.product'], range: { from: '2026-10-01', to: '2026-10-31' }, limit: 10, order: { by: 'units', direction: 'DESC' } }],
  ['les 3 meilleurs clients en 2025', { measures: ['revenue'], dimensions: ['geography.customer'], range: y(2025), limit: 3 }],
  ['flop 5 produits par marge', { measures: ['grossMargin'], dimensions: ['product.product'], order: { by: 'grossMargin', direction: 'ASC' }, limit: 5 }],
  ['stock disponible par entrepôt', { measures: ['stockAvailable'], dimensions: ['warehouse.warehouse'], filters: [] }],
  ['on-time rate by supplier over the last 3 months', { measures: ['supplierOnTimeRate'], dimensions: ['supplier.supplier'], range: { from: '2026-08-01', to: '2026-10-31' } }],
  ['taux de ponctualité des fournisseurs', { measures: ['supplierOnTimeRate'], dimensions: ['supplier.supplier'] }],
  ['number of customers by country in 2026', { measures: ['customers'], dimensions: ['geography.country'], range: y(2026) }],
  ["chiffre d'affaires en France par mois", { measures: ['revenue'], dimensions: ['date.month'], filters: [BOOKED, { level: 'geography.country', members: ['FR'] }], range: LAST12 }],
  ['revenue by quarter in 2025', { measures: ['revenue'], dimensions: ['date.quarter'], range: y(2025) }],
  ['quarterly revenue in 2025', { measures: ['revenue'], dimensions: ['date.quarter'], range: y(2025) }],
  ['CA du mois dernier', { measures: ['revenue'], dimensions: [], range: { from: '2026-09-01', to: '2026-09-30' } }],
  ['margin by category last month vs previous month', { measures: ['grossMargin'], dimensions: ['product.category'], range: { from: '2026-09-01', to: '2026-09-30' }, compare: 'PREVIOUS_PERIOD' }],
  ["ventes par région depuis le début de l'année", { measures: ['revenue'], dimensions: ['geography.region'], range: { from: '2026-01-01', to: TODAY } }],
  ['units by city in march 2026', { measures: ['units'], dimensions: ['geography.city'], range: { from: '2026-03-01', to: '2026-03-31' } }],
  ['valeur du stock par catégorie', { measures: ['stockValue'], dimensions: ['product.category'] }],
  ["évolution mensuelle du chiffre d'affaires", { measures: ['revenue'], dimensions: ['date.month'], range: LAST12 }],
  ['revenue per month over the last 6 months', { measures: ['revenue'], dimensions: ['date.month'], range: { from: '2026-05-01', to: '2026-10-31' } }],
  ['combien de commandes en septembre ?', { measures: ['orders'], dimensions: [], range: { from: '2026-09-01', to: '2026-09-30' } }],
  ['jours de couverture par produit', { measures: ['daysOfCover'], dimensions: ['product.product'] }],
  ['sales by segment in may 2026', { measures: ['revenue'], dimensions: ['segment.segment'], range: { from: '2026-05-01', to: '2026-05-31' } }],
  ['marge brute et chiffre d’affaires par pays au T3 2026', { measures: ['grossMargin', 'revenue'], dimensions: ['geography.country'], range: { from: '2026-07-01', to: '2026-09-30' } }],
];

describe('no-key question parser', () => {
  it.each(CASES)('%s', (question, expected) => {
    const r = parseQuestion(question, { today: TODAY });
    if (!r.ok) throw new Error(`refused: ${r.message}`);
    expect(r.intent).toBe('olap');
    for (const [k, v] of Object.entries(expected)) expect([k, (r.query as Record<string, unknown>)[k]]).toEqual([k, v]);
  });

  it.each(['quels produits vont être en rupture ?', 'which products will run out of stock?', 'products at risk of stock out'])('stock-out intent: %s', (q) => {
    const r = parseQuestion(q, { today: TODAY });
    expect(r.ok && r.intent).toBe('stockout');
    if (r.ok) expect(r.query).toMatchObject({ measures: ['daysOfCover', 'stockAvailable'], dimensions: ['product.product'], order: { by: 'daysOfCover', direction: 'ASC' } });
  });

  it.each(['quel temps fait-il à Paris ?', 'what is the meaning of life', 'asdfgh qwerty zxcv', 'bonjour'])('refuses nonsense plainly: %s', (q) => {
    const r = parseQuestion(q, { today: TODAY });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe('not-understood');
      expect(r.suggestions.length).toBeGreaterThan(2);
    }
  });

  it.each(['supprime toutes les commandes annulées', 'drop table dw.fact_sales', 'update the revenue of customer 12'])('refuses to change data: %s', (q) => {
    const r = parseQuestion(q, { today: TODAY });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe('write-request');
  });

  it('refuses a combination the model does not have', () => {
    const r = parseQuestion('stock disponible par client', { today: TODAY });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe('invalid');
  });

  it('detects the language', () => {
    expect(detectLanguage("chiffre d'affaires par catégorie en 2025")).toBe('fr');
    expect(detectLanguage('top 5 customers last quarter')).toBe('en');
  });
});
