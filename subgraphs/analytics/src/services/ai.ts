import {
  aiEnv,
  ask as askEngine,
  computeInsights,
  createModel,
  describeAction,
  narrate,
  recommend,
  SqlOlapRunner,
  validateOlapQuery,
  writeStory,
  type Audience,
  type Fact,
  type Insights,
  type Language,
  type LanguageModel,
  type OlapQuery,
  type OlapResult,
  type OlapRunner,
  type Recommendation,
  type RecordRef,
} from '@erp/ai';
import type { SqlText } from '@erp/ai/src/olap';
import { ForbiddenError, ValidationError } from '@erp/kit';
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
 *   supplier measures in olap. Company totals (revenue, trend) stay. `ask` runs its query on the
 *   rep's customers only (the same filter in the SQL) and refuses supplier measures.
 * - ANALYST: customers are shown by code only: every customer label/name becomes its code; `ask`
 *   refuses the customer level (FORBIDDEN), as olap does.
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

const isCustomer = (r: unknown): r is RecordRef => !!r && typeof r === 'object' && (r as RecordRef).type === 'customer';

/** Customer names → codes, everywhere in a fact (ANALYST). */
function codesOnly<T>(value: T): T {
  if (Array.isArray(value)) return value.map(codesOnly) as T;
  if (!value || typeof value !== 'object') return value;
  const o = { ...(value as Record<string, unknown>) };
  for (const [k, v] of Object.entries(o)) o[k] = codesOnly(v);
  if (isCustomer(o) && o.code !== undefined) o.label = String(o.code);
  // Customer drivers (only they carry an id): { key: code, label: name, id }.
  if ('contribution' in o && o.id !== undefined && o.id !== null && typeof o.key === 'string') o.label = o.key;
  // Customer lists in details: { id, code, name } (slipped, top customers).
  if (typeof o.code === 'string' && typeof o.name === 'string' && ('revenue' in o || 'revenue12' in o || 'from' in o)) o.name = o.code;
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
    if (Array.isArray(d.slipped)) d.slipped = (d.slipped as { id: number }[]).filter((c) => own.has(Number(c.id)));
    if (d.drivers && typeof d.drivers === 'object') {
      const drivers = { ...(d.drivers as Record<string, { id?: number }[]>) };
      if (drivers.customer) drivers.customer = drivers.customer.filter((c) => c.id !== undefined && own.has(Number(c.id)));
      d.drivers = drivers;
    }
    fact = { ...f, details: d };
  }
  if (viewer.role === 'ANALYST') fact = codesOnly(fact);
  return fact;
}

/** The viewer's insights: the engine's facts with the row-level rules above applied. */
export async function viewerInsights(pool: pg.Pool, viewer: Viewer, period: PeriodInput | null | undefined): Promise<Insights> {
  const insights = await computeInsights(pool, { period: periodId(period) });
  const own = await ownCustomerIds(pool, viewer);
  if (!own && viewer.role !== 'ANALYST') return insights;
  const facts = insights.facts.map((f) => scrubFact(f, viewer, own)).filter((f): f is Fact => f !== null);
  const notes = own ? [...insights.notes, 'SALES: customer facts limited to your customers; concentration and supplier facts left out'] : insights.notes;
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
    sql: JSON.stringify(f.query.sql),
  };
}

function refOut(r: RecordRef | null | undefined) {
  return r ? { type: r.type.toUpperCase(), id: r.id === undefined ? null : String(r.id), code: r.code ?? null, label: r.label ?? null } : null;
}

function recOut(r: Recommendation, lang: Language) {
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
    text: describeAction(r, lang),
  };
}

const clampLimit = (n: number | null | undefined, dflt: number) => Math.min(Math.max(n ?? dflt, 1), 100);
const periodOut = (i: Insights) => ({ id: i.period.id, from: i.period.range.from, to: i.period.range.to });

export async function insights(pool: pg.Pool, viewer: Viewer, args: { period?: PeriodInput | null; limit?: number | null }) {
  const i = await viewerInsights(pool, viewer, args.period);
  return { period: periodOut(i), revenue: i.revenue, notes: i.notes, facts: i.facts.slice(0, clampLimit(args.limit, 20)).map(factOut), ...DETERMINISTIC };
}

export async function recommendations(pool: pg.Pool, viewer: Viewer, args: { period?: PeriodInput | null; limit?: number | null; language?: string | null }) {
  const i = await viewerInsights(pool, viewer, args.period);
  const own = await ownCustomerIds(pool, viewer);
  const lang = (args.language ?? 'EN').toLowerCase() as Language;
  const recs = viewerRecommendations(i, own).slice(0, clampLimit(args.limit, 20));
  return { period: periodOut(i), recommendations: recs.map((r) => recOut(r, lang)), ...DETERMINISTIC };
}

export async function story(pool: pg.Pool, viewer: Viewer, args: { period?: PeriodInput | null; audience: string; language: string }) {
  const i = await viewerInsights(pool, viewer, args.period);
  const own = await ownCustomerIds(pool, viewer);
  const recs = viewerRecommendations(i, own);
  const language = args.language.toLowerCase() as Language;
  const s = writeStory(i, recs, { audience: args.audience.toLowerCase() as Audience, language });
  const told = await narrate(s, i, recs, languageModel());
  const titles = language === 'fr' ? ['Résumé', 'Ce qui a changé', 'Pourquoi', 'Que faire'] : ['Summary', 'What changed', 'Why', 'What to do'];
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

/** The SQL runner of @erp/ai with the viewer's row-level rules. */
export class ViewerOlapRunner implements OlapRunner {
  private readonly inner: SqlOlapRunner;
  constructor(private readonly pool: pg.Pool, private readonly viewer: Viewer) {
    this.inner = new SqlOlapRunner(pool);
  }

  async run(query: OlapQuery): Promise<OlapResult> {
    const q = validateOlapQuery(query);
    if (this.viewer.role === 'ANALYST' && [...q.dimensions, ...q.filters.map((f) => f.level)].includes('geography.customer'))
      throw new ForbiddenError('the level geography.customer identifies customers (personal data) and is not available to ANALYST');
    if (this.viewer.role !== 'SALES') return this.inner.run(query);
    if (q.fact === 'supplier') throw new ForbiddenError('supplier measures are not available to SALES');
    if (q.fact === 'inventory') return this.inner.run(query);
    return runForRep(this.pool, query, this.viewer.userId!);
  }
}

const CUSTOMER_JOIN = 'JOIN dw.dim_customer c ON c.customer_key = f.customer_key';

/**
 * SALES: the whitelisted statements of @erp/ai's SqlOlapRunner, with one more condition on the
 * customer join: the fact rows of the customers currently assigned to the rep (a bound parameter).
 */
function runForRep(pool: pg.Pool, query: OlapQuery, repId: number): Promise<OlapResult> {
  const restrict = (s: SqlText): SqlText => {
    if (!s.text.includes(CUSTOMER_JOIN)) throw new ForbiddenError('this question cannot be limited to your customers');
    const n = s.values.length + 1;
    return {
      text: s.text.replace(CUSTOMER_JOIN, `${CUSTOMER_JOIN} AND c.customer_id IN (SELECT r.customer_id FROM dw.dim_customer r WHERE r.is_current AND r.sales_rep_id = $${n}::int)`),
      values: [...s.values, repId],
    };
  };
  return new SqlOlapRunner(pool, restrict).run(query);
}

export async function ask(pool: pg.Pool, viewer: Viewer, args: { question: string; language?: string | null }) {
  const language = args.language ? (args.language.toLowerCase() as Language) : undefined;
  const a = await askEngine(args.question, language, {
    runner: new ViewerOlapRunner(pool, viewer),
    model: languageModel(),
    // ANALYST: customer names typed in a question are not looked up.
    pool: viewer.role === 'ANALYST' ? undefined : pool,
  });
  const result = a.results[0];
  const rows = result
    ? result.rows.map((r) => ({
        members: Object.fromEntries(Object.entries(r.members).map(([k, m]) => [k, viewer.role === 'ANALYST' && k === 'geography.customer' ? { key: m.key, label: m.key } : m])),
        values: r.values,
        ...(r.compared ? { compared: r.compared } : {}),
      }))
    : [];
  return {
    question: a.question,
    language: a.language.toUpperCase(),
    understood: a.understood,
    answer: a.answer,
    query: a.queries[0] ? JSON.stringify(a.queries[0]) : null,
    queries: JSON.stringify(a.queries),
    rows: JSON.stringify(rows),
    totals: result ? JSON.stringify(result.totals) : null,
    units: result ? JSON.stringify(result.units) : null,
    chart: a.chart ? JSON.stringify(a.chart) : null,
    suggestions: a.suggestions ?? [],
    source: a.source,
    fallbackReason: a.fallbackReason ?? null,
  };
}
