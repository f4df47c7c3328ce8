import type pg from 'pg';
import type { ProviderName } from './env';
import type { Language } from './format';
import { checkGrounding, collectNumbers, Pseudonymizer } from './grounding';
import { computeInsights, type InsightOptions, type Insights } from './insights';
import type { LanguageModel } from './providers/model';
import { recommend, type Recommendation } from './recommend';
import { writeStory, type Audience, type Story } from './story';

export interface Report {
  story: Story;
  /** The text shown: the model's rephrasing when it passed the checks, else the deterministic story. */
  text: string;
  source: ProviderName | 'fallback';
  fallbackReason?: string;
  insights: Insights;
  recommendations: Recommendation[];
}

/**
 * Optionally rephrases a deterministic story with a model: the prompt carries the facts and the
 * story with customers pseudonymised; the answer is checked number by number (grounding) and
 * re-identified, or the deterministic text is kept.
 */
export async function narrate(
  story: Story,
  insights: Insights,
  recommendations: Recommendation[],
  model: LanguageModel | null | undefined,
): Promise<Pick<Report, 'text' | 'source' | 'fallbackReason'>> {
  if (!model) return { text: story.text, source: 'fallback', fallbackReason: 'NO_PROVIDER' };
  const facts = insights.facts.filter((f) => story.factIds.includes(f.id)).map(({ query: _q, ...f }) => f);
  const recs = recommendations.filter((r) => story.recommendationIds.includes(r.id));
  const pseudo = new Pseudonymizer().collect(facts).collect(recs);
  const prompt = pseudo.redact(
    [
      `Rewrite this ${story.audience} report in ${story.language === 'fr' ? 'French' : 'English'} as fluent prose for its audience, keeping its four sections (Markdown headings).`,
      'Use only the numbers present in the report or the facts; do not compute new ones. Keep customer aliases (C1, C2…) as they are.',
      `Facts: ${JSON.stringify(facts)}`,
      `Actions: ${JSON.stringify(recs.map((r) => ({ id: r.id, kind: r.kind, record: r.record, supplier: r.supplier, quantity: r.quantity, expectedImpactEur: r.expectedImpactEur, figures: r.figures })))}`,
      `Report:\n${story.text}`,
    ].join('\n\n'),
  );
  try {
    const reply = await model.generate(prompt, {
      system: 'You are a careful business writer. You never invent figures.',
    });
    if (!reply.text.trim()) return { text: story.text, source: 'fallback', fallbackReason: 'EMPTY_OUTPUT' };
    const allowed = collectNumbers([facts, recs, story.text, story.period]);
    const g = checkGrounding(reply.text, allowed);
    if (!g.ok)
      return {
        text: story.text,
        source: 'fallback',
        fallbackReason: `UNGROUNDED: ${g.unmatched.join(', ')}`,
      };
    return { text: pseudo.restore(reply.text), source: model.name };
  } catch (err) {
    return {
      text: story.text,
      source: 'fallback',
      fallbackReason:
        (err as { code?: string }).code ?? (err as { reason?: string }).reason ?? (err as Error).message,
    };
  }
}

export async function buildReport(
  pool: pg.Pool,
  opts: InsightOptions & {
    audience?: Audience;
    language?: Language;
    model?: LanguageModel | null;
    insights?: Insights;
  },
): Promise<Report> {
  const insights = opts.insights ?? (await computeInsights(pool, opts));
  const recommendations = recommend(insights);
  const story = writeStory(insights, recommendations, { audience: opts.audience, language: opts.language });
  const told = await narrate(story, insights, recommendations, opts.model);
  return { story, ...told, insights, recommendations };
}

/** Stores the insights computed for a period from the warehouse of an ETL run. */
export async function saveInsights(
  pool: pg.Pool,
  etlRunId: string | number,
  insights: Insights,
): Promise<void> {
  await pool.query(
    `INSERT INTO ai.insights (etl_run_id, period, insights) VALUES ($1, $2, $3)
     ON CONFLICT (etl_run_id, period) DO UPDATE SET insights = EXCLUDED.insights, computed_at = now()`,
    [etlRunId, insights.period.id, JSON.stringify(insights)],
  );
}

/** The insights stored for this period and ETL run, if the pipeline computed them. */
export async function storedInsights(
  pool: pg.Pool,
  etlRunId: string | number,
  period: string,
): Promise<Insights | null> {
  const { rows } = await pool
    .query<{ insights: Insights }>(
      `SELECT insights FROM ai.insights WHERE to_regclass('ai.insights') IS NOT NULL AND etl_run_id = $1 AND period = $2`,
      [etlRunId, period],
    )
    .catch(() => ({ rows: [] as { insights: Insights }[] }));
  return rows[0]?.insights ?? null;
}

/** Stores a report with the facts it used; returns its id. */
export async function saveReport(pool: pg.Pool, r: Report): Promise<number> {
  const facts = r.insights.facts.filter((f) => r.story.factIds.includes(f.id));
  const recs = r.recommendations.filter((x) => r.story.recommendationIds.includes(x.id));
  const { rows } = await pool.query(
    `INSERT INTO ai.reports (period, audience, language, source, fallback_reason, title, text, deterministic_text, facts, recommendations)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING report_id`,
    [
      r.story.period,
      r.story.audience,
      r.story.language,
      r.source,
      r.fallbackReason ?? null,
      r.story.title,
      r.text,
      r.story.text,
      JSON.stringify(facts),
      JSON.stringify(recs),
    ],
  );
  return Number(rows[0].report_id);
}
