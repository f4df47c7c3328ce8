import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONTACT_DATA_ROLES, type Role } from '@erp/kit';
import { createSubgraph, type BaseContext, type SubgraphBase } from '@erp/kit/graphql';
import { parse } from 'graphql';
import { rule } from 'graphql-shield';
import { contextBuilder, type SalesContext } from './context';
import type { CustomerDirectory, Inventory } from './inventory';
import { resolvers } from './resolvers';

export {
  httpCustomers,
  httpInventory,
  localCustomers,
  localInventory,
  type CustomerDirectory,
  type Inventory,
} from './inventory';
export { sweepReservations, type SweepResult } from './services/sweeper';

export const typeDefs = parse(readFileSync(path.join(__dirname, '..', 'schema.graphql'), 'utf8'));

/** A ship-to's addressee and street are contact data: ADMIN, MANAGER, SALES and the gateway itself; never ANALYST. */
const canSeeContactData = rule('sales:contact-data', { cache: 'contextual' })(
  (_p, _a, ctx: BaseContext) =>
    ctx.identity?.role === 'SERVICE' || CONTACT_DATA_ROLES.includes(ctx.identity?.role as Role),
);
export const fieldRules = {
  ShipTo: { name: canSeeContactData, address: canSeeContactData, postalCode: canSeeContactData },
};

/**
 * Builds the sales subgraph (tests and the all-in-one start import this). `inventory` reaches the
 * stock of the catalog domain: `httpInventory(CATALOG_URL, secret)` or `localInventory(catalog)`;
 * `customers` the customers domain, which order references are checked against.
 */
export function createSalesSubgraph(
  opts: SubgraphBase & {
    inventory: Inventory;
    customers: CustomerDirectory;
  },
) {
  const { inventory, customers, ...rest } = opts;
  return createSubgraph<SalesContext>({
    name: 'sales',
    typeDefs,
    resolvers,
    fieldRules,
    context: contextBuilder(inventory, customers),
    ...rest,
  });
}
