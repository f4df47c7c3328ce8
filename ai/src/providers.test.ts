import { ask, type AskAnswer } from './ask';
import { aiEnvSchema, PROVIDERS, type ProviderName } from './env';
import { computeInsights } from './insights';
import { chooseProvider, createModel } from './providers/adapters';
import { RateLimiter, type LanguageModel } from './providers/model';
import { recommend } from './recommend';
import { narrate } from './report';
import { writeStory } from './story';
import { envFor, startFakeLlm, type FakeLlm } from './test/fake-llm';
import { buildStar, CUSTOMERS, type Star } from './test/star';

const ADMIN = { role: 'ADMIN' as const, userId: 1 };
// An olap query as a model would call the tool (revenue is booked revenue by definition: no status filter).
const TOP_CUSTOMERS = {
  measures: ['revenue'],
  dimensions: ['geography.customer'],
  time: { from: '2026-10-01', to: '2026-10-31' },
  order: [{ by: 'revenue', direction: 'DESC' }],
  limit: 5,
};
// The fake model writes its answer from the tool result it was sent: the first customer and revenue.
const groundedAnswer = (body: string) => {
  const m =
    /\\?"key\\?":\\?"(C\d+)\\?",\\?"label\\?":\\?"C\d+\\?"}\],\\?"values\\?":\[{\\?"measure\\?":\\?"revenue\\?",\\?"value\\?":\\?"([\d.]+)/.exec(
      body,
    );
  return m ? `${m[1]} leads with ${Number(m[2]).toLocaleString('en-GB')} EUR in October 2026.` : 'no data';
};

/** What a provider's tests run against: the hand-made star, and a fresh fake server for each test. */
interface ProviderTestBed {
  star: Star;
  fake: FakeLlm;
  /** A model of the provider on the fake server (quick backoff; a generous rate limiter unless given). */
  model(extra?: Record<string, string>, limiter?: RateLimiter): LanguageModel;
  /** The question asked in English by an ADMIN on the star, through the given model (default: model()). */
  ask(question: string, model?: LanguageModel): Promise<AskAnswer>;
}

/**
 * The test bed of one provider, for the describe that calls it: the star is built before its tests and
 * dropped after them, the fake server started before each test and closed after it.
 */
function providerTestBed(provider: ProviderName): ProviderTestBed {
  const t = {
    model: (extra: Record<string, string> = {}, limiter = new RateLimiter(100, 100)) =>
      createModel(aiEnvSchema.parse(envFor(provider, t.fake.url, extra)), { limiter, backoffMs: 10 })!,
    ask: (question: string, model?: LanguageModel) =>
      ask(question, { pool: t.star.pool, viewer: ADMIN, language: 'en', model: model ?? t.model() }),
  } as ProviderTestBed;
  beforeAll(async () => {
    t.star = await buildStar();
  });
  afterAll(() => t.star.drop());
  beforeEach(async () => {
    t.fake = await startFakeLlm();
  });
  afterEach(() => t.fake.close());
  return t;
}

/** The sales fact lines: what a mutation smuggled in model output would change. */
async function salesLineCount(star: Star): Promise<number> {
  return Number((await star.pool.query('SELECT count(*) AS n FROM dw.fact_sales')).rows[0].n);
}

// Two describes per provider, each on its own test bed: the answers and their fallbacks, then what
// model output is never allowed to do (run SQL, exceed the rate limits, write ungrounded figures).
describe.each(PROVIDERS)('provider %s against its fake server: answers and fallbacks', (provider) => {
  const t = providerTestBed(provider);

  it('answers through tool calling, with customers pseudonymised in every request and re-identified in the answer', async () => {
    t.fake.script = [{ kind: 'reply', toolArgs: () => TOP_CUSTOMERS, text: groundedAnswer }];
    const a = await t.ask('top 5 customers in October 2026');
    expect(a.fallbackReason).toBeUndefined();
    expect(a.source).toBe(provider);
    expect(a.text).toMatch(/^Dupont Quincaillerie SARL \(CUST-001\) leads with [\d,.]+ EUR/);
    expect(a.queries[0]).toMatchObject({ dimensions: ['geography.customer'], limit: 5 });
    expect(a.chart?.type).toBe('bar');
    expect(t.fake.requests.length).toBe(2);
    for (const r of t.fake.requests)
      for (const c of CUSTOMERS) {
        expect(r.body).not.toContain(c.name);
        expect(r.body).not.toContain(c.code);
      }
    expect(t.fake.requests[1]!.body).toContain('C1');
  });

  it('falls back when the model writes a number that is not in the tool results', async () => {
    t.fake.script = [
      { kind: 'reply', toolArgs: () => TOP_CUSTOMERS, text: () => 'C1 leads with 987,654.32 EUR.' },
    ];
    const a = await t.ask('top 5 customers in October 2026');
    expect(a.source).toBe('fallback');
    expect(a.fallbackReason).toContain('UNGROUNDED');
    expect(a.text).toContain('Dupont Quincaillerie SARL (CUST-001)'); // the deterministic answer, from the parser
  });

  it('times out and falls back quickly', async () => {
    t.fake.script = [{ kind: 'hang' }];
    const t0 = Date.now();
    const a = await t.ask('top 5 customers in October 2026', t.model({ AI_TIMEOUT_MS: '300' }));
    expect(a.source).toBe('fallback');
    expect(a.fallbackReason).toBe('TIMEOUT');
    expect(a.understood).toBe(true);
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('retries a 5xx and a 429 with backoff, then succeeds', async () => {
    t.fake.script = [
      { kind: 'status', status: 503 },
      { kind: 'status', status: 429 },
      { kind: 'reply', toolArgs: () => TOP_CUSTOMERS, text: groundedAnswer },
    ];
    const a = await t.ask('top 5 customers in October 2026', t.model({ AI_MAX_RETRIES: '2' }));
    expect(a.source).toBe(provider);
    expect(t.fake.requests.length).toBe(4);
  });

  it('does not follow redirects, and does not retry a 400', async () => {
    t.fake.script = [{ kind: 'redirect' }];
    const a = await t.ask('revenue by country in 2026', t.model({ AI_MAX_RETRIES: '2' }));
    expect(a).toMatchObject({ source: 'fallback', fallbackReason: 'REDIRECT' });
    expect(t.fake.requests.map((r) => r.path)).not.toContain('/elsewhere');
    expect(t.fake.requests.length).toBe(1);
    t.fake.script = [{ kind: 'status', status: 400 }];
    t.fake.requests.length = 0;
    const b = await t.ask('revenue by country in 2026', t.model({ AI_MAX_RETRIES: '2' }));
    expect(b.source).toBe('fallback');
    expect(t.fake.requests.length).toBe(1);
  });

  it('falls back on a reply that does not have the provider shape', async () => {
    t.fake.script = [{ kind: 'garbage' }];
    const a = await t.ask('revenue by country in 2026');
    expect(a.source).toBe('fallback');
    expect(a.fallbackReason).toBeTruthy();
    expect(a.understood).toBe(true);
  });
});

describe.each(PROVIDERS)('provider %s against its fake server: guards on model output', (provider) => {
  const t = providerTestBed(provider);

  it('never executes SQL or a mutation from model output: only whitelisted query specs run', async () => {
    const before = await salesLineCount(t.star);
    t.fake.script = [
      {
        kind: 'reply',
        toolArgs: () => ({ measures: ['revenue; DROP TABLE dw.fact_sales'], dimensions: [] }),
        text: () => 'done',
      },
    ];
    const a = await t.ask('revenue in 2026');
    expect(a.source).toBe('fallback');
    expect(a.fallbackReason).toBe('VALIDATION');
    t.fake.script = [
      {
        kind: 'reply',
        toolName: 'sql',
        toolArgs: () => ({ query: 'DELETE FROM dw.fact_sales' }),
        text: () => 'done',
      },
    ];
    const b = await t.ask('revenue in 2026');
    expect(b.fallbackReason).toBe('INVALID_TOOL_CALL');
    t.fake.script = [
      {
        kind: 'reply',
        toolArgs: () => ({
          ...TOP_CUSTOMERS,
          filters: [{ level: 'geography.customer', members: ["x') OR 1=1; DELETE FROM dw.fact_sales; --"] }],
        }),
        text: () => 'No customer.',
      },
    ];
    const c = await t.ask('revenue in 2026');
    // a member value is only ever a bound parameter: the planner finds no such customer and refuses the query
    expect(c).toMatchObject({ source: 'fallback', fallbackReason: 'VALIDATION' });
    expect(await salesLineCount(t.star)).toBe(before);
  });

  it('trips RATE_LIMITED (per provider, then global) and falls back', async () => {
    t.fake.script = [{ kind: 'reply', text: () => 'Revenue is in the table.' }];
    const limiter = new RateLimiter(2, 100);
    const m = t.model({}, limiter);
    await m.generate('one');
    await m.generate('two');
    await expect(m.generate('three')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    const a = await t.ask('revenue in 2026', m);
    expect(a).toMatchObject({ source: 'fallback', fallbackReason: 'RATE_LIMITED', understood: true });
    const global = new RateLimiter(100, 1);
    const g = t.model({}, global);
    await g.generate('one');
    await expect(g.generate('two')).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      details: { scope: 'global' },
    });
  });

  it('rephrases a story when grounded (customers pseudonymised), keeps the deterministic one otherwise', async () => {
    const insights = await computeInsights(t.star.pool, { period: '2026-10' });
    const recs = recommend(insights);
    const story = writeStory(insights, recs, { audience: 'tactical', language: 'fr' });
    t.fake.script = [{ kind: 'reply', text: extractReport }];
    const ok = await narrate(story, insights, recs, t.model());
    expect(ok.fallbackReason).toBeUndefined();
    expect(ok.source).toBe(provider);
    expect(ok.text).toContain('Dupont Quincaillerie SARL');
    for (const c of CUSTOMERS) expect(t.fake.requests[0]!.body).not.toContain(c.name);
    t.fake.script = [{ kind: 'reply', text: () => 'Le chiffre d’affaires a bondi de 37,5 % grâce à C1.' }];
    const bad = await narrate(story, insights, recs, t.model());
    expect(bad.source).toBe('fallback');
    expect(bad.fallbackReason).toContain('UNGROUNDED');
    expect(bad.text).toBe(story.text);
  });
});

/** The report part of the prompt, as the fake model "rephrases" it (verbatim). */
function extractReport(body: string): string {
  const s = JSON.stringify(JSON.parse(body));
  const m = /Report:\\n([\s\S]*?)(?<!\\)"/.exec(s);
  return m ? (JSON.parse(`"${m[1]}"`) as string) : '';
}

describe('provider choice and the no-key engine', () => {
  it('AI_PROVIDER=auto picks the first configured; none and nothing configured → no model', () => {
    expect(
      chooseProvider(
        aiEnvSchema.parse({ AI_PROVIDER: 'auto', OPENAI_API_KEY: 'k', OLLAMA_URL: 'http://127.0.0.1:1' }),
      ),
    ).toBe('openai');
    expect(
      chooseProvider(
        aiEnvSchema.parse({ AI_PROVIDER: 'auto', OLLAMA_URL: 'http://127.0.0.1:1', ANTHROPIC_API_KEY: 'k' }),
      ),
    ).toBe('anthropic');
    expect(
      chooseProvider(aiEnvSchema.parse({ AI_PROVIDER: 'auto', GEMINI_API_KEY: 'k', OPENAI_API_KEY: 'k' })),
    ).toBe('gemini');
    expect(chooseProvider(aiEnvSchema.parse({ AI_PROVIDER: 'none', GEMINI_API_KEY: 'k' }))).toBeNull();
    expect(chooseProvider(aiEnvSchema.parse({}))).toBeNull();
    expect(createModel(aiEnvSchema.parse({ AI_PROVIDER: 'openai' }))).toBeNull(); // named but without a key
  });

  let star: Star;
  beforeAll(async () => {
    star = await buildStar();
  });
  afterAll(() => star.drop());

  // Its speed is measured in bench/ask (p50/p95 on data/native and at 10M fact lines), not here.
  it('answers every question without a key, labelled fallback', async () => {
    const questions = [
      'top 5 customers last quarter',
      "chiffre d'affaires par catégorie en 2026",
      'marge par mois',
      'quels produits vont être en rupture ?',
      'revenue by country this year vs last year',
    ];
    for (let i = 0; i < 40; i++) {
      const a = await ask(questions[i % questions.length]!, { pool: star.pool, viewer: ADMIN });
      expect(a).toMatchObject({ source: 'fallback', fallbackReason: 'NO_PROVIDER', understood: true });
    }
  });

  it('answers with the numbers, the query and a chart; refuses nonsense with examples', async () => {
    const a = await ask('revenue by country this year vs last year', {
      pool: star.pool,
      viewer: ADMIN,
      language: 'en',
    });
    expect(a.queries[0]).toMatchObject({ compare: 'YEAR_AGO', dimensions: ['geography.country'] });
    expect(a.chart).toMatchObject({ type: 'bar', categories: ['France', 'Germany'] });
    expect(a.chart!.series.length).toBe(2);
    const fr = a.results[0]!.rows.find((r) => r.members[0]!.key === 'FR')!;
    const { rows } = await star.pool.query(
      `SELECT SUM(net_amount) AS r FROM dw.fact_sales f JOIN dw.dim_order_status s USING (status_key) WHERE geography_key = 1 AND s.status NOT IN ('DRAFT','CANCELLED') AND order_date_key BETWEEN 20260101 AND 20261231`,
    );
    expect(Number(fr.values[0]!.value)).toBeCloseTo(Number(rows[0].r), 2);
    expect(a.text).toContain(
      new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2 }).format(Number(fr.values[0]!.value)),
    );
    const s = await ask('quels produits vont être en rupture ?', { pool: star.pool, viewer: ADMIN });
    expect(s.language).toBe('fr');
    expect(s.results[0]!.rows[0]!.members[0]!.key).toBe('SKU-A');
    const n = await ask('quel temps fait-il à Paris ?', { pool: star.pool, viewer: ADMIN });
    expect(n.understood).toBe(false);
    expect(n.text).toMatch(/pas dans le modèle de données \(la météo\)/);
    expect(n.suggestions!.length).toBeGreaterThan(2);
  });
});
