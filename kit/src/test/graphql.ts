import { randomUUID } from 'node:crypto';
import type { Identity } from '../auth/identity';
import type { Principal } from '../auth/roles';
import type { BaseContext, Subgraph } from '../graphql/subgraph';

export interface GraphQLResult<T = Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  data?: T | null;
  errors?: { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[];
}

export function identity(role: Principal, userId: number | null = 1, email: string | null = null): Identity {
  return { role, userId, email: email ?? (userId ? `user${userId}@test.example` : null), requestId: randomUUID() };
}

/** Runs an operation against a subgraph in-process, as a verified identity (the gateway's job in production). */
export async function execute<T = Record<string, any>>( // eslint-disable-line @typescript-eslint/no-explicit-any
  subgraph: Subgraph<BaseContext>,
  who: Identity,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResult<T>> {
  const res = await subgraph.server.executeOperation({ query, variables }, { contextValue: subgraph.contextFor(who) });
  if (res.body.kind !== 'single') throw new Error('incremental delivery not expected');
  return res.body.singleResult as GraphQLResult<T>;
}

/** The data of a result, or a readable failure listing its errors. */
export function dataOf<T>(result: GraphQLResult<T>): T {
  if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors, null, 2)}`);
  return result.data as T;
}

export const quietLogger = () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pino = require('pino') as typeof import('pino');
  return pino.default({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
};
