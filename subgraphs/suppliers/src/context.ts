import type { BaseContext } from '@erp/kit/graphql';
import { createLoaders, type Loaders } from './loaders';
import type { PurchaseStock } from './stock';

export interface SuppliersContext extends BaseContext {
  loaders: Loaders;
  /** The catalog's stock, for receipts and replenishment (a fault when the subgraph was built without it). */
  stock: () => PurchaseStock;
}

/** The catalog client, or a fault naming the missing wiring (a standalone subgraph without the catalog cannot receive goods). */
export const contextBuilder =
  (stock: PurchaseStock | undefined) =>
  (base: BaseContext): SuppliersContext => ({
    ...base,
    loaders: createLoaders(base.pool),
    stock: () => {
      if (!stock)
        throw new Error(
          'suppliers subgraph built without the catalog stock client (createSuppliersSubgraph({ stock }))',
        );
      return stock;
    },
  });
