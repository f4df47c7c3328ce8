import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '@erp/kit';
import { createSubgraph } from '@erp/kit/graphql';
import { parse } from 'graphql';
import type pg from 'pg';
import { contextBuilder, type SalesContext } from './context';
import type { CustomerDirectory, Inventory } from './inventory';
import { resolvers } from './resolvers';

export { httpCustomers, httpInventory, localCustomers, localInventory, type CustomerDirectory, type Inventory } from './inventory';

export const typeDefs = parse(readFileSync(path.join(__dirname, '..', 'schema.graphql'), 'utf8'));

/**
 * Builds the sales subgraph (tests and the all-in-one start import this). `inventory` reaches the
 * stock of the catalog domain: `httpInventory(CATALOG_URL, secret)` or `localInventory(catalog)`;
 * `customers` the customers domain, which order references are checked against.
 */
export function createSalesSubgraph(opts: {
  pool: pg.Pool;
  log: Logger;
  identitySecret: string;
  production: boolean;
  inventory: Inventory;
  customers: CustomerDirectory;
}) {
  const { inventory, customers, ...rest } = opts;
  return createSubgraph<SalesContext>({ name: 'sales', typeDefs, resolvers, context: contextBuilder(inventory, customers), ...rest });
}
