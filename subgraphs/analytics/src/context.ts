import type { BaseContext } from '@erp/kit/graphql';
import { createLoaders, type Loaders } from './loaders';

/** `pool` is the warehouse's (DWH) pool: this subgraph never reads the OLTP. */
export interface AnalyticsContext extends BaseContext {
  loaders: Loaders;
}

export const buildContext = (base: BaseContext): AnalyticsContext => ({ ...base, loaders: createLoaders(base.pool) });
