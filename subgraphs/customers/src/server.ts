import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONTACT_DATA_ROLES, type Role } from '@erp/kit';
import { createSubgraph, type BaseContext, type SubgraphBase } from '@erp/kit/graphql';
import { parse } from 'graphql';
import { rule } from 'graphql-shield';
import { buildContext, type CustomersContext } from './context';
import { resolvers } from './resolvers';

export const typeDefs = parse(readFileSync(path.join(__dirname, '..', 'schema.graphql'), 'utf8'));

/** Personal contact data (e-mail, phone, contacts): ADMIN, MANAGER, SALES and the gateway itself; never ANALYST. */
const canSeeContactData = rule('customers:contact-data', { cache: 'contextual' })(
  (_p, _a, ctx: BaseContext) =>
    ctx.identity?.role === 'SERVICE' || CONTACT_DATA_ROLES.includes(ctx.identity?.role as Role),
);

/** Field rules on top of the role matrix: denied fields resolve to null with a FORBIDDEN error. */
export const fieldRules = {
  Customer: { email: canSeeContactData, phone: canSeeContactData, contacts: canSeeContactData },
  CustomerContact: { '*': canSeeContactData },
};

/** Builds the customers subgraph (tests and the all-in-one start import this). */
export function createCustomersSubgraph(opts: SubgraphBase) {
  return createSubgraph<CustomersContext>({
    name: 'customers',
    typeDefs,
    resolvers,
    fieldRules,
    context: buildContext,
    ...opts,
  });
}
