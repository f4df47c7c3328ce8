import { z } from 'zod';
import { AppError } from '@erp/kit';
import type { ProviderName } from '../env';

/** A tool the model may call: its arguments are data, validated by the caller before any use. */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
}
export interface ToolCall {
  name: string;
  args: unknown;
}
export interface GenerateOptions {
  system?: string;
  tools?: ToolSpec[];
}
export interface ModelReply {
  text: string;
  toolCalls: ToolCall[];
}

/** The one interface every provider sits behind. */
export interface LanguageModel {
  readonly name: ProviderName;
  generate(prompt: string, opts?: GenerateOptions): Promise<ModelReply>;
}

/** What an adapter may return; anything else is refused (and the caller falls back). */
export const replySchema = z.object({
  text: z.string().max(20_000),
  toolCalls: z.array(z.object({ name: z.string().max(64), args: z.unknown() })).max(5),
});

/** A provider failure, with the HTTP status when there was one. */
export class ProviderError extends Error {
  constructor(
    readonly provider: ProviderName,
    readonly reason: 'TIMEOUT' | 'HTTP' | 'NETWORK' | 'INVALID_OUTPUT' | 'REDIRECT',
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
  get retryable(): boolean {
    return (
      this.reason === 'TIMEOUT' ||
      this.reason === 'NETWORK' ||
      (this.reason === 'HTTP' && (this.status === 429 || (this.status ?? 0) >= 500))
    );
  }
}

export class RateLimitedError extends AppError {
  constructor(scope: string) {
    super('RATE_LIMITED', `AI rate limit reached (${scope})`, { scope });
  }
}

/** Token bucket: `capacity` requests, refilled continuously at capacity per `periodMs`. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    readonly capacity: number,
    readonly periodMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = capacity;
    this.last = now();
  }
  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) * this.capacity) / this.periodMs);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** The limits of one process: a bucket per provider and one for all of them. */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  constructor(
    private readonly perProvider: number,
    private readonly global: number,
    private readonly periodMs = 60_000,
  ) {}
  private bucket(key: string, capacity: number) {
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = new TokenBucket(capacity, this.periodMs)));
    return b;
  }
  /** Takes one request for the provider, or throws RATE_LIMITED (the global bucket is checked first). */
  acquire(provider: string): void {
    if (!this.bucket('*', this.global).take()) throw new RateLimitedError('global');
    if (!this.bucket(provider, this.perProvider).take()) throw new RateLimitedError(provider);
  }
}

export interface ResilienceOptions {
  timeoutMs: number;
  retries: number;
  limiter: RateLimiter;
  /** First backoff delay; doubles each retry, with jitter, capped at 2 s. */
  backoffMs?: number;
}

/** One attempt of an adapter, given an abort signal that fires at the timeout. */
export type Attempt = (prompt: string, opts: GenerateOptions, signal: AbortSignal) => Promise<ModelReply>;

/**
 * Wraps an adapter with the rate limit, a timeout per attempt, retries with exponential backoff on
 * 429, 5xx, timeouts and network errors, and output validation.
 */
export class ResilientModel implements LanguageModel {
  constructor(
    readonly name: ProviderName,
    private readonly attempt: Attempt,
    private readonly opts: ResilienceOptions,
  ) {}

  async generate(prompt: string, options: GenerateOptions = {}): Promise<ModelReply> {
    this.opts.limiter.acquire(this.name);
    let delay = this.opts.backoffMs ?? 200;
    for (let i = 0; ; i++) {
      try {
        const reply = await this.once(prompt, options);
        const parsed = replySchema.safeParse(reply);
        if (!parsed.success)
          throw new ProviderError(this.name, 'INVALID_OUTPUT', 'the reply does not have the expected shape');
        return parsed.data;
      } catch (err) {
        const e = toProviderError(this.name, err);
        if (!e.retryable || i >= this.opts.retries) throw e;
        await new Promise((r) => setTimeout(r, Math.min(2000, delay * (0.75 + Math.random() / 2))));
        delay *= 2;
      }
    }
  }

  private once(prompt: string, options: GenerateOptions): Promise<ModelReply> {
    const ctl = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_r, reject) => {
      timer = setTimeout(() => {
        ctl.abort();
        reject(new ProviderError(this.name, 'TIMEOUT', `no answer within ${this.opts.timeoutMs} ms`));
      }, this.opts.timeoutMs);
    });
    return Promise.race([this.attempt(prompt, options, ctl.signal), timeout]).finally(() =>
      clearTimeout(timer),
    );
  }
}

/** Maps whatever an SDK threw to a ProviderError (status from `status` or `status_code`). */
export function toProviderError(provider: ProviderName, err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  const e = err as {
    status?: unknown;
    status_code?: unknown;
    message?: string;
    name?: string;
    cause?: unknown;
  };
  // Gemini's SDK may throw a plain Error whose message is the JSON error body ({"error":{"code":429,…}}).
  const fromMessage = /"code":\s*(\d{3})\b/.exec(e?.message ?? '')?.[1];
  const status =
    typeof e?.status === 'number'
      ? e.status
      : typeof e?.status_code === 'number'
        ? e.status_code
        : fromMessage
          ? Number(fromMessage)
          : undefined;
  if (status !== undefined) {
    if (status >= 300 && status < 400)
      return new ProviderError(provider, 'REDIRECT', `redirect refused (HTTP ${status})`, status);
    return new ProviderError(provider, 'HTTP', `HTTP ${status}`, status);
  }
  if (e?.name === 'AbortError' || /abort|timed? ?out/i.test(e?.message ?? ''))
    return new ProviderError(provider, 'TIMEOUT', e?.message ?? 'aborted');
  return new ProviderError(provider, 'NETWORK', e?.message ?? String(err));
}

/** fetch that never follows a redirect. */
export function noRedirectFetch(signal: AbortSignal): typeof fetch {
  return async (input, init) => {
    // A 3xx is handed back as it is: each SDK then fails on a non-2xx status, which maps to REDIRECT.
    return fetch(input, {
      ...init,
      redirect: 'manual',
      signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal,
    });
  };
}
