import type { RunOlapQuery } from '@erp/sdk';
import { toNumber } from './format';

/** The charts' colours, one a series or slice, in this order. */
export const PALETTE = [
  '#2563eb',
  '#f59e0b',
  '#10b981',
  '#8b5cf6',
  '#ef4444',
  '#06b6d4',
  '#84cc16',
  '#ec4899',
  '#94a3b8',
];

/** Chart series out of OLAP answers (pure: tested without a browser). */
export type OlapAnswer = RunOlapQuery['olap'];
type Member = { level: string; key?: string | null; label?: string | null };

export interface Point {
  key: string;
  label: string;
  level: string;
  value: number | null;
  compared: number | null;
}

const valueOf = (values: readonly { measure: string; value?: string | null }[], measure: string) =>
  toNumber(values.find((v) => v.measure === measure)?.value);

/** One point per row, for one measure (its compared value too): bars, donuts, lines. */
export function points(a: OlapAnswer, measure: string = a.measures[0] ?? ''): Point[] {
  return a.rows.map((r) => {
    const m: Member = r.members[0] ?? { level: '', key: '', label: '' };
    const v = r.values.find((x) => x.measure === measure);
    return {
      key: m.key ?? m.label ?? '',
      label: m.label ?? m.key ?? '—',
      level: m.level,
      value: toNumber(v?.value),
      compared: toNumber(v?.compared),
    };
  });
}

export interface Stacked {
  /** The row members (months), in order. */
  categories: { key: string; label: string; level: string }[];
  /** One series per column member (the biggest first), the smallest folded into "others". */
  series: { key: string; name: string; data: (number | null)[] }[];
}

/**
 * Rows × columns of one measure out of a pivot answer (or out of rows of two members), keeping the
 * `max` biggest column members and folding the others into one series named `othersName`.
 */
export function stacked(a: OlapAnswer, measure: string, max: number, othersName: string): Stacked {
  const cats: Stacked['categories'] = [];
  const catIndex = new Map<string, number>();
  const cols = new Map<string, { name: string; data: Map<number, number>; total: number }>();
  const category = (row: Member) => {
    const rk = row.key ?? row.label ?? '';
    if (!catIndex.has(rk)) {
      catIndex.set(rk, cats.length);
      cats.push({ key: rk, label: row.label ?? rk, level: row.level });
    }
    return catIndex.get(rk)!;
  };
  const add = (row: Member, col: Member, v: number | null) => {
    const i = category(row);
    const ck = col.key ?? col.label ?? '';
    if (!cols.has(ck)) cols.set(ck, { name: col.label ?? ck, data: new Map(), total: 0 });
    if (v === null) return;
    const c = cols.get(ck)!;
    c.data.set(i, (c.data.get(i) ?? 0) + v);
    c.total += v;
  };
  if (a.pivot && a.pivot.rowHeaders.length) {
    for (const h of a.pivot.rowHeaders) if (h[0]) category(h[0]);
    for (const cell of a.pivot.cells) {
      const row = a.pivot.rowHeaders[cell.row]?.[0];
      const col = a.pivot.columnHeaders[cell.column]?.[0];
      if (row && col) add(row, col, valueOf(cell.values, measure));
    }
  } else {
    for (const r of a.rows) {
      const [row, col] = r.members;
      if (row && col) add(row, col, valueOf(r.values, measure));
    }
  }
  const ranked = [...cols.entries()].sort((x, y) => y[1].total - x[1].total);
  const kept = ranked.slice(0, max);
  const rest = ranked.slice(max);
  const toData = (d: Map<number, number>) =>
    cats.map((_, i) => (d.has(i) ? Math.round(d.get(i)! * 100) / 100 : null));
  const series = kept.map(([key, c]) => ({ key, name: c.name, data: toData(c.data) }));
  if (rest.length) {
    const merged = new Map<number, number>();
    for (const [, c] of rest) for (const [i, v] of c.data) merged.set(i, (merged.get(i) ?? 0) + v);
    series.push({ key: '__others', name: othersName, data: toData(merged) });
  }
  return { categories: cats, series };
}
