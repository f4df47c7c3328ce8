import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import type { AiEnv, ProviderName } from '../env';
import {
  noRedirectFetch,
  ProviderError,
  RateLimiter,
  ResilientModel,
  type Attempt,
  type LanguageModel,
  type ModelReply,
} from './model';

/**
 * One adapter per provider, each through its own SDK, each pointed at its base URL (tests point them
 * at a local fake server). SDK retries are off: ResilientModel retries; redirects are never followed.
 * A client is made per attempt so the attempt's abort signal reaches its fetch.
 */

const parseArgs = (provider: ProviderName, raw: unknown): unknown => {
  if (typeof raw !== 'string') return raw ?? {};
  try {
    return JSON.parse(raw);
  } catch {
    throw new ProviderError(provider, 'INVALID_OUTPUT', 'tool arguments are not JSON');
  }
};

/** The OpenAI and Anthropic clients: no retries of their own (the limiter and backoff retry), no redirects. */
const sdkOptions = (cfg: { apiKey: string; baseURL?: string }, signal: AbortSignal) => ({
  apiKey: cfg.apiKey,
  baseURL: cfg.baseURL,
  maxRetries: 0,
  fetch: noRedirectFetch(signal),
});

export function openaiAttempt(cfg: { apiKey: string; model: string; baseURL?: string }): Attempt {
  return async (prompt, opts, signal) => {
    const client = new OpenAI(sdkOptions(cfg, signal));
    const res = await client.chat.completions.create(
      {
        model: cfg.model,
        messages: [
          ...(opts.system ? [{ role: 'system' as const, content: opts.system }] : []),
          { role: 'user' as const, content: prompt },
        ],
        ...(opts.tools?.length
          ? {
              tools: opts.tools.map((t) => ({
                type: 'function' as const,
                function: { name: t.name, description: t.description, parameters: t.parameters },
              })),
            }
          : {}),
      },
      { signal },
    );
    const msg = res.choices?.[0]?.message;
    if (!msg) throw new ProviderError('openai', 'INVALID_OUTPUT', 'no choice in the reply');
    return {
      text: msg.content ?? '',
      toolCalls: (msg.tool_calls ?? []).map((c) => {
        if (c.type !== 'function')
          throw new ProviderError('openai', 'INVALID_OUTPUT', 'unexpected tool call type');
        return { name: c.function.name, args: parseArgs('openai', c.function.arguments) };
      }),
    };
  };
}

export function anthropicAttempt(cfg: { apiKey: string; model: string; baseURL?: string }): Attempt {
  return async (prompt, opts, signal) => {
    const client = new Anthropic(sdkOptions(cfg, signal));
    const res = await client.messages.create(
      {
        model: cfg.model,
        max_tokens: 1500,
        ...(opts.system ? { system: opts.system } : {}),
        messages: [{ role: 'user', content: prompt }],
        ...(opts.tools?.length
          ? {
              tools: opts.tools.map((t) => ({
                name: t.name,
                description: t.description,
                input_schema: t.parameters as Anthropic.Tool.InputSchema,
              })),
            }
          : {}),
      },
      { signal },
    );
    if (!Array.isArray(res.content))
      throw new ProviderError('anthropic', 'INVALID_OUTPUT', 'no content in the reply');
    const reply: ModelReply = { text: '', toolCalls: [] };
    for (const block of res.content) {
      if (block.type === 'text') reply.text += block.text;
      else if (block.type === 'tool_use') reply.toolCalls.push({ name: block.name, args: block.input });
    }
    return reply;
  };
}

export function geminiAttempt(cfg: { apiKey: string; model: string; baseURL?: string }): Attempt {
  return async (prompt, opts, signal) => {
    const client = new GoogleGenAI({
      apiKey: cfg.apiKey,
      httpOptions: {
        ...(cfg.baseURL ? { baseUrl: cfg.baseURL } : {}),
        fetch: noRedirectFetch(signal),
        retryOptions: { attempts: 1 },
      },
    });
    const res = await client.models.generateContent({
      model: cfg.model,
      contents: prompt,
      config: {
        abortSignal: signal,
        ...(opts.system ? { systemInstruction: opts.system } : {}),
        ...(opts.tools?.length
          ? {
              tools: [
                {
                  functionDeclarations: opts.tools.map((t) => ({
                    name: t.name,
                    description: t.description,
                    parametersJsonSchema: t.parameters,
                  })),
                },
              ],
            }
          : {}),
      },
    });
    const parts = res.candidates?.[0]?.content?.parts;
    if (!Array.isArray(parts))
      throw new ProviderError('gemini', 'INVALID_OUTPUT', 'no candidate in the reply');
    const reply: ModelReply = { text: '', toolCalls: [] };
    for (const p of parts) {
      if (typeof p.text === 'string' && !p.thought) reply.text += p.text;
      if (p.functionCall?.name)
        reply.toolCalls.push({ name: p.functionCall.name, args: p.functionCall.args ?? {} });
    }
    return reply;
  };
}

export function ollamaAttempt(cfg: { host: string; model: string }): Attempt {
  return async (prompt, opts, signal) => {
    const client = new Ollama({ host: cfg.host, fetch: noRedirectFetch(signal) });
    const res = await client.chat({
      model: cfg.model,
      stream: false,
      messages: [
        ...(opts.system ? [{ role: 'system', content: opts.system }] : []),
        { role: 'user', content: prompt },
      ],
      ...(opts.tools?.length
        ? {
            tools: opts.tools.map((t) => ({
              type: 'function',
              function: { name: t.name, description: t.description, parameters: t.parameters },
            })),
          }
        : {}),
    });
    if (!res?.message) throw new ProviderError('ollama', 'INVALID_OUTPUT', 'no message in the reply');
    return {
      text: res.message.content ?? '',
      toolCalls: (res.message.tool_calls ?? []).map((c) => ({
        name: c.function.name,
        args: parseArgs('ollama', c.function.arguments),
      })),
    };
  };
}

let processLimiter: RateLimiter | undefined;

/** Which provider AI_PROVIDER names (auto: the first configured), or null for the no-key engine. */
export function chooseProvider(env: AiEnv): ProviderName | null {
  const configured: Record<ProviderName, boolean> = {
    gemini: !!env.GEMINI_API_KEY,
    openai: !!env.OPENAI_API_KEY,
    anthropic: !!env.ANTHROPIC_API_KEY,
    ollama: !!env.OLLAMA_URL,
  };
  if (env.AI_PROVIDER === 'none') return null;
  if (env.AI_PROVIDER === 'auto')
    return (['gemini', 'openai', 'anthropic', 'ollama'] as const).find((p) => configured[p]) ?? null;
  return configured[env.AI_PROVIDER] ? env.AI_PROVIDER : null;
}

/**
 * The language model AI_PROVIDER selects, behind timeouts, retries and rate limits; null when none
 * is configured (the callers then use the no-key engine and say so).
 */
export function createModel(
  env: AiEnv,
  opts: { limiter?: RateLimiter; backoffMs?: number } = {},
): LanguageModel | null {
  const provider = chooseProvider(env);
  if (!provider) return null;
  const limiter =
    opts.limiter ??
    (processLimiter ??= new RateLimiter(env.AI_RATE_PER_MINUTE, env.AI_GLOBAL_RATE_PER_MINUTE));
  const attempt: Attempt =
    provider === 'openai'
      ? openaiAttempt({ apiKey: env.OPENAI_API_KEY!, model: env.OPENAI_MODEL, baseURL: env.OPENAI_BASE_URL })
      : provider === 'anthropic'
        ? anthropicAttempt({
            apiKey: env.ANTHROPIC_API_KEY!,
            model: env.ANTHROPIC_MODEL,
            baseURL: env.ANTHROPIC_BASE_URL,
          })
        : provider === 'gemini'
          ? geminiAttempt({
              apiKey: env.GEMINI_API_KEY!,
              model: env.GEMINI_MODEL,
              baseURL: env.GEMINI_BASE_URL,
            })
          : ollamaAttempt({ host: env.OLLAMA_URL!, model: env.OLLAMA_MODEL });
  return new ResilientModel(provider, attempt, {
    timeoutMs: env.AI_TIMEOUT_MS,
    retries: env.AI_MAX_RETRIES,
    limiter,
    backoffMs: opts.backoffMs,
  });
}
