import type { BaseContext } from '@erp/kit/graphql';
import type { CustomerDirectory, Inventory } from './inventory';
import { createLoaders, type Loaders } from './loaders';

export interface SalesContext extends BaseContext {
  loaders: Loaders;
  /** The stock, owned by the catalog domain: reached through its API only. */
  inventory: Inventory;
  /** The customers, owned by the customers domain: checked through its API. */
  customers: CustomerDirectory;
}

export const contextBuilder =
  (inventory: Inventory, customers: CustomerDirectory) =>
  (base: BaseContext): SalesContext => ({
    ...base,
    inventory,
    customers,
    loaders: createLoaders(base.pool, base.identity),
  });
