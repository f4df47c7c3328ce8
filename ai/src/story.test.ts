import { computeInsights } from './insights';
import { recommend } from './recommend';
import { writeStory, type Audience } from './story';
import { buildStar, addMining, type Star } from './test/star';

describe('recommendations and stories', () => {
  let star: Star;
  beforeAll(async () => {
    star = await buildStar();
    await addMining(star.pool);
  });
  afterAll(() => star.drop());

  it('recommendations reference real ERP records, with evidence facts and a quantity for reorders', async () => {
    const insights = await computeInsights(star.pool, { period: '2026-10' });
    const recs = recommend(insights);
    const kinds = new Set(recs.map((r) => r.kind));
    expect([...kinds].sort()).toEqual([
      'call-customer',
      'diversify-customers',
      'renegotiate-supplier',
      'reorder',
      'review-order',
    ]);
    const factIds = new Set(insights.facts.map((f) => f.id));
    const exists = async (sql: string, v: unknown) => (await star.pool.query(sql, [v])).rowCount === 1;
    for (const r of recs) {
      expect(r.evidence.length).toBeGreaterThan(0);
      for (const e of r.evidence) expect(factIds.has(e)).toBe(true);
      const id = r.record.id;
      if (r.record.type === 'product')
        expect(await exists('SELECT 1 FROM dw.dim_product WHERE product_id = $1 AND is_current', id)).toBe(
          true,
        );
      if (r.record.type === 'customer')
        expect(await exists('SELECT 1 FROM dw.dim_customer WHERE customer_id = $1 AND is_current', id)).toBe(
          true,
        );
      if (r.record.type === 'supplier')
        expect(await exists('SELECT 1 FROM dw.dim_supplier WHERE supplier_id = $1', id)).toBe(true);
      if (r.record.type === 'order')
        expect(await exists('SELECT DISTINCT order_id FROM dw.fact_sales WHERE order_id = $1', id)).toBe(
          true,
        );
    }
    const reorder = recs.find((r) => r.id === 'reorder:SKU-A:WH1')!;
    const fact = insights.facts.find((f) => f.id === 'stockout-risk:SKU-A:WH1')!;
    expect(reorder.supplier).toMatchObject({ type: 'supplier', id: 11, code: 'SUP-1' });
    expect(reorder.quantity).toBe(fact.details.reorderQuantity);
    expect(recs.map((r) => r.priority)).toEqual(recs.map((_r, i) => i + 1));
    expect(recs.find((r) => r.kind === 'review-order')!.record).toMatchObject({
      type: 'order',
      code: 'SO-1056',
    });
  });

  it.each([
    ['executive', 'fr'],
    ['tactical', 'fr'],
    ['operational', 'fr'],
    ['executive', 'en'],
    ['tactical', 'en'],
    ['operational', 'en'],
  ] as const)('writes a %s story in %s from the facts', async (audience, language) => {
    const insights = await computeInsights(star.pool, { period: '2026-10' });
    const story = writeStory(insights, recommend(insights), { audience: audience as Audience, language });
    const heads =
      language === 'fr'
        ? ['## Résumé', '## Ce qui a changé', '## Pourquoi', '## Que faire']
        : ['## Summary', '## What changed', '## Why', '## What to do'];
    for (const h of heads) expect(story.text).toContain(h);
    expect(story.title).toContain(language === 'fr' ? 'octobre 2026' : 'October 2026');
    expect(story.factIds.length).toBeGreaterThan(0);
    for (const id of story.factIds) expect(insights.facts.some((f) => f.id === id)).toBe(true);
    expect(story.actions.length).toBeGreaterThan(0);
    if (audience === 'operational')
      expect(story.text).toMatch(
        language === 'fr' ? /Commander .* auprès de Acier Fournitures/ : /Reorder .* from Acier Fournitures/,
      );
    if (audience === 'executive') expect(story.actions.length).toBeLessThanOrEqual(3);
    // the revenue of the period appears formatted in the language
    const revenue = insights.facts.find((f) => f.id === 'revenue-change')!.value;
    const shown = new Intl.NumberFormat(language === 'fr' ? 'fr-FR' : 'en-GB', {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    }).format(revenue);
    expect(story.summary).toContain(shown);
  });
});
