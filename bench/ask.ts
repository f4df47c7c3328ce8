/**
 * bench/ask: the chat (`ask`, no-key engine) through the gateway on data/native (imported, loaded by
 * the ETL through the API), then with dw.fact_sales grown to N lines (rollups refreshed), in the same
 * run: p50/p95 per question over a mixed bank of French and English questions, next to the `olap`
 * query each answer ran (the same figures asked directly: the chat's own cost is the difference);
 * then bursts of concurrent questions from one user, counted by outcome (answered, RATE_LIMITED,
 * timeout or other error).
 * Run: npm run bench -- ask [--lines 10000000] [--runs 20] [--keep (with DATABASE_URL)].
 */
import { InsightsDocument, RecommendationsDocument, StoryDocument } from '@erp/sdk';
import { refreshRollups } from '@erp/semantic';
import {
  adminClient,
  args,
  benchDatabases,
  flag,
  growFactsAndRollups,
  loadNative,
  log,
  machine,
  measure,
  pct,
  ms,
  type ApiClient,
  type Stat,
} from './lib';

const { lines: LINES, runs: RUNS } = args({ lines: 10_000_000, runs: 20 });
const KEEP = flag('keep');

/** Questions as users ask them: periods relative to the data, rankings, comparisons, shares, why, refusals. */
const QUESTIONS: [string, 'FR' | 'EN'][] = [
  ['What was the total revenue last year?', 'EN'],
  ["Quel est le chiffre d'affaires de cette année ?", 'FR'],
  ['revenue by category in 2025', 'EN'],
  ['ventes par pays le trimestre dernier', 'FR'],
  ['top 5 customers last quarter', 'EN'],
  ['les 10 produits les moins vendus en 2025', 'FR'],
  ['revenue by month this year vs last year', 'EN'],
  ['marge brute par famille de produits en 2025', 'FR'],
  ['average order value by segment last year', 'EN'],
  ['combien de clients ont acheté le mois dernier ?', 'FR'],
  ['what share of revenue comes from Germany?', 'EN'],
  ["pourquoi le chiffre d'affaires a-t-il baissé en août 2026 ?", 'FR'],
  ['which products will run out of stock?', 'EN'],
  ['valeur du stock par entrepôt', 'FR'],
  ['which suppliers deliver late most often?', 'EN'],
  ['units sold by warehouse in the last 3 months', 'EN'],
  ["chiffre d'affaires par trimestre", 'FR'],
  ['how many products do we have?', 'EN'],
  ['what is the weather in Paris?', 'EN'],
  ['compare revenue this quarter with the same quarter last year', 'EN'],
];
const ASK = `query($q: String!, $l: AiLanguage) { ask(question: $q, language: $l) { understood query result { source rows { values { value } } } } }`;
const OLAP = `query($q: OlapQuery!) { olap(query: $q) { source rows { values { value } } } }`;

async function perQuestion(api: ApiClient, runs: number) {
  const out: Record<string, { ask: Stat; olap: Stat | null }> = {};
  const all: number[] = [];
  for (const [q, l] of QUESTIONS) {
    const times: number[] = [];
    const ask = await measure(runs, async () => {
      const t0 = performance.now();
      const r = await api.gql<{
        ask: {
          understood: boolean;
          query: string | null;
          result: { source: string; rows: unknown[] } | null;
        };
      }>(ASK, { q, l });
      times.push(performance.now() - t0);
      return `${r.ask.understood ? 'understood' : 'refused'}${r.ask.result ? `, ${r.ask.result.rows.length} rows, ${r.ask.result.source}` : ''}|${r.ask.query ?? ''}`;
    });
    all.push(...times.slice(1));
    const [note, query] = ask.note.split('|');
    // The first olap query of the answer, asked directly: the same figures without the chat.
    const olap = query
      ? await measure(
          runs,
          async () =>
            `${(await api.gql<{ olap: { source: string } }>(OLAP, { q: JSON.parse(query) })).olap.source}`,
        )
      : null;
    out[q] = { ask: { ...ask, note: note! }, olap };
    log(`${q}: ask ${ask.p50}/${ask.p95} ms (${note})${olap ? `, olap ${olap.p50}/${olap.p95} ms` : ''}`);
  }
  return { out, p50: ms(pct(all, 0.5)), p95: ms(pct(all, 0.95)), n: all.length };
}

/**
 * The AI page as the console opens it: insights, recommendations and the executive story at once
 * (the console's own operations). The first load after an ETL run computes the facts; the next
 * ones reuse them (cached per warehouse load and period).
 */
async function aiPage(api: ApiClient, runs: number): Promise<{ first: number; warm: Stat }> {
  const load = () =>
    Promise.all([
      api.gql(InsightsDocument, { limit: 12 }),
      api.gql(RecommendationsDocument, { limit: 12, language: 'EN' }),
      api.gql(StoryDocument, { audience: 'EXECUTIVE', language: 'EN' }),
    ]);
  const t0 = performance.now();
  await load();
  const first = ms(performance.now() - t0);
  const warm = await measure(runs, async () => `${(await load()).length} sections`);
  return { first, warm };
}

/** `n` questions at once from one user: what each one got. */
async function burst(api: ApiClient, n: number) {
  const started = performance.now();
  const res = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      api
        .raw(ASK, { q: QUESTIONS[i % QUESTIONS.length]![0], l: QUESTIONS[i % QUESTIONS.length]![1] })
        .catch((e: Error) => ({
          status: 0,
          errors: [{ message: e.message, extensions: { code: 'NETWORK' } }],
        })),
    ),
  );
  const codes: Record<string, number> = {};
  for (const r of res) {
    const code = r.errors?.length ? (r.errors[0]!.extensions?.code ?? 'ERROR') : 'answered';
    codes[code] = (codes[code] ?? 0) + 1;
  }
  return { n, ms: ms(performance.now() - started), codes };
}

async function main() {
  const db = await benchDatabases('ask', 54398);
  try {
    const native = await loadNative(db);
    await refreshRollups(db.dwh, 'all');
    const api = await adminClient(native.sys.gatewayUrl);
    const {
      rows: [c1],
    } = await db.dwh.query(`SELECT count(*)::int AS n FROM dw.fact_sales`);
    const page1 = await aiPage(api, RUNS);
    log(`AI page: first ${page1.first} ms, then ${JSON.stringify(page1.warm)}`);
    const small = await perQuestion(api, RUNS);
    const bursts1 = [await burst(api, 3), await burst(api, 10)];
    log(`bursts: ${JSON.stringify(bursts1)}`);

    const grow = await growFactsAndRollups(db.dwh, LINES);
    const { refresh } = grow;
    const {
      rows: [c2],
    } = await db.dwh.query(`SELECT count(*)::int AS n FROM dw.fact_sales`);
    log(`grown to ${c2.n} lines in ${grow.seconds.toFixed(0)} s, rollups ${refresh.toFixed(0)} s`);
    const page2 = await aiPage(api, RUNS);
    const large = await perQuestion(api, RUNS);
    const bursts2 = [await burst(api, 3), await burst(api, 10)];
    await native.sys.close();

    console.log(
      `\nbench/ask — ${machine(db)}, gateway with subgraphs over HTTP, ADMIN, no AI provider (the no-key engine), ${RUNS} runs per question after one warm-up, sequential`,
    );
    const table = (r: Awaited<ReturnType<typeof perQuestion>>) =>
      Object.fromEntries(
        Object.entries(r.out).map(([q, v]) => [
          q.slice(0, 60),
          {
            'ask p50 / p95 ms': `${v.ask.p50} / ${v.ask.p95}`,
            'same olap p50 / p95 ms': v.olap ? `${v.olap.p50} / ${v.olap.p95}` : '—',
            answer: v.ask.note,
          },
        ]),
      );
    console.log(`(1) data/native: ${c1.n} fact lines; ETL ${native.etlSeconds.toFixed(0)} s`);
    console.table(table(small));
    console.log(
      `all questions: p50 ${small.p50} ms, p95 ${small.p95} ms (${small.n} answers); goal p95 ≤ 300 ms: ${small.p95 <= 300 ? 'met' : 'NOT met'}`,
    );
    console.log(
      `AI page (insights + recommendations + executive story at once): first load ${page1.first} ms, then p50 ${page1.warm.p50} ms, p95 ${page1.warm.p95} ms; goal p95 ≤ 1 s: ${page1.warm.p95 <= 1000 ? 'met' : 'NOT met'}`,
    );
    console.log(
      `concurrent questions from one user: ${bursts1.map((b) => `${b.n} at once → ${JSON.stringify(b.codes)} in ${b.ms} ms`).join('; ')}`,
    );
    console.log(
      `(2) grown: ${c2.n} fact lines (${grow.copies} copies in ${grow.seconds.toFixed(0)} s), refreshRollups('all') ${refresh.toFixed(0)} s`,
    );
    console.table(table(large));
    console.log(`all questions: p50 ${large.p50} ms, p95 ${large.p95} ms (${large.n} answers)`);
    console.log(
      `AI page: first load ${page2.first} ms, then p50 ${page2.warm.p50} ms, p95 ${page2.warm.p95} ms`,
    );
    console.log(
      `concurrent questions from one user: ${bursts2.map((b) => `${b.n} at once → ${JSON.stringify(b.codes)} in ${b.ms} ms`).join('; ')}`,
    );
  } finally {
    await db.close(KEEP);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
