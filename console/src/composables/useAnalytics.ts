import { ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import type { ApiFailure } from '@/api/errors';
import type { ExplorerQuery, ResultSet } from '@/explorer/query';
import type { ModelItem } from '@/components/explorer/QueryBuilder.vue';
import type { LoadState } from './useApi';

/**
 * The analytics API (semanticModel, olap, drillDown, dashboard: issues #5–#7) is not in the SDK yet
 * (no OlapDocument in sdk/src/generated/graphql.ts). Until it is, these composables say so
 * (`available: false`, state idle) and the pages show their frame: no data is made up.
 */
export const ANALYTICS_AVAILABLE = false;

export interface SemanticModel {
  measures: ModelItem[];
  dimensions: ModelItem[];
  /** The next level of a dimension's hierarchy (drill down), or null at the bottom. */
  next: Record<string, string | null>;
}

interface Pending<T> {
  data: ShallowRef<T | null>;
  state: Ref<LoadState>;
  error: ShallowRef<ApiFailure | null>;
  available: boolean;
}

function pending<T>(): Pending<T> {
  return { data: shallowRef<T | null>(null), state: ref<LoadState>('idle'), error: shallowRef<ApiFailure | null>(null), available: ANALYTICS_AVAILABLE };
}

export function useSemanticModel(): Pending<SemanticModel> {
  return pending<SemanticModel>();
}

export function useOlap(_query: Ref<ExplorerQuery>): Pending<ResultSet> & { run(): Promise<void> } {
  return { ...pending<ResultSet>(), run: async () => undefined };
}

export type DashboardLevel = 'strategic' | 'tactical' | 'operational';
export function useDashboard(_level: Ref<DashboardLevel>): Pending<unknown> {
  return pending<unknown>();
}
