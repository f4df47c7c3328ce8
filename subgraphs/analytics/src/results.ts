import type { AnswerDefinition, describeModel, OlapAnswer } from '@erp/semantic';
import type { ask, insights, recommendations, story } from './services/ai';
import type { miningSummary } from './services/mining';

/** What the services return, as the generated resolver types take them (mappers in codegen.ts). */
export type SemanticModelAnswer = ReturnType<typeof describeModel>;
export type OlapResultAnswer = OlapAnswer;
export type OlapDefinitionAnswer = AnswerDefinition;
export type InsightsAnswer = Awaited<ReturnType<typeof insights>>;
export type RecommendationsAnswer = Awaited<ReturnType<typeof recommendations>>;
export type StoryAnswer = Awaited<ReturnType<typeof story>>;
export type AskAnswer = Awaited<ReturnType<typeof ask>>;
export type MiningSummaryAnswer = Awaited<ReturnType<typeof miningSummary>>;
export type { Dashboard as DashboardAnswer } from './services/dashboards';
