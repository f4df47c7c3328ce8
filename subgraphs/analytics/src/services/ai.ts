import {
  aiEnv,
  ask as askEngine,
  computeInsights,
  createModel,
  latestPeriod,
  storedInsights,
  describeAction,
  narrate,
  recommend,
  writeStory,
  type Audience,
  type Fact,
  type Insights,
  type Language,
  type LanguageModel,
  type Recommendation,
  type RecordRef,
} from '@erp/ai';
import { AppError, ValidationError } from '@erp/kit';
import { freshness, type OlapAnswer } from '@erp/semantic';
import type pg from 'pg';
import { ownCustomerIds } from './mining';
import type { Viewer } from '@erp/semantic';

/**
 * The AI features of the analytics subgraph: thin wrappers over @erp/ai (insights, recommendations,
 * story, ask) on the warehouse pool, plus the row-level rules of the analytics olap service.
 *
 * Row level (decided here, documented in the README):
 * - SALES: facts and actions about customers are kept only for the customers currently assigned to
 *   the rep (`dim_customer.is_current AND sales_rep_id = userId`): customer drivers of revenue and
 *   margin changes, slipped RFM customers and unusual orders are filtered to them; the concentration
 *   fact (it names the top customers of the company) and supplier facts are refused (dropped), like
 *   supplier measures in olap. Company totals (revenue, trend) stay. `ask` goes through the semantic
 *   layer's planner, which applies the same row-level security as every olap query.
 * - ANALYST: customers are shown by code only: every customer label/name becomes its code; `ask`
 *   gets the customer level refused (FORBIDDEN) by the planner, as olap does.
 */

let model: LanguageModel | null | undefined;
/** The configured provider (AI_PROVIDER / keys), or null: the no-key engine. */
export function languageModel(): LanguageModel | null {
  if (model === undefined) model = createModel(aiEnv());
  return model;
}
/** Tests: force the no-key engine (null) or a fake model. */
export function setLanguageModel(m: LanguageModel | null | undefined): void {
  model = m;
}

export interface PeriodInput {
  from: string;
  to: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** {from, to} → the engine's period id: a whole month (YYYY-MM), quarter (YYYY-Qn) or year (YYYY). */
export function periodId(p: PeriodInput | null | undefined): string | undefined {
  if (!p) return undefined;
  const re = /^(\d{4})-(\d{2})-(\d{2})$/;
  const a = re.exec(p.from);
  const b = re.exec(p.to);
  if (!a || !b) throw new ValidationError('period', p, 'from and to must be YYYY-MM-DD');
  const [fy, fm, fd] = [Number(a[1]), Number(a[2]), Number(a[3])];
  const [ty, tm, td] = [Number(b[1]), Number(b[2]), Number(b[3])];
  const whole = fd === 1 && td === lastDay(ty, tm) && fy === ty;
  if (whole && fm === tm) return `${fy}-${pad(fm)}`;
  if (whole && fm % 3 === 1 && tm === fm + 2) return `${fy}-Q${(fm + 2) / 3}`;
  if (whole && fm === 1 && tm === 12) return `${fy}`;
  throw new ValidationError('period', p, 'the period must be a whole month, quarter or year');
}

const isCustomer = (r: unknown): r is RecordRef =>
  !!r && typeof r === 'object' && (r as RecordRef).type === 'customer';

/** Customer names → codes, everywhere in a fact (ANALYST). */
function codesOnly<T>(value: T): T {
  if (Array.isArray(value)) return value.map(codesOnly) as T;
  if (!value || typeof value !== 'object') return value;
  const o = { ...(value as Record<string, unknown>) };
  for (const [k, v] of Object.entries(o)) o[k] = codesOnly(v);
  if (isCustomer(o) && o.code !== undefined) o.label = String(o.code);
  // Customer drivers (only they carry an id): { key: code, label: name, id }.
  if ('contribution' in o && o.id !== undefined && o.id !== null && typeof o.key === 'string')
    o.label = o.key;
  // Customer lists in details: { id, code, name } (slipped, top customers).
  if (
    typeof o.code === 'string' &&
    typeof o.name === 'string' &&
    ('revenue' in o || 'revenue12' in o || 'from' in o)
  )
    o.name = o.code;
  return o as T;
}

function scrubFact(f: Fact, viewer: Viewer, own: Set<number> | null): Fact | null {
  let fact: Fact = f;
  if (own) {
    if (f.kind === 'concentration' || f.kind === 'supplier-deterioration') return null;
    if (isCustomer(f.subject) && !own.has(Number(f.subject.id))) return null;
    const d = { ...f.details };
    if (f.kind === 'unusual-order') {
      const c = d.customer as RecordRef | undefined;
      if (!c || !own.has(Number(c.id))) return null;
    }
    if (Array.isArray(d.slipped))
      d.slipped = (d.slipped as { id: number }[]).filter((c) => own.has(Number(c.id)));
    if (d.drivers && typeof d.drivers === 'object') {
      const drivers = { ...(d.drivers as Record<string, { id?: number }[]>) };
      if (drivers.customer)
        drivers.customer = drivers.customer.filter((c) => c.id !== undefined && own.has(Number(c.id)));
      d.drivers = drivers;
    }
    fact = { ...f, details: d };
  }
  if (viewer.role === 'ANALYST') fact = codesOnly(fact);
  return fact;
}

/** The viewer's insights: the engine's facts with the row-level rules above applied. */
/**
 * The company's insights of a period, computed once per warehouse load: the AI page asks for
 * insights, recommendations and a story of the same period at once, and every viewer's view is cut
 * from the same facts. A new ETL run (another run id) computes them anew.
 */
const computed = new WeakMap<pg.Pool, Map<string, Promise<Insights>>>();
async function companyInsights(pool: pg.Pool, period: string | undefined): Promise<Insights> {
  const run = (await freshness(pool)).runId ?? 'none';
  let byKey = computed.get(pool);
  if (!byKey) computed.set(pool, (byKey = new Map()));
  const key = `${run}:${period ?? 'default'}`;
  let p = byKey.get(key);
  if (!p) {
    for (const k of byKey.keys()) if (!k.startsWith(`${run}:`)) byKey.delete(k);
    // The pipeline's reporting stage stores the default period's insights for each ETL run.
    const id = period ?? (await latestPeriod(pool));
    p = (run === 'none' ? Promise.resolve(null) : storedInsights(pool, run, id)).then(
      (stored) => stored ?? computeInsights(pool, { period: id }),
    );
    byKey.set(key, p);
    p.catch(() => byKey!.delete(key));
  }
  return p;
}

export async function viewerInsights(
  pool: pg.Pool,
  viewer: Viewer,
  period: PeriodInput | null | undefined,
): Promise<Insights> {
  const insights = await companyInsights(pool, periodId(period));
  const own = await ownCustomerIds(pool, viewer);
  if (!own && viewer.role !== 'ANALYST') return insights;
  const facts = insights.facts.map((f) => scrubFact(f, viewer, own)).filter((f): f is Fact => f !== null);
  const notes = own
    ? [
        ...insights.notes,
        'SALES: customer facts limited to your customers; concentration and supplier facts left out',
      ]
    : insights.notes;
  return { ...insights, facts, notes };
}

function viewerRecommendations(insights: Insights, own: Set<number> | null): Recommendation[] {
  return recommend(insights).filter((r) => !own || !isCustomer(r.record) || own.has(Number(r.record.id)));
}

const DETERMINISTIC = { source: 'fallback', fallbackReason: 'DETERMINISTIC' };

function factOut(f: Fact) {
  return {
    ...f,
    subject: refOut(f.subject),
    period: f.period,
    details: JSON.stringify(f.details),
    query: JSON.stringify(f.query.olap ?? null),
    sql: f.query.sql ? JSON.stringify(f.query.sql) : null,
  };
}

function refOut(r: RecordRef | null | undefined) {
  return r
    ? {
        type: r.type.toUpperCase(),
        id: r.id === undefined ? null : String(r.id),
        code: r.code ?? null,
        label: r.label ?? null,
      }
    : null;
}

function recOut(r: Recommendation, lang: Language, currency: string) {
  const id = (type: RecordRef['type']) => {
    const ref = [r.record, r.supplier, r.warehouse].find((x) => x && x.type === type);
    return ref?.id === undefined ? null : String(ref.id);
  };
  return {
    id: r.id,
    action: r.kind.toUpperCase().replace(/-/g, '_'),
    priority: r.priority,
    record: refOut(r.record),
    supplier: refOut(r.supplier),
    warehouse: refOut(r.warehouse),
    productId: id('product'),
    customerId: id('customer'),
    orderId: id('order'),
    supplierId: id('supplier'),
    quantity: r.quantity ?? null,
    evidence: r.evidence,
    expectedImpactEur: r.expectedImpactEur,
    impact: r.impact,
    figures: JSON.stringify(r.figures),
    text: describeAction(r, lang, currency),
  };
}

const clampLimit = (n: number | null | undefined, dflt: number) => Math.min(Math.max(n ?? dflt, 1), 100);
const periodOut = (i: Insights) => ({ id: i.period.id, from: i.period.range.from, to: i.period.range.to });

export async function insights(
  pool: pg.Pool,
  viewer: Viewer,
  args: { period?: PeriodInput | null; limit?: number | null },
) {
  const i = await viewerInsights(pool, viewer, args.period);
  return {
    period: periodOut(i),
    revenue: i.revenue,
    currency: i.currency,
    asOf: i.asOf,
    notes: i.notes,
    facts: i.facts.slice(0, clampLimit(args.limit, 20)).map(factOut),
    ...DETERMINISTIC,
  };
}

export async function recommendations(
  pool: pg.Pool,
  viewer: Viewer,
  args: { period?: PeriodInput | null; limit?: number | null; language?: string | null },
) {
  const i = await viewerInsights(pool, viewer, args.period);
  const own = await ownCustomerIds(pool, viewer);
  const lang = (args.language ?? 'EN').toLowerCase() as Language;
  const recs = viewerRecommendations(i, own).slice(0, clampLimit(args.limit, 20));
  return {
    period: periodOut(i),
    recommendations: recs.map((r) => recOut(r, lang, i.currency)),
    ...DETERMINISTIC,
  };
}

export async function story(
  pool: pg.Pool,
  viewer: Viewer,
  args: { period?: PeriodInput | null; audience: string; language: string },
) {
  const i = await viewerInsights(pool, viewer, args.period);
  const own = await ownCustomerIds(pool, viewer);
  const recs = viewerRecommendations(i, own);
  const language = args.language.toLowerCase() as Language;
  const s = writeStory(i, recs, { audience: args.audience.toLowerCase() as Audience, language });
  const told = await narrate(s, i, recs, languageModel());
  const titles =
    language === 'fr'
      ? ['Résumé', 'Ce qui a changé', 'Pourquoi', 'Que faire']
      : ['Summary', 'What changed', 'Why', 'What to do'];
  return {
    period: periodOut(i),
    audience: args.audience,
    language: args.language,
    title: s.title,
    summary: s.summary,
    sections: [
      { title: titles[0], items: [s.summary] },
      { title: titles[1], items: s.changes },
      { title: titles[2], items: s.why },
      { title: titles[3], items: s.actions },
    ],
    text: told.text,
    deterministicText: s.text,
    factIds: s.factIds,
    recommendationIds: s.recommendationIds,
    source: told.source,
    fallbackReason: told.fallbackReason ?? null,
  };
}

/**
 * Questions per user at once: past the limit, RATE_LIMITED at once (a queue would only turn into
 * timeouts at the gateway). Each answer takes tens of milliseconds, so the limit is felt only by a
 * client firing many questions together.
 */
export const ASK_CONCURRENCY_PER_USER = 2;
const asking = new Map<string, number>();

async function oneAtATime<T>(viewer: Viewer, work: () => Promise<T>): Promise<T> {
  const key = `${viewer.role}:${viewer.userId ?? 'service'}`;
  const n = asking.get(key) ?? 0;
  if (n >= ASK_CONCURRENCY_PER_USER)
    throw new AppError(
      'RATE_LIMITED',
      `at most ${ASK_CONCURRENCY_PER_USER} questions at once: wait for an answer before asking the next one`,
    );
  asking.set(key, n + 1);
  try {
    return await work();
  } finally {
    const left = (asking.get(key) ?? 1) - 1;
    if (left > 0) asking.set(key, left);
    else asking.delete(key);
  }
}

/** The legacy JSON shape of rows ({ members: { level: { key, label } }, values: { measure: number } }), kept for older clients. */
function legacyRows(r: OlapAnswer | null) {
  return (r?.rows ?? []).map((row) => ({
    members: Object.fromEntries(row.members.map((m) => [m.level, { key: m.key, label: m.label }])),
    values: Object.fromEntries(row.values.map((v) => [v.measure, v.value === null ? null : Number(v.value)])),
    ...(r?.comparePeriod
      ? {
          compared: Object.fromEntries(
            row.values.map((v) => [v.measure, v.compared === null ? null : Number(v.compared)]),
          ),
        }
      : {}),
  }));
}

export async function ask(
  pool: pg.Pool,
  viewer: Viewer,
  args: { question: string; language?: string | null; previous?: string[] | null },
) {
  if (typeof args.question !== 'string' || !args.question.trim() || args.question.length > 500)
    throw new ValidationError('question', args.question, 'must be a question of 1 to 500 characters');
  if (args.question.includes('\u0000'))
    throw new ValidationError('question', args.question, 'must not contain a NUL character');
  const previous = (args.previous ?? []).slice(-5);
  previous.forEach((p, i) => {
    if (typeof p !== 'string' || p.length > 500 || p.includes('\u0000'))
      throw new ValidationError(`previous[${i}]`, p, 'must be a question of at most 500 characters');
  });
  return oneAtATime(viewer, async () => {
    const language = args.language ? (args.language.toLowerCase() as Language) : undefined;
    const a = await askEngine(args.question, { pool, viewer, model: languageModel(), previous, language });
    const result = a.result;
    return {
      question: a.question,
      language: a.language.toUpperCase(),
      understood: a.understood,
      answer: a.text,
      result,
      results: a.results,
      moreRows: a.moreRows,
      definition: result?.definition ?? null,
      query: a.queries[0] ? JSON.stringify(a.queries[0]) : null,
      queries: JSON.stringify(a.queries),
      rows: JSON.stringify(legacyRows(result)),
      totals: result
        ? JSON.stringify(
            Object.fromEntries(
              result.totals.map((v) => [v.measure, v.value === null ? null : Number(v.value)]),
            ),
          )
        : null,
      units: result
        ? JSON.stringify(Object.fromEntries(result.definition.measures.map((m) => [m.name, m.unit])))
        : null,
      chart: a.chart ? JSON.stringify(a.chart) : null,
      suggestions: a.suggestions ?? [],
      source: a.source,
      fallbackReason: a.fallbackReason ?? null,
    };
  });
}
