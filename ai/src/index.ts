/**
 * @erp/ai — numbers first, words second: the insight engine computes facts from the warehouse,
 * recommendations and stories are derived from them, and a language model (optional) may only
 * rephrase them or pick read-only queries, checked number by number.
 */
export { computeInsights, latestPeriod, type Insights, type InsightOptions } from './insights';
export type { Fact, FactKind, Driver, RecordRef } from './facts';
export { FACT_KINDS } from './facts';
export { recommend, type Recommendation, type ActionKind } from './recommend';
export { writeStory, describeFact, describeAction, type Story, type Audience } from './story';
export { ask, OLAP_TOOL, EXAMPLES, type AskAnswer, type AskOptions, type ChartSpec } from './ask';
export { answerQuestion, type EngineAnswer, type EngineOptions } from './chat/engine';
export { understand, detectLanguage, isRefusal, type Intent, type Reading } from './chat/understand';
export { chartOf } from './chat/answer';
export { createModel, chooseProvider } from './providers/adapters';
export {
  RateLimiter,
  ResilientModel,
  TokenBucket,
  ProviderError,
  RateLimitedError,
  type LanguageModel,
  type ModelReply,
  type ToolSpec,
} from './providers/model';
export { checkGrounding, collectNumbers, readNumbers, Pseudonymizer } from './grounding';
export { buildReport, narrate, saveReport, saveInsights, storedInsights, type Report } from './report';
export { aiEnv, aiEnvSchema, type AiEnv, type ProviderName } from './env';
export type { Language } from './format';
