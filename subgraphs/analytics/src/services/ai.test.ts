import { computeInsights, saveInsights } from '@erp/ai';
import { identity } from '@erp/kit/test/graphql';
import { client } from '../test/helpers';
import { REP_A, starUnderTest } from '../test/star';
import { periodId, setLanguageModel } from './ai';

/**
 * miningSummary, insights, recommendations, story and ask on the hand-made star plus two hand-made
 * mining runs (tables from the warehouse migrations); row level for SALES and ANALYST.
 */
// the no-key engine, whatever the environment says
beforeAll(() => setLanguageModel(null));
const star = starUnderTest();
const api = client(star);
const MARCH = { from: '2025-03-01', to: '2025-03-31' };
const OTHER_REP = ['CUST-3', 'CUST-4', 'Müller', 'Brien'];
const NAMES = ['Atelier Dupont', 'Bricolage Martin', 'Müller GmbH', 'Brien'];

beforeAll(async () => {
  const pool = star.db.pool;
  await pool.query(`
    INSERT INTO mining.runs (status, parameters, reference_date, finished_at, source_etl_run_id) VALUES
      ('SUCCEEDED', '{}', '2025-03-01', '2025-03-01 10:00Z', 1), ('SUCCEEDED', '{}', '2025-04-02', '2025-04-02 10:00Z', 1), ('FAILED', '{}', NULL, NULL, 1);
    INSERT INTO mining.rfm (run_id, customer_id, last_purchase, recency_days, frequency, monetary, r_score, f_score, m_score, rfm_cell, segment, cluster, cluster_name)
    SELECT r, c, '2025-03-01', 10, 5, 1000, 5, 5, 5, '555', CASE WHEN r = 1 THEN 'Champions' ELSE 'At Risk' END, 0, 'Best' FROM generate_series(1, 2) r, generate_series(1, 4) c;
    INSERT INTO mining.rfm_segments VALUES (2, 'At Risk', 3, 3000, 40, 4), (2, 'Champions', 1, 1000, 5, 9);
    INSERT INTO mining.kmeans_silhouette VALUES (2, 2, 0.61, 10, 5, true), (2, 3, 0.42, 6, 7, false);
    INSERT INTO mining.clusters VALUES (2, 0, 'Best', 1, 0.25, 5, 9, 1000, 5, 9, 1000, 1, 1, 1), (2, 1, 'Sleeping', 3, 0.75, 40, 4, 1000, 40, 4, 1000, -1, -1, -1);
    INSERT INTO mining.eda_pareto VALUES (2, 'customer', 4, 1, 1500, 4000, 0.375), (2, 'product', 4, 1, 2000, 4000, 0.5);
    INSERT INTO mining.eda_seasonality VALUES (2, 'month', 3, 'Mar', 10, 1000, 0.25, 1.2), (2, 'weekday', 1, 'Mon', 5, 500, 0.2, 1.1);`);
  // Anomalies: one order of each rep's customers (order ids of the star's fact lines).
  const { rows } =
    await pool.query(`SELECT DISTINCT ON (c.customer_id) f.order_id, f.order_number, c.customer_id
    FROM dw.fact_sales f JOIN dw.dim_customer c ON c.customer_key = f.customer_key JOIN dw.dim_date d ON d.date_key = f.order_date_key
    WHERE d.full_date >= '2025-03-01' ORDER BY c.customer_id, f.order_id`);
  for (const [i, r] of rows.entries())
    await pool.query(
      `INSERT INTO mining.anomalies VALUES (2, $1, $2, $3, $4, $5, '{"amount": 900, "lines": 3}', '[{"feature": "amount", "value": 900, "z": 4.2}]', 'amount = 900 (z +4.2)')`,
      [i + 1, r.order_id, r.order_number, r.customer_id, 0.9 - i / 100],
    );
}, 60_000);

const SUMMARY = `{ miningSummary { run { id referenceDate status sourceEtlRunId } segments { segment customers revenue revenueShare }
  clusters { name size revenueShare centroidRecencyDays centroidFrequency centroidMonetary } silhouette { k score chosen }
  anomalies { rank orderId orderNumber customerCode score reasons { feature value z } features { feature value } }
  pareto { entity topShare } seasonalityByMonth { period label revenue indexVsMean } seasonalityByWeekday { period label } } }`;
const INSIGHTS = `query($p: OlapPeriod) { insights(period: $p, limit: 50) { period { id from to } revenue notes source fallbackReason
  facts { id kind subject { type id code label } value comparison delta deltaPct unit impact details query sql } } }`;
const RECS = `query($p: OlapPeriod) { recommendations(period: $p, limit: 50) { source recommendations { id action record { type id code label } productId customerId orderId supplierId quantity evidence expectedImpactEur text } } }`;
const STORY = `query($p: OlapPeriod, $a: StoryAudience!, $l: AiLanguage!) { story(period: $p, audience: $a, language: $l) { title audience language sections { title items } text source fallbackReason } }`;
const ASK = `query($q: String!, $l: AiLanguage) { ask(question: $q, language: $l) { understood answer query rows chart suggestions source fallbackReason moreRows
  result { dimensions rows { members { level key label } values { measure value } } totals { measure value } } definition { currency period { from to } measures { name unit } } } }`;

async function ok<T>(
  who: ReturnType<typeof identity>,
  q: string,
  v: Record<string, unknown> = {},
): Promise<T> {
  const r = await api.run<T>(who, q, v);
  if (r.errors?.length) throw new Error(JSON.stringify(r.errors));
  return r.data!;
}

test('periodId: whole months, quarters and years only', () => {
  expect(periodId(MARCH)).toBe('2025-03');
  expect(periodId({ from: '2025-01-01', to: '2025-03-31' })).toBe('2025-Q1');
  expect(periodId({ from: '2024-01-01', to: '2024-12-31' })).toBe('2024');
  expect(() => periodId({ from: '2025-03-02', to: '2025-03-31' })).toThrow(/whole month/);
});

test('miningSummary: the latest successful run with its results', async () => {
  const { miningSummary: m } = await ok<{ miningSummary: any }>(identity('ADMIN', 1), SUMMARY); // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(m.run).toEqual({ id: '2', referenceDate: '2025-04-02', status: 'SUCCEEDED', sourceEtlRunId: '1' });
  expect(m.segments).toEqual([
    { segment: 'At Risk', customers: 3, revenue: '3000.00', revenueShare: 0.75 },
    { segment: 'Champions', customers: 1, revenue: '1000.00', revenueShare: 0.25 },
  ]);
  expect(m.clusters.map((c: { name: string }) => c.name)).toEqual(['Best', 'Sleeping']);
  expect(m.silhouette).toEqual([
    { k: 2, score: 0.61, chosen: true },
    { k: 3, score: 0.42, chosen: false },
  ]);
  expect(m.anomalies).toHaveLength(4);
  expect(m.anomalies[0].reasons).toEqual([{ feature: 'amount', value: 900, z: 4.2 }]);
  expect(m.anomalies[0].features).toEqual([
    { feature: 'amount', value: 900 },
    { feature: 'lines', value: 3 },
  ]);
  expect(m.anomalies.map((a: { customerCode: string }) => a.customerCode)).toEqual([
    'CUST-1',
    'CUST-2',
    'CUST-3',
    'CUST-4',
  ]);
  expect(m.pareto).toEqual([
    { entity: 'CUSTOMER', topShare: 0.375 },
    { entity: 'PRODUCT', topShare: 0.5 },
  ]);
  expect(m.seasonalityByMonth).toEqual([{ period: 3, label: 'Mar', revenue: '1000.00', indexVsMean: 1.2 }]);
  // No customer name anywhere (codes only), and SALES is not in the matrix for miningSummary.
  const analyst = JSON.stringify(await ok(identity('ANALYST', 9), SUMMARY));
  for (const n of NAMES) expect(analyst).not.toContain(n);
  const sales = await api.run(identity('SALES', REP_A), SUMMARY, {});
  expect(sales.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
});

test('insights and recommendations: facts ranked by impact with their query; deterministic source', async () => {
  const { insights: i } = await ok<{ insights: any }>(identity('ADMIN', 1), INSIGHTS, { p: MARCH }); // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(i.period).toEqual({ id: '2025-03', ...MARCH });
  expect(i.source).toBe('fallback');
  expect(i.facts.length).toBeGreaterThan(0);
  const impacts = i.facts.map((f: { impact: number }) => f.impact);
  expect([...impacts].sort((a, b) => b - a)).toEqual(impacts);
  expect(i.facts.some((f: { kind: string }) => f.kind === 'unusual-order')).toBe(true);
  expect(
    JSON.parse(i.facts.find((f: { kind: string }) => f.kind === 'revenue-change').query).measures,
  ).toContain('revenue');
  const all = JSON.stringify(i);
  expect(all).toContain('CUST-3'); // the admin sees every customer
  const { recommendations: r } = await ok<{ recommendations: any }>(identity('ADMIN', 1), RECS, { p: MARCH }); // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(r.recommendations.length).toBeGreaterThan(0);
  const review = r.recommendations.find((x: { action: string }) => x.action === 'REVIEW_ORDER');
  expect(review.orderId).toBeTruthy();
});

test("SALES: no other rep's customer in insights, recommendations or ask; ANALYST: codes only", async () => {
  const sales = identity('SALES', REP_A);
  const text = JSON.stringify([await ok(sales, INSIGHTS, { p: MARCH }), await ok(sales, RECS, { p: MARCH })]);
  for (const n of OTHER_REP) expect(text).not.toContain(n);
  expect(text).toContain('CUST-1');
  expect(text).not.toContain('"kind":"concentration"');
  const a = await ok<{ ask: { understood: boolean; rows: string } }>(sales, ASK, {
    q: 'top 10 customers in 2025',
  });
  expect(a.ask.understood).toBe(true);
  const keys = JSON.parse(a.ask.rows).map(
    (r: { members: Record<string, { key: string }> }) => r.members['geography.customer']!.key,
  );
  expect(keys.sort()).toEqual(['CUST-1', 'CUST-2']);
  const story = await api.run(sales, STORY, { p: MARCH, a: 'EXECUTIVE', l: 'EN' });
  expect(story.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

  const analyst = identity('ANALYST', 9);
  const seen = JSON.stringify([
    await ok(analyst, INSIGHTS, { p: MARCH }),
    await ok(analyst, RECS, { p: MARCH }),
    await ok(analyst, STORY, { p: MARCH, a: 'OPERATIONAL', l: 'FR' }),
  ]);
  for (const n of NAMES) expect(seen).not.toContain(n);
  expect(seen).toContain('CUST-');
  // the planner refuses the customer level to ANALYST: the chat says so, with no figure and no name
  const refused = await ok<{ ask: { understood: boolean; answer: string; rows: string } }>(analyst, ASK, {
    q: 'top 10 customers in 2025',
  });
  expect(refused.ask).toMatchObject({ understood: false, rows: '[]' });
  expect(refused.ask.answer).toMatch(/not available to your role/);
  for (const n of NAMES) expect(refused.ask.answer).not.toContain(n);
});

test('story per audience and language; ask: the query, rows, chart, and suggestions when not understood', async () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const { story } = await ok<{ story: any }>(identity('MANAGER', 2), STORY, {
    p: MARCH,
    a: 'EXECUTIVE',
    l: 'FR',
  });
  expect(story.sections.map((s: { title: string }) => s.title)).toEqual([
    'Résumé',
    'Ce qui a changé',
    'Pourquoi',
    'Que faire',
  ]);
  expect(story).toMatchObject({
    audience: 'EXECUTIVE',
    language: 'FR',
    source: 'fallback',
    fallbackReason: 'NO_PROVIDER',
  });
  expect(story.text).toContain('#');

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const { ask } = await ok<{ ask: any }>(identity('ADMIN', 1), ASK, {
    q: 'revenue by category in 2025',
    l: 'EN',
  });
  expect(ask.understood).toBe(true);
  // typed: the olap result shape, with its definition
  expect(ask.result.dimensions).toEqual(['product.category']);
  expect(ask.result.rows.length).toBe(JSON.parse(ask.rows).length);
  expect(ask.definition).toMatchObject({ currency: 'EUR', period: { from: '2025-01-01', to: '2025-12-31' } });
  expect(ask.definition.measures[0]).toMatchObject({ name: 'revenue', unit: 'EUR' });
  expect(JSON.parse(ask.query)).toMatchObject({ measures: ['revenue'], dimensions: ['product.category'] });
  expect(JSON.parse(ask.rows).length).toBeGreaterThan(0);
  expect(JSON.parse(ask.chart).series[0].name).toBeTruthy();
  const no = await ok<{ ask: { understood: boolean; suggestions: string[]; query: string | null } }>(
    identity('ADMIN', 1),
    ASK,
    { q: 'what is the meaning of life', l: 'EN' },
  );
  expect(no.ask).toMatchObject({ understood: false, query: null });
  expect(no.ask.suggestions.length).toBeGreaterThan(0);
});

test('the AI page reads the insights the pipeline stored for the current ETL run instead of computing them', async () => {
  const FEB = { from: '2025-02-01', to: '2025-02-28' };
  const computed = await computeInsights(star.db.pool, { period: '2025-02' });
  // a stored copy marked so the test can tell it from a computation
  await saveInsights(star.db.pool, '1', { ...computed, notes: ['stored by the reporting stage'] });
  const { insights } = await ok<{ insights: { notes: string[]; revenue: number } }>(
    identity('ADMIN', 1),
    INSIGHTS,
    { p: FEB },
  );
  expect(insights.notes).toEqual(['stored by the reporting stage']);
  expect(insights.revenue).toBe(computed.revenue);
});
