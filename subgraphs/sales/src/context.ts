import type { BaseContext } from '@erp/kit/graphql';
import type { Inventory } from './inventory';
import { createLoaders, type Loaders } from './loaders';

export interface SalesContext extends BaseContext {
  loaders: Loaders;
  /** The stock, owned by the catalog domain: reached through its API only. */
  inventory: Inventory;
}

export const contextBuilder =
  (inventory: Inventory) =>
  (base: BaseContext): SalesContext => ({ ...base, inventory, loaders: createLoaders(base.pool, base.identity) });
