import { AppError, ForbiddenError, QueryTimeoutError } from '@erp/kit';
import type pg from 'pg';
import { readAnswerState, referenceDay, withinTimeLimit, type AnswerState, type Viewer } from '@erp/semantic';
import type { Language } from '../format';
import { answerFigures, answerWhy, NotInModel, resolvePointer, type ChatResult } from './answer';
import { memberIndex } from './members';
import { detectLanguage, isRefusal, understand, type Intent, type Refusal } from './understand';

/**
 * The no-key question engine: a question in French or English (with the earlier questions of the
 * conversation) → an Intent → semantic-layer queries run with the viewer's rights → figures and
 * words. What it cannot read, or what the model does not hold, is refused plainly with what can be
 * asked: never a broader answer.
 */
export interface EngineAnswer extends ChatResult {
  question: string;
  language: Language;
  understood: boolean;
  suggestions: string[];
  intent?: Intent;
}

export const EXAMPLES: Record<Language, string[]> = {
  fr: [
    "Quel est le chiffre d'affaires de l'année dernière ?",
    "Chiffre d'affaires par catégorie ce trimestre par rapport au même trimestre l'an dernier",
    'Top 5 des clients en 2025',
    'Quels produits risquent la rupture de stock ?',
    "Pourquoi le chiffre d'affaires a-t-il baissé le mois dernier ?",
    'Quelle part du chiffre d’affaires vient de France ?',
  ],
  en: [
    'What was revenue last year?',
    'Revenue by category this quarter vs the same quarter last year',
    'Top 5 customers in 2025',
    'Which products will run out of stock?',
    'Why did revenue change last month?',
    'Which suppliers deliver late most often?',
  ],
};

const WHAT_I_KNOW: Record<Language, string> = {
  fr: "Je réponds sur le chiffre d'affaires, la marge, les unités, les commandes, le panier moyen, les clients, les produits, les stocks et les fournisseurs, par période, catégorie, produit, pays, région, ville, client, segment, entrepôt ou fournisseur.",
  en: 'I answer about revenue, margin, units, orders, average order value, customers, products, stock and suppliers, by period, category, product, country, region, city, customer, segment, warehouse or supplier.',
};

export function refusalText(
  r: Refusal | { refused: 'forbidden' | 'invalid' | 'too-long'; language: Language; message: string },
): string {
  const fr = r.language === 'fr';
  switch (r.refused) {
    case 'write':
      return fr
        ? 'Je ne fais que lire les chiffres : je ne modifie aucune donnée.'
        : 'I only read figures: I do not change any data.';
    case 'future':
      return fr
        ? `Je ne fais pas de prévisions : je réponds sur ce qui s'est passé, jusqu'à la date des données. ${WHAT_I_KNOW.fr}`
        : `I do not forecast: I answer about what happened, up to the data's as-of date. ${WHAT_I_KNOW.en}`;
    case 'not-in-model':
      return fr
        ? `Ce n'est pas dans le modèle de données (${r.what}) : je ne peux pas y répondre. ${WHAT_I_KNOW.fr}`
        : `That is not in the data model (${r.what}): I cannot answer it. ${WHAT_I_KNOW.en}`;
    case 'not-understood':
      return r.unknown?.length
        ? fr
          ? `Je n'ai pas compris « ${r.unknown.join(' ')} » : ce n'est ni un indicateur, ni un axe, ni un client, produit, pays… connu. ${WHAT_I_KNOW.fr}`
          : `I did not understand "${r.unknown.join(' ')}": it is not a measure, a breakdown or a known customer, product, country… ${WHAT_I_KNOW.en}`
        : fr
          ? `Je n'ai pas compris la question. ${WHAT_I_KNOW.fr}`
          : `I did not understand the question. ${WHAT_I_KNOW.en}`;
    case 'forbidden':
      return fr
        ? `Cette question n'est pas accessible à votre rôle : ${r.message}`
        : `This question is not available to your role: ${r.message}`;
    case 'invalid':
      return fr
        ? `Cette question ne correspond pas au modèle : ${r.message}`
        : `That question does not fit the model: ${r.message}`;
    case 'too-long':
      return fr
        ? "Cette question demande de lire trop de données dans le temps imparti : précisez une période plus courte, un filtre ou moins d'axes."
        : 'Answering this question reads more data than the time limit allows: ask for a shorter period, a filter or fewer breakdowns.';
  }
}

export interface EngineOptions {
  pool: pg.Pool;
  viewer: Viewer;
  language?: Language;
  /** Earlier questions of the conversation, oldest first. */
  previous?: string[];
  state?: AnswerState;
}

function refused(question: string, language: Language, text: string): EngineAnswer {
  return {
    question,
    language,
    understood: false,
    text: `${text}\n${language === 'fr' ? 'Exemples de questions' : 'Example questions'}:\n${EXAMPLES[language].map((e) => `- ${e}`).join('\n')}`,
    result: null,
    results: [],
    queries: [],
    moreRows: null,
    chart: null,
    suggestions: EXAMPLES[language],
  };
}

export async function answerQuestion(question: string, opts: EngineOptions): Promise<EngineAnswer> {
  const language = opts.language ?? detectLanguage(question);
  try {
    return await withinTimeLimit(() => answerIn(question, language, opts));
  } catch (err) {
    if (err instanceof QueryTimeoutError)
      return refused(
        question,
        language,
        refusalText({ refused: 'too-long', language, message: err.message }),
      );
    throw err;
  }
}

async function answerIn(question: string, language: Language, opts: EngineOptions): Promise<EngineAnswer> {
  const state = opts.state ?? readAnswerState(opts.pool);
  const [calendar, freshness] = await Promise.all([state.calendar, state.freshness]);
  // ANALYST never names customers or sales reps (personal data): their names are not even looked up.
  const members = await memberIndex(opts.pool, freshness.runId, opts.viewer.role !== 'ANALYST');
  const today = referenceDay(calendar);
  const reading = understand(
    question,
    { members, language, clock: { today, first: calendar.firstDate ?? today, language } },
    opts.previous ?? [],
  );
  if (isRefusal(reading)) return refused(question, language, refusalText(reading));
  try {
    const ctx = { pool: opts.pool, viewer: opts.viewer, state, calendar };
    if (reading.pointsTo) await resolvePointer(reading, ctx);
    const r: ChatResult =
      reading.kind === 'why' ? await answerWhy(reading, ctx) : await answerFigures(reading, ctx);
    return {
      question,
      language,
      understood: true,
      text: r.text,
      result: r.result,
      results: r.results,
      queries: r.queries,
      moreRows: r.moreRows,
      chart: r.chart,
      suggestions: [],
      intent: reading,
    };
  } catch (err) {
    if (err instanceof NotInModel)
      return refused(question, language, refusalText({ refused: 'not-in-model', language, what: err.what }));
    if (err instanceof ForbiddenError)
      return refused(
        question,
        language,
        refusalText({ refused: 'forbidden', language, message: err.message }),
      );
    if (err instanceof AppError && err.code === 'VALIDATION')
      return refused(question, language, refusalText({ refused: 'invalid', language, message: err.message }));
    throw err;
  }
}
