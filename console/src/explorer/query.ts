/**
 * The OLAP explorer's query, independent of the page: what is asked (measures by dimensions, with
 * filters and a time granularity), how it is shown (table or chart, pivoted or not) and the drill
 * path. It round-trips through the URL's query string so a view can be shared.
 */
/** NONE: the time range only filters (no row per period). */
export const GRANULARITIES = ['NONE', 'DAY', 'MONTH', 'QUARTER', 'YEAR'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

export interface ExplorerFilter {
  dimension: string;
  values: string[];
}

export interface SortBy {
  /** A column's key (a measure or a level). */
  key: string;
  dir: 'asc' | 'desc';
}

/** How charts draw a result: chosen by the user, or `auto` (a line along time, bars otherwise). */
export const CHART_TYPES = ['auto', 'bar', 'stacked', 'line', 'area', 'pie'] as const;
export type ChartType = (typeof CHART_TYPES)[number];

export interface DrillStep {
  dimension: string;
  member: string;
}

export interface ExplorerQuery {
  measures: string[];
  dimensions: string[];
  filters: ExplorerFilter[];
  granularity: Granularity;
  /** Time range, inclusive days YYYY-MM-DD ('' = none). */
  from: string;
  to: string;
  view: 'table' | 'chart';
  pivot: boolean;
  drill: DrillStep[];
  /** Row order of the table (null: as the API answers). */
  sort: SortBy | null;
  chart: ChartType;
}

export function emptyQuery(): ExplorerQuery {
  return {
    measures: [],
    dimensions: [],
    filters: [],
    granularity: 'MONTH',
    from: '',
    to: '',
    view: 'table',
    pivot: false,
    drill: [],
    sort: null,
    chart: 'auto',
  };
}

const list = (v: string | null | undefined) =>
  v ? v.split(',').map(decodeURIComponent).filter(Boolean) : [];
const joinList = (xs: string[]) => xs.map(encodeURIComponent).join(',');

/** The query as URL search parameters (only what differs from the empty query). */
export function toSearchParams(q: ExplorerQuery): URLSearchParams {
  const p = new URLSearchParams();
  if (q.measures.length) p.set('m', joinList(q.measures));
  if (q.dimensions.length) p.set('d', joinList(q.dimensions));
  for (const f of q.filters) p.append('f', `${encodeURIComponent(f.dimension)}:${joinList(f.values)}`);
  if (q.granularity !== 'MONTH') p.set('g', q.granularity);
  if (q.from) p.set('from', q.from);
  if (q.to) p.set('to', q.to);
  if (q.view !== 'table') p.set('v', q.view);
  if (q.pivot) p.set('p', '1');
  for (const s of q.drill)
    p.append('dr', `${encodeURIComponent(s.dimension)}:${encodeURIComponent(s.member)}`);
  if (q.sort) p.set('s', `${encodeURIComponent(q.sort.key)}:${q.sort.dir}`);
  if (q.chart !== 'auto') p.set('c', q.chart);
  return p;
}

/** Back from the URL: anything unknown or malformed falls back to the default. */
export function fromSearchParams(
  input: URLSearchParams | string | Record<string, string | string[] | null | undefined>,
): ExplorerQuery {
  let p: URLSearchParams;
  if (input instanceof URLSearchParams) p = input;
  else if (typeof input === 'string') p = new URLSearchParams(input);
  else {
    p = new URLSearchParams();
    for (const [k, v] of Object.entries(input))
      for (const x of Array.isArray(v) ? v : v == null ? [] : [v]) if (x != null) p.append(k, x);
  }
  const q = emptyQuery();
  q.measures = list(p.get('m'));
  q.dimensions = list(p.get('d'));
  q.filters = p
    .getAll('f')
    .map((s) => {
      const i = s.indexOf(':');
      return i > 0 ? { dimension: decodeURIComponent(s.slice(0, i)), values: list(s.slice(i + 1)) } : null;
    })
    .filter((f): f is ExplorerFilter => !!f && f.values.length > 0);
  const g = p.get('g');
  if (g && (GRANULARITIES as readonly string[]).includes(g)) q.granularity = g as Granularity;
  const day = (v: string | null) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : '');
  q.from = day(p.get('from'));
  q.to = day(p.get('to'));
  q.view = p.get('v') === 'chart' ? 'chart' : 'table';
  q.pivot = p.get('p') === '1';
  q.drill = p
    .getAll('dr')
    .map((s) => {
      const i = s.indexOf(':');
      return i > 0
        ? { dimension: decodeURIComponent(s.slice(0, i)), member: decodeURIComponent(s.slice(i + 1)) }
        : null;
    })
    .filter((s): s is DrillStep => !!s);
  const sort = /^(.+):(asc|desc)$/.exec(p.get('s') ?? '');
  q.sort = sort ? { key: decodeURIComponent(sort[1]!), dir: sort[2] as SortBy['dir'] } : null;
  const c = p.get('c');
  if (c && (CHART_TYPES as readonly string[]).includes(c)) q.chart = c as ChartType;
  return q;
}

/** The shape of an API OLAP query the explorer can open (a dashboard tile's). */
export interface OlapQueryLike {
  measures: readonly string[];
  dimensions?: readonly string[] | null;
  filters?: readonly { level: string; members?: readonly string[] | null }[] | null;
  time?: { from: string; to: string; granularity?: string | null } | null;
  order?: readonly { by: string; direction?: string | null }[] | null;
}

/**
 * A tile's query in the explorer: the same measures, levels, filters and time range; its first
 * order becomes the table's sort. A time level the tile groups by is the explorer's granularity.
 */
export function fromOlapQuery(o: OlapQueryLike): ExplorerQuery {
  const q = emptyQuery();
  q.measures = [...o.measures];
  q.dimensions = [...(o.dimensions ?? [])];
  q.filters = (o.filters ?? [])
    .filter((f) => f.members?.length)
    .map((f) => ({ dimension: f.level, values: [...f.members!] }));
  if (o.time) {
    q.from = o.time.from;
    q.to = o.time.to;
    q.granularity =
      o.time.granularity && (GRANULARITIES as readonly string[]).includes(o.time.granularity)
        ? (o.time.granularity as Granularity)
        : 'NONE';
  }
  const first = o.order?.[0];
  if (first) q.sort = { key: first.by, dir: first.direction === 'DESC' ? 'desc' : 'asc' };
  if (q.granularity !== 'NONE' && q.from) q.chart = 'line';
  return q;
}

/** Rows in a column's order: numbers by value, text in the UI language's order; blanks last. */
export function sortRows<T extends Record<string, Cell>>(
  rows: readonly T[],
  sort: SortBy | null,
  locale = 'en',
): T[] {
  if (!sort) return [...rows];
  const sign = sort.dir === 'asc' ? 1 : -1;
  const collator = new Intl.Collator(locale, { numeric: true, sensitivity: 'base' });
  const keyed = (r: T) => r[`${sort.key}#key`] ?? r[sort.key] ?? null;
  return [...rows].sort((a, b) => {
    const x = keyed(a);
    const y = keyed(b);
    if (x === null || x === '') return y === null || y === '' ? 0 : 1;
    if (y === null || y === '') return -1;
    if (typeof x === 'number' && typeof y === 'number') return sign * (x - y);
    return sign * collator.compare(String(x), String(y));
  });
}

/** Plain object form for vue-router's `query`. */
export function toRouteQuery(q: ExplorerQuery): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of toSearchParams(q)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

export type QueryProblem = 'needMeasure';

export function validate(q: ExplorerQuery): QueryProblem[] {
  return q.measures.length ? [] : ['needMeasure'];
}

/**
 * Drill down on a member (a clicked bar or row): filter on it and replace its dimension with the
 * next level of its hierarchy (or keep it when it has none: the filter alone narrows the view).
 */
export function drillDown(
  q: ExplorerQuery,
  dimension: string,
  member: string,
  nextLevel: string | null | undefined,
): ExplorerQuery {
  const filters = q.filters.filter((f) => f.dimension !== dimension);
  filters.push({ dimension, values: [member] });
  const dimensions = nextLevel
    ? q.dimensions.map((d) => (d === dimension ? nextLevel : d))
    : [...q.dimensions];
  return { ...q, filters, dimensions: [...new Set(dimensions)], drill: [...q.drill, { dimension, member }] };
}

/** One step back up: the last drill's filter goes and its dimension comes back. */
export function drillUp(q: ExplorerQuery, nextLevel: string | null | undefined): ExplorerQuery {
  const last = q.drill[q.drill.length - 1];
  if (!last) return q;
  const filters = q.filters.filter((f) => f.dimension !== last.dimension);
  const dimensions = nextLevel
    ? q.dimensions.map((d) => (d === nextLevel ? last.dimension : d))
    : [...q.dimensions];
  return { ...q, filters, dimensions, drill: q.drill.slice(0, -1) };
}

export function toggle<T>(xs: T[], x: T): T[] {
  return xs.includes(x) ? xs.filter((y) => y !== x) : [...xs, x];
}

/** A result set as the explorer shows it: columns (dimensions then measures) and rows of cells. */
export interface ResultColumn {
  key: string;
  label: string;
  kind: 'dimension' | 'measure';
}
export type Cell = string | number | null;
export interface ResultSet {
  columns: ResultColumn[];
  rows: Record<string, Cell>[];
}

export interface Pivoted {
  rowKeys: string[];
  colKeys: string[];
  /** cells[rowKey][colKey] */
  cells: Record<string, Record<string, Cell>>;
}

/** Pivot: the first dimension down, the second across, one measure in the cells (summed on repeats). */
export function pivot(r: ResultSet, rowDim: string, colDim: string, measure: string): Pivoted {
  const rowKeys: string[] = [];
  const colKeys: string[] = [];
  const cells: Record<string, Record<string, Cell>> = {};
  for (const row of r.rows) {
    const rk = String(row[rowDim] ?? '');
    const ck = String(row[colDim] ?? '');
    if (!cells[rk]) {
      cells[rk] = {};
      rowKeys.push(rk);
    }
    if (!colKeys.includes(ck)) colKeys.push(ck);
    const v = row[measure] ?? null;
    const prev = cells[rk]![ck];
    cells[rk]![ck] = typeof prev === 'number' && typeof v === 'number' ? prev + v : (v ?? prev ?? null);
  }
  return { rowKeys, colKeys, cells };
}

/**
 * A pivot as a flat result set (for the table and the CSV export). With `total` (a label), a total
 * column and a total row: sums, which only hold for an additive measure (the caller decides).
 */
export function pivotToResult(pv: Pivoted, rowLabel: string, total?: string): ResultSet {
  const columns: ResultColumn[] = [
    { key: '__row', label: rowLabel, kind: 'dimension' },
    ...pv.colKeys.map((c) => ({ key: `c:${c}`, label: c, kind: 'measure' as const })),
  ];
  if (total) columns.push({ key: '__total', label: total, kind: 'measure' });
  const sum = (xs: Cell[]) =>
    xs.some((x) => typeof x === 'number')
      ? xs.reduce<number>((a, x) => a + (typeof x === 'number' ? x : 0), 0)
      : null;
  const rows = pv.rowKeys.map((rk) => {
    const row: Record<string, Cell> = { __row: rk };
    for (const c of pv.colKeys) row[`c:${c}`] = pv.cells[rk]?.[c] ?? null;
    if (total) row.__total = sum(pv.colKeys.map((c) => row[`c:${c}`] ?? null));
    return row;
  });
  if (total && rows.length) {
    const last: Record<string, Cell> = { __row: total, __totalRow: 1 };
    for (const c of [...pv.colKeys.map((k) => `c:${k}`), '__total'])
      last[c] = sum(rows.map((r) => r[c] ?? null));
    rows.push(last);
  }
  return { columns, rows };
}
