import { computed, ref, type Ref } from 'vue';
import {
  RunOlapDocument,
  SemanticModelDocument,
  type OlapGranularity,
  type OlapQuery,
  type RunOlapQuery,
} from '@erp/sdk';
import type { ExplorerQuery, ResultSet } from '@/explorer/query';
import type { ModelItem } from '@/components/explorer/QueryBuilder.vue';
import { useI18n } from 'vue-i18n';
import { MEASURES, MONEY } from '@erp/semantic/model';
import { formatMeasure, formatMember, type FormatOptions, type MeasureFormat } from '@/analytics/format';
import { useApiQuery } from './useApi';

export interface SemanticModel {
  measures: ModelItem[];
  dimensions: ModelItem[];
  /** The next level of a level's hierarchy (drill down), or null at the bottom. */
  next: Record<string, string | null>;
  /** Unit and display format of each measure. */
  formats: Record<string, MeasureFormat>;
  /** Whether a measure sums over every dimension (a pivot's totals are sums only then). */
  additive: Record<string, boolean>;
  /** The roles that may read each measure. */
  roles: Record<string, readonly string[]>;
  /** The API's (English) titles, the fallback when the console has no translation. */
  titles: Record<string, string>;
}

export function useSemanticModel() {
  const q = useApiQuery(SemanticModelDocument, () => ({}));
  const { t, te } = useI18n();
  const data = computed<SemanticModel | null>(() => {
    const m = q.data.value?.semanticModel;
    if (!m) return null;
    const titles: Record<string, string> = Object.fromEntries([
      ...m.measures.map((x) => [x.name, x.title]),
      ...m.dimensions.flatMap((d) => d.levels.map((l) => [l.name, l.title])),
    ]);
    // labels in the UI language, keyed by the model's ids (never the raw id)
    const tr = (key: string, fallback: string) => (te(key) ? t(key) : fallback);
    const levels = m.dimensions.flatMap((d) =>
      d.levels.map((l) => ({
        key: l.name,
        label: `${tr(`model.dimensions.${d.name}`, d.title)} › ${tr(`model.levels.${l.name}`, l.title)}`,
        child: l.child,
      })),
    );
    return {
      measures: m.measures.map((x) => ({ key: x.name, label: tr(`model.measures.${x.name}`, x.title) })),
      dimensions: levels.map(({ key, label }) => ({ key, label })),
      next: Object.fromEntries(levels.map((l) => [l.key, l.child])),
      formats: Object.fromEntries(m.measures.map((x) => [x.name, { unit: x.unit, format: x.format }])),
      additive: Object.fromEntries(m.measures.map((x) => [x.name, x.additivity === 'ADDITIVE'])),
      roles: Object.fromEntries(m.measures.map((x) => [x.name, x.roles])),
      titles,
    };
  });
  return { data, state: q.state, error: q.error, refetch: q.refetch };
}

/** Short labels of measures and levels in the UI language ("Category", not "Product › Category", never `product.category`). */
export function useLabels(model: Ref<SemanticModel | null>) {
  const { t, te, locale } = useI18n();
  const measure = (id: string) =>
    te(`model.measures.${id}`) ? t(`model.measures.${id}`) : (model.value?.titles[id] ?? humanize(id));
  const level = (id: string) =>
    te(`model.levels.${id}`) ? t(`model.levels.${id}`) : (model.value?.titles[id] ?? humanize(id));
  const label = (id: string) =>
    te(`model.measures.${id}`) || model.value?.formats[id] ? measure(id) : level(id);
  const format = (id: string): MeasureFormat | undefined => model.value?.formats[id] ?? FALLBACK_FORMATS[id];
  const fmt = (id: string, v: string | number | null | undefined, o?: FormatOptions) =>
    formatMeasure(v, format(id), locale.value, o);
  /** A member's name: translated when it is a code (segments, statuses), else the API's label. */
  const memberName = (lvl: string, key: string | null | undefined, lbl: string | null | undefined) => {
    const k = `model.members.${lvl}.${key ?? ''}`;
    return key && /^[A-Z_]+$/.test(key) && te(k) ? t(k) : (lbl ?? key ?? '—');
  };
  /** The same for display: months and days in words too ("mars 2025"). */
  const member = (lvl: string, key: string | null | undefined, lbl: string | null | undefined) =>
    formatMember(lvl, key, memberName(lvl, key, lbl), locale.value);
  return { measure, level, label, format, fmt, memberName, member, locale };
}
export type Labels = ReturnType<typeof useLabels>;

/**
 * Before the API's model arrives (or when it cannot be read): units and formats from the one semantic
 * model; money has no unit until the API says the installation's currency (never a guessed one).
 */
const FALLBACK_FORMATS: Record<string, MeasureFormat> = Object.fromEntries(
  MEASURES.map((m) => [m.name, { unit: m.unit === MONEY ? '' : m.unit, format: m.format }]),
);

/** Last resort for an id the console does not know: `product.subCategory` → "Sub category". */
function humanize(id: string): string {
  const last = id.split('.').pop() ?? id;
  const words = last.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

type OlapAnswer = RunOlapQuery['olap'];

/** An OLAP answer as the explorer's result set: one column per level (label, key kept for drilling), one per measure. */
export function toResultSet(
  a: OlapAnswer,
  titles: Record<string, string> = {},
  memberName?: (level: string, key: string | null | undefined, label: string | null | undefined) => string,
): ResultSet {
  const levels = [...new Set(a.rows.flatMap((r) => r.members.map((m) => m.level)))];
  const columns = [
    ...levels.map((l) => ({ key: l, label: titles[l] ?? l, kind: 'dimension' as const })),
    ...a.measures.map((m) => ({ key: m, label: titles[m] ?? m, kind: 'measure' as const })),
  ];
  const rows = a.rows.map((r) => {
    const row: Record<string, string | number | null> = {};
    for (const m of r.members) {
      row[m.level] = memberName ? memberName(m.level, m.key, m.label) : (m.label ?? m.key);
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
      ...(q.from && q.to
        ? {
            time: {
              from: q.from,
              to: q.to,
              ...(q.granularity === 'NONE' ? {} : { granularity: q.granularity as OlapGranularity }),
            },
          }
        : {}),
      limit: 1000,
    },
  };
}

/** Runs the explorer's query when asked (not on every change of the builder). */
export function useOlap(
  query: Ref<ExplorerQuery>,
  titles: Ref<Record<string, string>>,
  memberName?: Parameters<typeof toResultSet>[2],
) {
  const asked = ref<ReturnType<typeof olapVariables> | null>(null);
  const q = useApiQuery(RunOlapDocument, () => asked.value);
  const data = computed(() =>
    q.data.value ? toResultSet(q.data.value.olap, titles.value, memberName) : null,
  );
  async function run() {
    const vars = olapVariables(query.value);
    if (!vars.query.measures.length) return;
    if (JSON.stringify(vars) === JSON.stringify(asked.value)) await q.refetch();
    else asked.value = vars; // the watch runs it
  }
  return { data, state: q.state, error: q.error, answer: q.data, run };
}

/** One dashboard tile: its own OLAP query, so each tile shows its own progress, answer or error. */
export function useTileQuery(query: Ref<OlapQuery | null>) {
  return useApiQuery(RunOlapDocument, () => (query.value ? { query: query.value } : null));
}
