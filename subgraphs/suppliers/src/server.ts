import { readFileSync } from 'node:fs';
import path from 'node:path';
import { allowedRoles, type Logger } from '@erp/kit';
import { createSubgraph, hasRole } from '@erp/kit/graphql';
import { parse } from 'graphql';
import type pg from 'pg';
import { buildContext, type SuppliersContext } from './context';
import { resolvers } from './resolvers';

export const typeDefs = parse(readFileSync(path.join(__dirname, '..', 'schema.graphql'), 'utf8'));

/**
 * Supplier data reached through federation (`_entities`: Supplier, and the fields this subgraph
 * adds to the catalog's Product) follows the same matrix line as `Query.suppliers`: SALES, for one,
 * cannot read it through a product either.
 */
function supplierDataRule() {
  const roles = allowedRoles('Query', 'suppliers');
  if (!roles) throw new Error('kit/src/auth/permissions.ts has no Query.suppliers line');
  return hasRole(roles);
}

/** Builds the suppliers subgraph (tests and the all-in-one start import this). */
export function createSuppliersSubgraph(opts: { pool: pg.Pool; log: Logger; identitySecret: string; production: boolean }) {
  const rule = supplierDataRule();
  return createSubgraph<SuppliersContext>({
    name: 'suppliers',
    typeDefs,
    resolvers,
    context: buildContext,
    fieldRules: { Supplier: { '*': rule }, Product: { suppliers: rule, preferredSupplier: rule } },
    ...opts,
  });
}
