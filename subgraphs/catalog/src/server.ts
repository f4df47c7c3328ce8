import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSubgraph, type SubgraphBase } from '@erp/kit/graphql';
import { parse } from 'graphql';
import { buildContext, type CatalogContext } from './context';
import { resolvers } from './resolvers';

export const typeDefs = parse(readFileSync(path.join(__dirname, '..', 'schema.graphql'), 'utf8'));

/** Builds the catalog subgraph (tests and the all-in-one start import this). */
export function createCatalogSubgraph(opts: SubgraphBase) {
  return createSubgraph<CatalogContext>({
    name: 'catalog',
    typeDefs,
    resolvers,
    context: buildContext,
    ...opts,
  });
}
