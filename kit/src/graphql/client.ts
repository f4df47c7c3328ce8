import { IDENTITY_HEADER, signIdentity, type Identity } from '../auth/identity';
import { AppError, ConflictError, ForbiddenError } from '../errors';
import type { BaseContext, Subgraph } from './subgraph';

// One subgraph calling another's internal operations (sales → catalog, suppliers → catalog…):
// how an operation runs (over HTTP with a signed identity, or in process) and how the other side's
// typed errors come back as ours.

export interface GraphQLErrorLike {
  message: string;
  extensions?: Record<string, unknown>;
}

export interface SubgraphResult {
  data?: unknown;
  errors?: readonly GraphQLErrorLike[];
}

/** Runs one operation on the other subgraph as `identity`. */
export type SubgraphRun = (
  identity: Identity,
  query: string,
  variables: Record<string, unknown>,
) => Promise<SubgraphResult>;

/** Runs operations on a subgraph over HTTP with a signed identity (`url` may be known only once it listens). */
export function httpSubgraphRun(
  url: string | (() => string),
  identitySecret: string,
  timeoutMs: number,
): SubgraphRun {
  return async (identity, query, variables) => {
    const target = typeof url === 'function' ? url() : url;
    const res = await fetch(target, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [IDENTITY_HEADER]: await signIdentity(identitySecret, identity),
      },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await res.json().catch(() => undefined)) as SubgraphResult | undefined;
    if (body?.errors?.length) return body;
    if (!res.ok || !body) throw new Error(`subgraph at ${target} answered HTTP ${res.status}`);
    return body;
  };
}

/** Runs operations on a subgraph in this process (SUBGRAPH_TRANSPORT=local, tests): same rules, no HTTP. */
export function localSubgraphRun<C extends BaseContext>(subgraph: Subgraph<C>): SubgraphRun {
  return async (identity, query, variables) => {
    const res = await subgraph.server.executeOperation(
      { query, variables },
      { contextValue: subgraph.contextFor(identity) },
    );
    if (res.body.kind !== 'single') throw new Error('incremental delivery not expected');
    return res.body.singleResult as SubgraphResult;
  };
}

/**
 * Another subgraph's GraphQL error back as the typed error it was thrown as over there (`origin`
 * prefixes the message the user sees). Anything else is a fault: logged and masked.
 */
export function remoteError(e: GraphQLErrorLike, origin: string): Error {
  const x = e.extensions ?? {};
  const field = typeof x.field === 'string' ? { field: x.field } : {};
  switch (x.code) {
    case 'BAD_USER_INPUT':
      return new AppError('VALIDATION', `${origin}: ${e.message}`, field);
    case 'NOT_FOUND':
      return new AppError('NOT_FOUND', `${origin}: ${e.message}`);
    case 'CONFLICT':
      return new ConflictError(`${origin}: ${e.message}`, field);
    case 'FORBIDDEN':
      return new ForbiddenError(`${origin}: ${e.message}`);
    default:
      // UNAUTHENTICATED (secrets differ), INTERNAL_SERVER_ERROR…
      return new Error(
        `${origin.toLowerCase()} subgraph failed: ${e.message} (${String(x.code ?? 'no code')})`,
      );
  }
}

/** Runs the operation and returns its data; the first error is thrown as `toError` makes it. */
export async function askSubgraph(
  run: SubgraphRun,
  identity: Identity,
  query: string,
  variables: Record<string, unknown>,
  toError: (e: GraphQLErrorLike) => Error,
): Promise<Record<string, unknown> | undefined> {
  const res = await run(identity, query, variables);
  const first = res.errors?.[0];
  if (first) throw toError(first);
  return res.data as Record<string, unknown> | undefined;
}
