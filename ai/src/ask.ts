import type pg from 'pg';
import {
  LEVELS,
  MEASURES,
  membersNamedIn,
  olap,
  readAnswerState,
  type OlapAnswer,
  type OlapInput,
  type Viewer,
} from '@erp/semantic';
import type { ProviderName } from './env';
import { answerQuestion, EXAMPLES, type EngineAnswer } from './chat/engine';
import { detectLanguage } from './chat/understand';
import type { ChartSpec } from './chat/answer';
import { chartOf } from './chat/answer';
import type { Language } from './format';
import { checkGrounding, collectNumbers, Pseudonymizer } from './grounding';
import type { LanguageModel, ToolSpec } from './providers/model';

/**
 * Chat: a question in French or English → figures from the one semantic layer. Without a model the
 * no-key engine (chat/) reads the question; with one, the model may only choose read-only queries
 * through the `olap` tool — the same planner, with the same row-level security, validates and runs
 * them — and its answer is checked number by number against the results; the engine's answer
 * replaces it on any failure.
 */
export type { ChartSpec };

export interface AskAnswer extends EngineAnswer {
  source: ProviderName | 'fallback';
  fallbackReason?: string;
}

export interface AskOptions {
  pool: pg.Pool;
  viewer: Viewer;
  model?: LanguageModel | null;
  /** Earlier questions of the conversation, oldest first. */
  previous?: string[];
  language?: Language;
}

/** The olap tool: its JSON schema lists the model's measures and levels, so a model can only name known ones. */
export const OLAP_TOOL: ToolSpec = {
  name: 'olap',
  description:
    'Runs one read-only OLAP query on the semantic model (sales, inventory, suppliers) and returns its rows. Measures of one fact per query.',
  parameters: {
    type: 'object',
    properties: {
      measures: {
        type: 'array',
        items: { type: 'string', enum: MEASURES.map((m) => m.name) },
        minItems: 1,
        maxItems: 4,
      },
      dimensions: { type: 'array', items: { type: 'string', enum: [...LEVELS.keys()] }, maxItems: 2 },
      filters: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            level: { type: 'string', enum: [...LEVELS.keys()] },
            members: { type: 'array', items: { type: 'string' } },
          },
          required: ['level', 'members'],
        },
      },
      time: {
        type: 'object',
        properties: {
          from: { type: 'string', description: 'YYYY-MM-DD' },
          to: { type: 'string', description: 'YYYY-MM-DD' },
          granularity: { type: 'string', enum: ['YEAR', 'QUARTER', 'MONTH', 'DAY'] },
        },
        required: ['from', 'to'],
      },
      compare: { type: 'string', enum: ['PREVIOUS_PERIOD', 'YEAR_AGO'] },
      order: {
        type: 'array',
        items: {
          type: 'object',
          properties: { by: { type: 'string' }, direction: { type: 'string', enum: ['ASC', 'DESC'] } },
          required: ['by', 'direction'],
        },
      },
      limit: { type: 'integer', minimum: 1, maximum: 100 },
    },
    required: ['measures'],
  },
};

function system(lang: Language, asOf: string | null): string {
  return [
    'You answer questions about a distribution company using ONLY the olap tool results.',
    'Never compute, estimate or invent a number: every number you write must appear in a tool result or in the question.',
    'Customers appear as aliases (C1, C2…): use the aliases as they are.',
    `The data runs up to ${asOf ?? 'no date (empty warehouse)'}: "this month", "last year" are relative to that day. Answer in ${lang === 'fr' ? 'French' : 'English'}, briefly.`,
  ].join(' ');
}

export class GroundingError extends Error {
  constructor(readonly unmatched: string[]) {
    super(`numbers not found in the facts: ${unmatched.join(', ')}`);
  }
}

export async function ask(question: string, opts: AskOptions): Promise<AskAnswer> {
  const language = opts.language ?? detectLanguage(question);
  const engine = () =>
    answerQuestion(question, { pool: opts.pool, viewer: opts.viewer, language, previous: opts.previous });
  if (!opts.model) return { ...(await engine()), source: 'fallback', fallbackReason: 'NO_PROVIDER' };
  try {
    return await withModel(question, language, opts, opts.model);
  } catch (err) {
    const reason =
      err instanceof GroundingError
        ? `UNGROUNDED: ${err.unmatched.join(', ')}`
        : ((err as { code?: string }).code ?? (err as { reason?: string }).reason ?? (err as Error).message);
    return { ...(await engine()), source: 'fallback', fallbackReason: reason };
  }
}

async function withModel(
  question: string,
  lang: Language,
  opts: AskOptions,
  model: LanguageModel,
): Promise<AskAnswer> {
  const state = readAnswerState(opts.pool);
  const calendar = await state.calendar;
  const pseudo = new Pseudonymizer();
  if (opts.viewer.role !== 'ANALYST') {
    // Customer names or codes typed in the question are pseudonymised before they leave.
    (await membersNamedIn(opts.pool, 'geography.customer', question, 20)).forEach((r) => pseudo.add(r));
  }
  const context = opts.previous?.length
    ? `Earlier questions: ${opts.previous.map((p) => pseudo.redact(p)).join(' / ')}\n`
    : '';
  const q = pseudo.redact(question);
  const sys = system(lang, calendar.asOf);
  const first = await model.generate(`${context}Question: ${q}`, { system: sys, tools: [OLAP_TOOL] });
  const queries: OlapInput[] = [];
  for (const call of first.toolCalls.slice(0, 3)) {
    if (call.name !== OLAP_TOOL.name)
      throw Object.assign(new Error(`unknown tool ${call.name}`), { code: 'INVALID_TOOL_CALL' });
    const input = call.args as unknown as OlapInput;
    // Aliases the model used in filters go back to real codes before the planner validates the query.
    input.filters = (input.filters ?? []).map((f) => ({
      ...f,
      members: (f.members ?? []).map((m) => realCode(pseudo, m)),
    }));
    queries.push(input);
  }
  if (!queries.length) {
    const g = checkGrounding(first.text, collectNumbers(question));
    if (!g.ok) throw new GroundingError(g.unmatched);
    return {
      question,
      language: lang,
      understood: true,
      text: pseudo.restore(first.text),
      result: null,
      results: [],
      queries: [],
      moreRows: null,
      chart: null,
      suggestions: [],
      source: model.name,
    };
  }
  // The planner validates every name and applies the viewer's rights; values travel as parameters.
  const results: OlapAnswer[] = [];
  for (const query of queries) results.push(await olap(opts.pool, query, opts.viewer, 'query', state));
  pseudo.collect(
    results.map((r) =>
      r.rows.map((row) =>
        Object.fromEntries(row.members.map((m) => [m.level, { key: m.key ?? '', label: m.label ?? '' }])),
      ),
    ),
  );
  const payload = pseudo.redact(
    JSON.stringify(
      results.map((r) => ({
        measures: r.measures,
        dimensions: r.dimensions,
        rows: r.rows,
        totals: r.totals,
        period: r.period,
        comparePeriod: r.comparePeriod,
        currency: r.definition.currency,
      })),
    ),
  );
  const second = await model.generate(
    `${context}Question: ${q}\nTool results (olap): ${payload}\nWrite the answer.`,
    { system: sys },
  );
  const allowed = collectNumbers(
    results.map((r) => ({ rows: r.rows, totals: r.totals, period: r.period, compared: r.comparePeriod })),
  );
  collectNumbers(question, allowed);
  const g = checkGrounding(second.text, allowed);
  if (!g.ok) throw new GroundingError(g.unmatched);
  return {
    question,
    language: lang,
    understood: true,
    text: pseudo.restore(second.text),
    result: results[0]!,
    results,
    queries,
    moreRows: null,
    chart: chartOf(results[0]!, lang),
    suggestions: [],
    source: model.name,
  };
}

function realCode(pseudo: Pseudonymizer, member: string): string {
  const restored = pseudo.restore(member);
  const m = /\(([^)]+)\)$/.exec(restored);
  return m ? m[1]! : restored;
}

export { EXAMPLES };
