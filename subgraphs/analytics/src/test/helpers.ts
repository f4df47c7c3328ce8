import type { Identity } from '@erp/kit';
import type { BaseContext } from '@erp/kit/graphql';
import type { Value as OlapValue } from '@erp/semantic';
import { execute, type Executable, type GraphQLResult } from '@erp/kit/test/graphql';

export const ANSWER = `fragment A on OlapResult {
  measures dimensions source rollup truncated compare
  period { from to } comparePeriod { from to }
  freshness { runId finishedAt status reconciled }
  rows { members { level key label } values { measure value compared delta deltaPct } }
  totals { measure value compared delta deltaPct }
  pivot { rowLevels columnLevels rowHeaders { level key label } columnHeaders { level key label } cells { row column values { measure value } } }
}`;
export const OLAP = `query($q: OlapQuery!) { olap(query: $q) { ...A } } ${ANSWER}`;
export const DRILL = `query($level: String!, $member: String!, $measures: [String!]!, $time: OlapTimeInput, $filters: [OlapFilter!], $limit: Int) {
  drillDown(level: $level, member: $member, measures: $measures, time: $time, filters: $filters, limit: $limit) { ...A } } ${ANSWER}`;
export const DASHBOARD = `query($kind: DashboardKind!, $period: OlapPeriod!) { dashboard(kind: $kind, period: $period) {
  kind period { from to } freshness { runId reconciled } tiles { id title kind query result { ...A } error { code message } } } } ${ANSWER}`;

/** A value as the test queries select it (no share). */
export type Value = Omit<OlapValue, 'share'>;
export interface Answer {
  measures: string[];
  dimensions: string[];
  source: 'ROLLUP' | 'FACT';
  rollup: string | null;
  truncated: boolean;
  period: { from: string; to: string } | null;
  comparePeriod: { from: string; to: string } | null;
  freshness: { runId: string | null; reconciled: boolean | null };
  rows: { members: { level: string; key: string | null; label: string | null }[]; values: Value[] }[];
  totals: Value[];
  pivot: {
    rowLevels: string[];
    columnLevels: string[];
    rowHeaders: { key: string }[][];
    columnHeaders: { key: string }[][];
    cells: { row: number; column: number; values: { measure: string; value: string | null }[] }[];
  } | null;
}

export function client<C extends BaseContext>(subgraph: Executable<C>) {
  const run = async <T>(
    who: Identity,
    query: string,
    variables: Record<string, unknown>,
  ): Promise<GraphQLResult<T>> => execute<T, C>(subgraph, who, query, variables);
  return {
    run,
    async olap(who: Identity, q: Record<string, unknown>): Promise<Answer> {
      const r = await run<{ olap: Answer }>(who, OLAP, { q });
      if (r.errors?.length) throw new Error(JSON.stringify(r.errors));
      return r.data!.olap;
    },
    async olapError(who: Identity, q: Record<string, unknown>) {
      const r = await run<{ olap: Answer }>(who, OLAP, { q });
      return r.errors?.[0];
    },
  };
}

/** Rows as { 'member/member': [values…] } for comparisons with SQL. */
export const byKey = (a: Answer) =>
  Object.fromEntries(
    a.rows.map((r) => [r.members.map((m) => m.key).join('/'), r.values.map((v) => v.value)]),
  );
