import type { BaseContext } from '@erp/kit/graphql';
import { createLoaders, type Loaders } from './loaders';

export interface CustomersContext extends BaseContext {
  /**
   * Row-level scope: the user id whose customers the caller may see (a SALES user: their own), or
   * null for roles that see every customer. A SALES identity without a user id sees nothing.
   */
  salesRepScope: number | null;
  loaders: Loaders;
}

export function salesRepScopeOf(identity: BaseContext['identity']): number | null {
  return identity?.role === 'SALES' ? (identity.userId ?? 0) : null;
}

export const buildContext = (base: BaseContext): CustomersContext => {
  const salesRepScope = salesRepScopeOf(base.identity);
  return { ...base, salesRepScope, loaders: createLoaders(base.pool, salesRepScope) };
};
