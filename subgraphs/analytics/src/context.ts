import type { BaseContext } from '@erp/kit/graphql';

/** `pool` is the warehouse's (DWH) pool: this subgraph never reads the OLTP. */
export type AnalyticsContext = BaseContext;

export const buildContext = (base: BaseContext): AnalyticsContext => base;
