import { readFileSync } from 'node:fs';
import path from 'node:path';
import { allowedRoles } from '@erp/kit';
import { createSubgraph, hasRole, type SubgraphBase } from '@erp/kit/graphql';
import { parse } from 'graphql';
import { contextBuilder, type SuppliersContext } from './context';
import { resolvers } from './resolvers';
import type { PurchaseStock } from './stock';

export { httpPurchaseStock, localPurchaseStock, type PurchaseStock } from './stock';
export type { ReplenishmentRow } from './rows';

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

function purchaseOrderRule() {
  const roles = allowedRoles('Query', 'purchaseOrders');
  if (!roles) throw new Error('kit/src/auth/permissions.ts has no Query.purchaseOrders line');
  return hasRole(roles);
}

/**
 * Builds the suppliers subgraph (tests and the all-in-one start import this). `stock` is the
 * catalog's stock (purchase receipts post through it); without it, receiving and replenishment fail.
 */
export function createSuppliersSubgraph(
  opts: SubgraphBase & {
    stock?: PurchaseStock;
  },
) {
  const rule = supplierDataRule();
  const { stock, ...rest } = opts;
  return createSubgraph<SuppliersContext>({
    name: 'suppliers',
    typeDefs,
    resolvers,
    context: contextBuilder(stock),
    // A purchase order reached through federation follows Query.purchaseOrders' line of the matrix.
    fieldRules: {
      Supplier: { '*': rule },
      Product: { suppliers: rule, preferredSupplier: rule },
      PurchaseOrder: { '*': purchaseOrderRule() },
    },
    ...rest,
  });
}
