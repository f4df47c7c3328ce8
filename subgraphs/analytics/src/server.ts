import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSubgraph, type SubgraphBase } from '@erp/kit/graphql';
import { parse } from 'graphql';
import { buildContext, type AnalyticsContext } from './context';
import { resolvers } from './resolvers';

/**
 * How long the warehouse's connections stay open unused (createPool's idleTimeout): 10 minutes, so
 * a dashboard opened after a pause does not run each tile on a new connection, whose first query is
 * 15–40 ms slower while its caches fill (top countries at 10M fact lines: 37–64 ms, then 20 ms; psql).
 */
export const ANALYTICS_POOL_IDLE_MS = 600_000;

export const typeDefs = parse(readFileSync(path.join(__dirname, '..', 'schema.graphql'), 'utf8'));

/**
 * Builds the analytics subgraph on the warehouse's pool (tests and the all-in-one start import
 * this). The warehouse is migrated first (migrateDwh): its tables, `analytics` included, are the
 * warehouse migrations'.
 */
export async function createAnalyticsSubgraph(opts: SubgraphBase) {
  return createSubgraph<AnalyticsContext>({
    name: 'analytics',
    typeDefs,
    resolvers,
    context: buildContext,
    ...opts,
  });
}

/** For tests and tools: recompute the rollups (`refreshRollups(dwhPool, { fromDate, toDate } | 'all')`); the pipeline's rollups stage calls refreshStaleRollups. */
export { markRollupsCurrent, refreshRollups, rollupIsFresh, type RefreshResult } from '@erp/semantic';
