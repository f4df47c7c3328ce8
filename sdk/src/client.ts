import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';

/** A generated document, typed by its result and variables (for clients other than createClient). */
export type { TypedDocumentNode };

/** A GraphQL error as the gateway sends it: a message and a stable `extensions.code`. */
export interface ApiError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; field?: string; [k: string]: unknown };
}

export class ApiRequestError extends Error {
  constructor(
    readonly errors: ApiError[],
    readonly status: number,
  ) {
    super(errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; '));
  }
  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }
}

export interface ClientOptions {
  /** The gateway's GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql */
  url: string;
  /** Access token, or a function returning the current one (refreshed by the caller). */
  token?: string | (() => string | undefined | Promise<string | undefined>);
  /** Per-request timeout in ms (default 30 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const printed = new WeakMap<DocumentNode, string>();

/**
 * A small typed client: `request(OrdersDocument, { first: 20 })` is typed by the generated document
 * (variables in, result out). `request` throws ApiRequestError on any GraphQL error; `execute`
 * returns partial data and errors together (federation may answer partially).
 */
export function createClient(opts: ClientOptions) {
  const doFetch = opts.fetch ?? fetch;
  async function execute<R, V>(
    document: TypedDocumentNode<R, V>,
    variables?: V,
  ): Promise<{ data: R | null; errors: ApiError[]; status: number }> {
    let query = printed.get(document);
    if (!query) printed.set(document, (query = print(document)));
    const token = typeof opts.token === 'function' ? await opts.token() : opts.token;
    const res = await doFetch(opts.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables: variables ?? {} }),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    });
    const body = (await res.json().catch(() => ({ errors: [{ message: `HTTP ${res.status}` }] }))) as {
      data?: R | null;
      errors?: ApiError[];
    };
    return { data: body.data ?? null, errors: body.errors ?? [], status: res.status };
  }
  return {
    execute,
    async request<R, V>(document: TypedDocumentNode<R, V>, variables?: V): Promise<R> {
      const r = await execute(document, variables);
      if (r.errors.length || !r.data)
        throw new ApiRequestError(
          r.errors.length ? r.errors : [{ message: `HTTP ${r.status} without data` }],
          r.status,
        );
      return r.data;
    },
  };
}
export type Client = ReturnType<typeof createClient>;
