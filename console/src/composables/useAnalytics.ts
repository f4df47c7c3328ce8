import { computed, ref, type Ref } from 'vue';
import { DashboardDocument, RunOlapDocument, SemanticModelDocument, type DashboardKind, type OlapGranularity, type RunOlapQuery } from '@erp/sdk';
import type { ExplorerQuery, ResultSet } from '@/explorer/query';
import type { ModelItem } from '@/components/explorer/QueryBuilder.vue';
import { useApiQuery } from './useApi';

/** The analytics API (issue #5): semantic model, OLAP queries and dashboards on the warehouse. */
export const ANALYTICS_AVAILABLE = true;

export interface SemanticModel {
  measures: ModelItem[];
  dimensions: ModelItem[];
  /** The next level of a level's hierarchy (drill down), or null at the bottom. */
  next: Record<string, string | null>;
}

export function useSemanticModel() {
  const q = useApiQuery(SemanticModelDocument, () => ({}));
  const data = computed<SemanticModel | null>(() => {
    const m = q.data.value?.semanticModel;
    if (!m) return null;
    const levels = m.dimensions.flatMap((d) => d.levels.map((l) => ({ key: l.name, label: `${d.title} › ${l.title}`, child: l.child })));
    return {
      measures: m.measures.map((x) => ({ key: x.name, label: x.title })),
      dimensions: levels.map(({ key, label }) => ({ key, label })),
      next: Object.fromEntries(levels.map((l) => [l.key, l.child])),
    };
  });
  return { data, state: q.state, error: q.error, available: ANALYTICS_AVAILABLE, refetch: q.refetch };
}

type OlapAnswer = RunOlapQuery['olap'];

/** An OLAP answer as the explorer's result set: one column per level (label, key kept for drilling), one per measure. */
export function toResultSet(a: OlapAnswer, titles: Record<string, string> = {}): ResultSet {
  const levels = [...new Set(a.rows.flatMap((r) => r.members.map((m) => m.level)))];
  const columns = [...levels.map((l) => ({ key: l, label: titles[l] ?? l, kind: 'dimension' as const })), ...a.measures.map((m) => ({ key: m, label: titles[m] ?? m, kind: 'measure' as const }))];
  const rows = a.rows.map((r) => {
    const row: Record<string, string | number | null> = {};
    for (const m of r.members) {
      row[m.level] = m.label ?? m.key;
      row[`${m.level}#key`] = m.key;
    }
    for (const v of r.values) row[v.measure] = v.value === null ? null : Number(v.value);
    return row;
  });
  return { columns, rows };
}

export function olapVariables(q: ExplorerQuery) {
  return {
    query: {
      measures: q.measures,
      dimensions: q.dimensions,
      filters: q.filters.map((f) => ({ level: f.dimension, members: f.values })),
      ...(q.from && q.to ? { time: { from: q.from, to: q.to, granularity: q.granularity as OlapGranularity } } : {}),
      limit: 1000,
    },
  };
}

/** Runs the explorer's query when asked (not on every change of the builder). */
export function useOlap(query: Ref<ExplorerQuery>, titles: Ref<Record<string, string>>) {
  const asked = ref<ReturnType<typeof olapVariables> | null>(null);
  const q = useApiQuery(RunOlapDocument, () => asked.value);
  const data = computed(() => (q.data.value ? toResultSet(q.data.value.olap, titles.value) : null));
  async function run() {
    const vars = olapVariables(query.value);
    if (!vars.query.measures.length) return;
    if (JSON.stringify(vars) === JSON.stringify(asked.value)) await q.refetch();
    else asked.value = vars; // the watch runs it
  }
  return { data, state: q.state, error: q.error, answer: q.data, run };
}

export type DashboardLevel = 'strategic' | 'tactical' | 'operational';

/** A dashboard over a period (default: the last 12 months). */
export function useDashboard(level: Ref<DashboardLevel>, period: Ref<{ from: string; to: string }>) {
  const q = useApiQuery(DashboardDocument, () => ({ kind: level.value.toUpperCase() as DashboardKind, period: period.value }));
  const tiles = computed(() => (q.data.value?.dashboard.tiles ?? []).map((t) => ({ id: t.id, title: t.title, kind: t.kind, result: toResultSet(t.result) })));
  return { data: q.data, tiles, state: q.state, error: q.error, refetch: q.refetch, available: ANALYTICS_AVAILABLE };
}

