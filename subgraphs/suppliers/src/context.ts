import type { BaseContext } from '@erp/kit/graphql';
import { createLoaders, type Loaders } from './loaders';

export interface SuppliersContext extends BaseContext {
  loaders: Loaders;
}

export const buildContext = (base: BaseContext): SuppliersContext => ({ ...base, loaders: createLoaders(base.pool) });
