import type pg from 'pg';
import type { ProviderName } from './env';
import { formatValue, rangeLabel, type Language } from './format';
import { checkGrounding, collectNumbers, Pseudonymizer } from './grounding';
import { LEVELS, MEASURES, validateOlapQuery, type OlapQuery, type OlapResult, type OlapRunner } from './olap';
import { detectLanguage, EXAMPLES, parseQuestion } from './parser';
import type { LanguageModel, ToolSpec } from './providers/model';

/**
 * Chat: a question in French or English → numbers from the warehouse. Without a model, the
 * rule-based parser maps it to one OLAP-style query. With a model, the model may only choose
 * read-only queries through the `olap` tool (validated against the whitelist, run by the same
 * runner); its answer is checked number by number against the tool results, and the deterministic
 * answer replaces it on any failure.
 */
export interface ChartSpec {
  type: 'kpi' | 'bar' | 'line' | 'table';
  categories: string[];
  series: { name: string; unit: string; data: (number | null)[] }[];
}

export interface AskAnswer {
  question: string;
  language: Language;
  understood: boolean;
  answer: string;
  /** The queries run (the model's choice, or the parser's). */
  queries: OlapQuery[];
  results: OlapResult[];
  chart?: ChartSpec;
  suggestions?: string[];
  source: ProviderName | 'fallback';
  fallbackReason?: string;
}

export interface AskOptions {
  runner: OlapRunner;
  model?: LanguageModel | null;
  /** The reference day for "this year", "last month" (default: today). */
  today?: string;
  /** To recognise customer names typed in the question (pseudonymised before leaving). */
  pool?: pg.Pool;
}

const MEASURE_NAMES: Record<Language, Record<string, string>> = {
  fr: { revenue: "chiffre d'affaires", grossMargin: 'marge brute', marginPct: 'taux de marge', units: 'unités', orders: 'commandes', averageBasket: 'panier moyen', customers: 'clients', stockOnHand: 'stock physique', stockAvailable: 'stock disponible', stockValue: 'valeur du stock', daysOfCover: 'jours de couverture', supplierDeliveries: 'livraisons', supplierOnTimeRate: 'taux de ponctualité' },
  en: { revenue: 'revenue', grossMargin: 'gross margin', marginPct: 'margin %', units: 'units', orders: 'orders', averageBasket: 'average basket', customers: 'customers', stockOnHand: 'stock on hand', stockAvailable: 'available stock', stockValue: 'stock value', daysOfCover: 'days of cover', supplierDeliveries: 'deliveries', supplierOnTimeRate: 'on-time rate' },
};

const label = (r: OlapResult, row: OlapResult['rows'][number]) =>
  r.query.dimensions.map((d) => (d === 'geography.customer' || d === 'product.product' ? `${row.members[d]!.label} (${row.members[d]!.key})` : row.members[d]!.label)).join(' / ');

/** The deterministic answer: the numbers of the result, in words. */
export function describeResult(r: OlapResult, lang: Language): string {
  const q = r.query;
  const period = q.range ? ` (${rangeLabel(q.range, lang)})` : '';
  const names = q.measures.map((m) => MEASURE_NAMES[lang][m] ?? m);
  const fmt = (m: string, x: number | null) => formatValue(x, r.units[m] ?? '', lang);
  if (!q.dimensions.length) {
    const parts = q.measures.map((m, i) => {
      const cmp = r.rows[0]?.compared?.[m];
      const base = `${capital(names[i]!)}${period}${lang === 'fr' ? ' : ' : ': '}${fmt(m, r.totals[m] ?? null)}`;
      return cmp !== undefined ? `${base} (${lang === 'fr' ? 'contre' : 'against'} ${fmt(m, cmp)})` : base;
    });
    return `${parts.join('; ')}.`;
  }
  if (!r.rows.length) return lang === 'fr' ? `Aucune donnée${period}.` : `No data${period}.`;
  const header = `${capital(names.join(', '))}${period}${lang === 'fr' ? ' :' : ':'}`;
  const lines = r.rows.map((row) => {
    const vals = q.measures
      .map((m) => {
        const c = row.compared?.[m];
        return `${fmt(m, row.values[m] ?? null)}${c !== undefined ? ` (${lang === 'fr' ? 'contre' : 'vs'} ${fmt(m, c)})` : ''}`;
      })
      .join(', ');
    return `- ${label(r, row)}${lang === 'fr' ? ' : ' : ': '}${vals}`;
  });
  // Totals only for additive measures (a total of rates, cover or distinct counts would mislead).
  const additive = q.measures.filter((m) => ['revenue', 'grossMargin', 'units', 'stockOnHand', 'stockAvailable', 'stockValue', 'supplierDeliveries'].includes(m));
  const total = additive.length ? [`Total${lang === 'fr' ? ' : ' : ': '}${additive.map((m) => `${fmt(m, r.totals[m] ?? null)}`).join(', ')}`] : [];
  return [header, ...lines, ...total].join('\n');
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function chartOf(r: OlapResult, lang: Language): ChartSpec {
  const q = r.query;
  const series = q.measures.flatMap((m) => {
    const name = MEASURE_NAMES[lang][m] ?? m;
    const main = { name, unit: r.units[m] ?? '', data: q.dimensions.length ? r.rows.map((row) => row.values[m] ?? null) : [r.totals[m] ?? null] };
    const cmp = q.compare && r.comparedRange ? [{ name: `${name} (${rangeLabel(r.comparedRange, lang)})`, unit: r.units[m] ?? '', data: r.rows.map((row) => row.compared?.[m] ?? null) }] : [];
    return [main, ...cmp];
  });
  if (!q.dimensions.length) return { type: 'kpi', categories: [], series };
  return { type: q.dimensions[0]!.startsWith('date.') ? 'line' : q.dimensions.length > 1 ? 'table' : 'bar', categories: r.rows.map((row) => label(r, row)), series };
}

/** The olap tool: its JSON schema lists the whitelist, so the model can only name known members. */
export const OLAP_TOOL: ToolSpec = {
  name: 'olap',
  description: 'Runs one read-only OLAP query on the sales/inventory/supplier warehouse and returns its rows. Measures of one fact per query.',
  parameters: {
    type: 'object',
    properties: {
      measures: { type: 'array', items: { type: 'string', enum: Object.keys(MEASURES) }, minItems: 1, maxItems: 4 },
      dimensions: { type: 'array', items: { type: 'string', enum: Object.keys(LEVELS) }, maxItems: 2 },
      filters: { type: 'array', items: { type: 'object', properties: { level: { type: 'string', enum: Object.keys(LEVELS) }, members: { type: 'array', items: { type: 'string' } } }, required: ['level', 'members'] } },
      range: { type: 'object', properties: { from: { type: 'string', description: 'YYYY-MM-DD' }, to: { type: 'string', description: 'YYYY-MM-DD' } }, required: ['from', 'to'] },
      compare: { type: 'string', enum: ['PREVIOUS_PERIOD', 'YEAR_AGO'] },
      order: { type: 'object', properties: { by: { type: 'string' }, direction: { type: 'string', enum: ['ASC', 'DESC'] } }, required: ['by', 'direction'] },
      limit: { type: 'integer', minimum: 1, maximum: 100 },
    },
    required: ['measures'],
  },
};

function system(lang: Language, today: string): string {
  return [
    'You answer questions about a distribution company using ONLY the olap tool results.',
    'Never compute, estimate or invent a number: every number you write must appear in a tool result or in the question.',
    'Customers appear as aliases (C1, C2…): use the aliases as they are.',
    `Today is ${today}. Answer in ${lang === 'fr' ? 'French' : 'English'}, briefly.`,
  ].join(' ');
}

/** The deterministic (no-key) answer. */
async function deterministic(question: string, lang: Language, opts: AskOptions, today: string): Promise<Omit<AskAnswer, 'source' | 'fallbackReason'>> {
  const parsed = parseQuestion(question, { today, language: lang });
  if (!parsed.ok) {
    const answer = `${parsed.message}\n${lang === 'fr' ? 'Exemples de questions' : 'Example questions'}:\n${parsed.suggestions.map((s) => `- ${s}`).join('\n')}`;
    return { question, language: lang, understood: false, answer, queries: [], results: [], suggestions: parsed.suggestions };
  }
  const result = await opts.runner.run(parsed.query);
  return { question, language: lang, understood: true, answer: describeResult(result, lang), queries: [parsed.query], results: [result], chart: chartOf(result, lang) };
}

export async function ask(question: string, language: Language | undefined, opts: AskOptions): Promise<AskAnswer> {
  const lang = language ?? detectLanguage(question);
  const today = opts.today ?? new Date().toISOString().slice(0, 10);
  if (!opts.model) return { ...(await deterministic(question, lang, opts, today)), source: 'fallback', fallbackReason: 'NO_PROVIDER' };
  try {
    return await withModel(question, lang, opts, opts.model, today);
  } catch (err) {
    const reason = err instanceof GroundingError ? `UNGROUNDED: ${err.unmatched.join(', ')}` : ((err as { code?: string }).code ?? (err as { reason?: string }).reason ?? (err as Error).message);
    return { ...(await deterministic(question, lang, opts, today)), source: 'fallback', fallbackReason: reason };
  }
}

export class GroundingError extends Error {
  constructor(readonly unmatched: string[]) {
    super(`numbers not found in the facts: ${unmatched.join(', ')}`);
  }
}

async function withModel(question: string, lang: Language, opts: AskOptions, model: LanguageModel, today: string): Promise<AskAnswer> {
  const pseudo = new Pseudonymizer();
  if (opts.pool) {
    // Customer names or codes typed in the question are pseudonymised too.
    const { rows } = await opts.pool.query(
      `SELECT code, name FROM dw.dim_customer WHERE is_current AND (strpos(lower($1), lower(name)) > 0 OR strpos(lower($1), lower(code)) > 0) LIMIT 20`,
      [question],
    );
    rows.forEach((r) => pseudo.add({ code: r.code as string, name: r.name as string }));
  }
  const q = pseudo.redact(question);
  const sys = system(lang, today);
  const first = await model.generate(`Question: ${q}`, { system: sys, tools: [OLAP_TOOL] });
  const queries: OlapQuery[] = [];
  for (const call of first.toolCalls.slice(0, 3)) {
    if (call.name !== OLAP_TOOL.name) throw Object.assign(new Error(`unknown tool ${call.name}`), { code: 'INVALID_TOOL_CALL' });
    // Only a whitelisted, read-only query spec is ever run: names are checked, values are bound.
    const { fact: _f, ...valid } = validateOlapQuery(call.args);
    // Aliases the model used in filters go back to real codes before the query runs.
    valid.filters = valid.filters.map((f) => ({ ...f, members: f.members.map((m) => realCode(pseudo, m)) }));
    queries.push(valid);
  }
  if (!queries.length) {
    const g = checkGrounding(first.text, collectNumbers(question));
    if (!g.ok) throw new GroundingError(g.unmatched);
    return { question, language: lang, understood: true, answer: pseudo.restore(first.text), queries: [], results: [], source: model.name };
  }
  const results: OlapResult[] = [];
  for (const query of queries) results.push(await opts.runner.run(query));
  pseudo.collect(results.map((r) => r.rows));
  const payload = pseudo.redact(JSON.stringify(results.map((r) => ({ query: r.query, rows: r.rows, totals: r.totals, units: r.units, comparedRange: r.comparedRange }))));
  const second = await model.generate(`Question: ${q}\nTool results (olap): ${payload}\nWrite the answer.`, { system: sys });
  const allowed = collectNumbers(results.map((r) => ({ rows: r.rows, totals: r.totals, range: r.query.range, compared: r.comparedRange, limit: r.query.limit })));
  collectNumbers(question, allowed);
  const g = checkGrounding(second.text, allowed);
  if (!g.ok) throw new GroundingError(g.unmatched);
  return { question, language: lang, understood: true, answer: pseudo.restore(second.text), queries, results, chart: chartOf(results[0]!, lang), source: model.name };
}

function realCode(pseudo: Pseudonymizer, member: string): string {
  const restored = pseudo.restore(member);
  const m = /\(([^)]+)\)$/.exec(restored);
  return m ? m[1]! : restored;
}

export { EXAMPLES };
