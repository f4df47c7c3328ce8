import { z } from 'zod';
import { baseEnvShape, parseEnv, rawEnv } from '@erp/kit';

const empty = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = z.preprocess(empty, z.string().optional());
const httpUrl = z.preprocess(
  empty,
  z
    .string()
    .url()
    .regex(/^https?:\/\//, 'must be an http(s) URL')
    .optional(),
);
const int = (fallback: number, min = 1) =>
  z.preprocess(empty, z.coerce.number().int().min(min).default(fallback));

export const PROVIDERS = ['gemini', 'openai', 'anthropic', 'ollama'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/**
 * The AI settings, parsed once. An absent key means "that provider is not configured", never a
 * crash: AI_PROVIDER=auto picks the first configured (Gemini, OpenAI, Anthropic, then Ollama by URL)
 * and falls back to the no-key engine when there is none.
 */
export const aiEnvSchema = z.object({
  ...baseEnvShape,
  AI_PROVIDER: z.preprocess(empty, z.enum(['auto', 'none', ...PROVIDERS]).default('auto')),
  GEMINI_API_KEY: optional,
  GEMINI_MODEL: z.preprocess(empty, z.string().default('gemini-2.5-flash')),
  GEMINI_BASE_URL: httpUrl,
  OPENAI_API_KEY: optional,
  OPENAI_MODEL: z.preprocess(empty, z.string().default('gpt-4o-mini')),
  OPENAI_BASE_URL: httpUrl,
  ANTHROPIC_API_KEY: optional,
  ANTHROPIC_MODEL: z.preprocess(empty, z.string().default('claude-3-5-haiku-latest')),
  ANTHROPIC_BASE_URL: httpUrl,
  OLLAMA_URL: httpUrl,
  OLLAMA_MODEL: z.preprocess(empty, z.string().default('llama3.1')),
  /** Per call, in ms (10 s: a stalled provider must not hold a report or a chat answer). */
  AI_TIMEOUT_MS: int(10_000),
  AI_MAX_RETRIES: int(2, 0),
  /** Token buckets: requests per minute per provider and for all providers together. */
  AI_RATE_PER_MINUTE: int(30),
  AI_GLOBAL_RATE_PER_MINUTE: int(60),
});
export type AiEnv = z.infer<typeof aiEnvSchema>;

let cached: AiEnv | undefined;
/** The AI environment, parsed once (tests pass their own object to createModel instead). */
export function aiEnv(): AiEnv {
  cached ??= parseEnv(aiEnvSchema, rawEnv());
  return cached;
}
