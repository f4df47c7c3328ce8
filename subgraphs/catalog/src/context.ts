import type { BaseContext } from '@erp/kit/graphql';
import { createLoaders, type Loaders } from './loaders';

export interface CatalogContext extends BaseContext {
  loaders: Loaders;
}

export const buildContext = (base: BaseContext): CatalogContext => ({
  ...base,
  loaders: createLoaders(base.pool),
});
