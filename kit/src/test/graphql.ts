import { randomUUID } from 'node:crypto';
import type { Identity } from '../auth/identity';
import type { Principal } from '../auth/roles';
import type { BaseContext, Subgraph } from '../graphql/subgraph';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface GraphQLResult<T = Record<string, any>> {
  data?: T | null;
  errors?: { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[];
}

export function identity(role: Principal, userId: number | null = 1, email: string | null = null): Identity {
  return {
    role,
    userId,
    email: email ?? (userId ? `user${userId}@test.example` : null),
    requestId: randomUUID(),
  };
}

/** What running an operation in-process needs of a subgraph (a subgraph, or one under test). */
export type Executable<C extends BaseContext> = Pick<Subgraph<C>, 'server' | 'contextFor'>;

/** Runs an operation against a subgraph in-process, as a verified identity (the gateway's job in production). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function execute<T = Record<string, any>, C extends BaseContext = BaseContext>(
  subgraph: Executable<C>,
  who: Identity,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResult<T>> {
  const res = await subgraph.server.executeOperation(
    { query, variables },
    { contextValue: subgraph.contextFor(who) },
  );
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

/**
 * The checks of a list the warehouse ETL extracts incrementally (a connection with
 * filter.updatedFrom and orderBy UPDATED_AT), registered as this file's tests. The data: 250 rows
 * sharing one updated_at with microseconds (…:00.123456, keys TIE-001…TIE-250) and 5 later ones
 * (2025-03-02 08:00:00.000250 + i µs, NEW-1…NEW-5). Pages of 100 give each row exactly once, ties by
 * id in either direction; updatedFrom is inclusive to the millisecond given (a watermark taken from
 * updatedAt, truncated to milliseconds, still includes the row it came from).
 * Returns the page query (`$first`, `$after`, `$updatedFrom`, `$dir`) for the file's own tests.
 */
export function testUpdatedAtFeed(o: {
  /** The list field (customers, products…) and the node field that is its key (code, sku…). */
  list: string;
  key: string;
  /** More node fields to select (resolved on every row of a page). */
  extraFields?: string;
  run: (query: string, variables: Record<string, unknown>) => Promise<GraphQLResult>;
}): string {
  const page = `query($first: Int!, $after: String, $updatedFrom: DateTime, $dir: SortDirection) {
  ${o.list}(first: $first, after: $after, filter: {updatedFrom: $updatedFrom}, orderBy: {field: UPDATED_AT, direction: $dir}) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { ${o.key} updatedAt${o.extraFields ? ` ${o.extraFields}` : ''} } } } }`;
  type Page = {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { node: Record<string, string> }[];
  };
  const extract = async (updatedFrom: string | null, dir: 'ASC' | 'DESC' = 'ASC') => {
    const keys: string[] = [];
    const pages: number[] = [];
    let after: string | null = null;
    for (;;) {
      const d = dataOf(await o.run(page, { first: 100, after, updatedFrom, dir }))[o.list] as Page;
      keys.push(...d.edges.map((e) => e.node[o.key]!));
      pages.push(d.edges.length);
      if (!d.pageInfo.hasNextPage || pages.length > 10) return { keys, pages, totalCount: d.totalCount };
      after = d.pageInfo.endCursor;
    }
  };
  test.each(['ASC', 'DESC'] as const)(
    `250 ${o.list} with one updated_at, 100 a page (%s): each exactly once, ties by id`,
    async (dir) => {
      const { keys, pages, totalCount } = await extract(null, dir);
      expect(totalCount).toBe(255);
      expect(pages).toEqual([100, 100, 55]);
      expect(new Set(keys).size).toBe(255);
      const byId = Array.from({ length: 250 }, (_, i) => `TIE-${String(i + 1).padStart(3, '0')}`);
      expect(keys.filter((k) => k.startsWith('TIE-'))).toEqual(dir === 'ASC' ? byId : byId.reverse());
    },
  );
  test(`updatedFrom keeps only the ${o.list} changed at or after it (inclusive, to the millisecond given)`, async () => {
    const newer = await extract('2025-03-02T08:00:00.000Z');
    expect(newer.keys).toEqual(['NEW-1', 'NEW-2', 'NEW-3', 'NEW-4', 'NEW-5']);
    expect(newer.totalCount).toBe(5);
    expect((await extract('2025-03-01T10:00:00.123Z')).totalCount).toBe(255);
    expect((await extract('2025-03-01T10:00:00.124Z')).totalCount).toBe(5);
    expect((await extract('2030-01-01T00:00:00Z')).keys).toEqual([]);
  });
  return page;
}
