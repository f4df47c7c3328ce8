import { ApiRequestError, createClient, LoginDocument, type ApiError, type Client } from '@erp/sdk';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

/** A subgraph (or the gateway) could not be reached: the entity depending on it fails, the others go on. */
export class SourceUnavailableError extends Error {
  override name = 'SourceUnavailableError';
}

const UNAVAILABLE_CODES = new Set(['DOWNSTREAM_SERVICE_ERROR', 'SERVICE_UNAVAILABLE']);
// The ETL only reads: a masked internal error (a subgraph's statement timeout on a loaded server) is retried too.
const RETRYABLE_CODES = new Set([
  'RATE_LIMITED',
  'DOWNSTREAM_SERVICE_ERROR',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
]);

export interface EtlApi {
  client: Client;
  /** A typed request with retries on transient failures and one re-login on an expired token. */
  query<R, V>(document: TypedDocumentNode<R, V>, variables: V, what: string): Promise<R>;
  /** Partial data and errors (used for the source totals, served by two subgraphs). */
  execute: Client['execute'];
}

export interface ApiOptions {
  gatewayUrl: string;
  credentials?: { email: string; password: string };
  token?: string;
  retries?: number;
  retryDelayMs?: number;
}

/** Logs in (unless given a token) and returns the ETL's API access, through the typed SDK only. */
export async function connectApi(opts: ApiOptions): Promise<EtlApi> {
  let token = opts.token;
  const anonymous = createClient({ url: opts.gatewayUrl });
  async function login(): Promise<void> {
    if (!opts.credentials)
      throw new Error('The API token expired and no credentials were given to log in again');
    try {
      const r = await anonymous.request(LoginDocument, {
        email: opts.credentials.email,
        password: opts.credentials.password,
      });
      token = r.login.accessToken;
    } catch (err) {
      if (err instanceof ApiRequestError)
        throw new Error(`ETL login as ${opts.credentials.email} failed: ${err.message}`);
      throw new SourceUnavailableError(
        `The gateway at ${opts.gatewayUrl} cannot be reached: ${(err as Error).message}`,
      );
    }
  }
  if (!token) await login();
  const client = createClient({ url: opts.gatewayUrl, token: () => token, timeoutMs: 60_000 });
  const retries = opts.retries ?? 2;
  const delay = opts.retryDelayMs ?? 500;

  async function query<R, V>(document: TypedDocumentNode<R, V>, variables: V, what: string): Promise<R> {
    let relogged = false;
    for (let attempt = 0; ; attempt++) {
      let errors: ApiError[];
      try {
        const r = await client.execute(document, variables);
        if (!r.errors.length && r.data) return r.data;
        errors = r.errors.length ? r.errors : [{ message: `HTTP ${r.status} without data` }];
      } catch (err) {
        // fetch failed, connection refused, timeout: the gateway is unreachable
        if (attempt < retries) {
          await sleep(delay * 2 ** attempt);
          continue;
        }
        throw new SourceUnavailableError(
          `${what}: the gateway cannot be reached (${(err as Error).message})`,
        );
      }
      const codes = errors.map((e) => e.extensions?.code ?? '');
      if (codes.includes('UNAUTHENTICATED') && !relogged && opts.credentials) {
        relogged = true;
        await login();
        continue;
      }
      if (codes.some((c) => RETRYABLE_CODES.has(c)) && attempt < retries) {
        await sleep(delay * 2 ** attempt);
        continue;
      }
      const message = errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; ');
      if (codes.some((c) => UNAVAILABLE_CODES.has(c)))
        throw new SourceUnavailableError(`${what}: a subgraph is unavailable (${message})`);
      throw new ApiRequestError(errors, 200);
    }
  }
  return { client, query, execute: client.execute };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
