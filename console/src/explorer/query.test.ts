import { describe, expect, test } from 'vitest';
import {
  drillDown,
  drillUp,
  emptyQuery,
  fromOlapQuery,
  fromSearchParams,
  pivot,
  pivotToResult,
  sortRows,
  toRouteQuery,
  toSearchParams,
  toggle,
  validate,
  type ExplorerQuery,
} from './query';

const q: ExplorerQuery = {
  measures: ['revenue', 'margin'],
  dimensions: ['date.year', 'product.category'],
  filters: [
    { dimension: 'customer.country', values: ['FR', 'BE'] },
    { dimension: 'product.name', values: ['Vis, 4 mm', 'a:b', 'Crème brûlée & co'] },
  ],
  granularity: 'QUARTER',
  from: '2025-01-01',
  to: '2025-12-31',
  view: 'chart',
  pivot: true,
  drill: [{ dimension: 'date.year', member: '2025' }],
  sort: { key: 'product.category', dir: 'desc' },
  chart: 'area',
};

describe('explorer query', () => {
  test('round-trips through the URL, commas, colons and accents included', () => {
    const search = toSearchParams(q).toString();
    expect(fromSearchParams(search)).toEqual(q);
    expect(fromSearchParams(new URLSearchParams(search))).toEqual(q);
    // vue-router's query object (repeated keys as arrays)
    expect(fromSearchParams(toRouteQuery(q))).toEqual(q);
  });

  test('the empty query gives an empty URL and comes back as the defaults', () => {
    expect(toSearchParams(emptyQuery()).toString()).toBe('');
    expect(fromSearchParams('')).toEqual(emptyQuery());
  });

  test('anything malformed in a shared link falls back to the defaults', () => {
    const r = fromSearchParams('g=HOURLY&from=yesterday&v=pie&p=yes&f=nocolon&f=dim:&dr=broken&m=,,revenue');
    expect(r).toEqual({ ...emptyQuery(), measures: ['revenue'] });
  });

  test('a query needs a measure', () => {
    expect(validate(emptyQuery())).toEqual(['needMeasure']);
    expect(validate(q)).toEqual([]);
  });

  test('drill down filters on the member and goes one level down; drill up undoes it', () => {
    const base: ExplorerQuery = { ...emptyQuery(), measures: ['revenue'], dimensions: ['date.year'] };
    const d1 = drillDown(base, 'date.year', '2025', 'date.quarter');
    expect(d1.dimensions).toEqual(['date.quarter']);
    expect(d1.filters).toEqual([{ dimension: 'date.year', values: ['2025'] }]);
    expect(d1.drill).toEqual([{ dimension: 'date.year', member: '2025' }]);
    const d2 = drillDown(d1, 'date.quarter', '2025-Q2', 'date.month');
    expect(d2.dimensions).toEqual(['date.month']);
    expect(d2.filters).toHaveLength(2);
    // the drilled view survives a shared link
    expect(fromSearchParams(toSearchParams(d2))).toEqual(d2);
    const up = drillUp(d2, 'date.month');
    expect(up).toEqual(d1);
    expect(drillUp(up, 'date.quarter')).toEqual(base);
  });

  test('drilling at the bottom of a hierarchy keeps the dimension and only filters', () => {
    const base: ExplorerQuery = { ...emptyQuery(), measures: ['revenue'], dimensions: ['product.name'] };
    const d = drillDown(base, 'product.name', 'Bolt', null);
    expect(d.dimensions).toEqual(['product.name']);
    expect(d.filters).toEqual([{ dimension: 'product.name', values: ['Bolt'] }]);
  });

  test('toggle adds or removes', () => {
    expect(toggle(['a'], 'b')).toEqual(['a', 'b']);
    expect(toggle(['a', 'b'], 'a')).toEqual(['b']);
  });

  test('pivot puts the first dimension down, the second across', () => {
    const r = {
      columns: [
        { key: 'year', label: 'Year', kind: 'dimension' as const },
        { key: 'cat', label: 'Category', kind: 'dimension' as const },
        { key: 'rev', label: 'Revenue', kind: 'measure' as const },
      ],
      rows: [
        { year: '2024', cat: 'Tools', rev: 10 },
        { year: '2024', cat: 'Paint', rev: 5 },
        { year: '2025', cat: 'Tools', rev: 7 },
        { year: '2025', cat: 'Tools', rev: 1 },
      ],
    };
    const pv = pivot(r, 'year', 'cat', 'rev');
    expect(pv.rowKeys).toEqual(['2024', '2025']);
    expect(pv.colKeys).toEqual(['Tools', 'Paint']);
    expect(pv.cells['2025']).toEqual({ Tools: 8 });
    const flat = pivotToResult(pv, 'Year');
    expect(flat.columns.map((c) => c.label)).toEqual(['Year', 'Tools', 'Paint']);
    expect(flat.rows[1]).toEqual({ __row: '2025', 'c:Tools': 8, 'c:Paint': null });
  });
});

describe('explorer: a tile opens with its query, columns sort, pivots total', () => {
  test('a tile query becomes the explorer query: measures, levels, filters, range, its order as the sort', () => {
    const e = fromOlapQuery({
      measures: ['revenue'],
      dimensions: ['product.category'],
      filters: [
        { level: 'orderKind.kind', members: ['SALE'] },
        { level: 'x.y', members: [] },
      ],
      time: { from: '2025-01-01', to: '2025-03-31' },
      order: [{ by: 'revenue', direction: 'DESC' }],
    });
    expect(e).toMatchObject({
      measures: ['revenue'],
      dimensions: ['product.category'],
      filters: [{ dimension: 'orderKind.kind', values: ['SALE'] }],
      from: '2025-01-01',
      to: '2025-03-31',
      granularity: 'NONE',
      sort: { key: 'revenue', dir: 'desc' },
      chart: 'auto',
    });
    // and through the URL
    expect(fromSearchParams(toSearchParams(e))).toEqual(e);
    const byMonth = fromOlapQuery({
      measures: ['revenue'],
      time: { from: '2025-01-01', to: '2025-12-31', granularity: 'MONTH' },
    });
    expect(byMonth).toMatchObject({ granularity: 'MONTH', chart: 'line', sort: null });
  });

  test('sortRows: numbers by value, text in the language order (accents, digits), blanks last, by member key when there is one', () => {
    const rows = [
      { n: 'Étagères', v: 3 },
      { n: 'Vis 10', v: null },
      { n: 'Vis 9', v: 12.5 },
      { n: 'avis', v: -1 },
    ];
    expect(sortRows(rows, { key: 'v', dir: 'desc' }).map((r) => r.v)).toEqual([12.5, 3, -1, null]);
    expect(sortRows(rows, { key: 'v', dir: 'asc' }).map((r) => r.v)).toEqual([-1, 3, 12.5, null]);
    expect(sortRows(rows, { key: 'n', dir: 'asc' }, 'fr').map((r) => r.n)).toEqual([
      'avis',
      'Étagères',
      'Vis 9',
      'Vis 10',
    ]);
    // months sort by their key (2025-02 before 2025-10), not by their label
    const months = [
      { m: 'oct. 2025', 'm#key': '2025-10' },
      { m: 'févr. 2025', 'm#key': '2025-02' },
    ];
    expect(sortRows(months, { key: 'm', dir: 'asc' }).map((r) => r.m)).toEqual(['févr. 2025', 'oct. 2025']);
    expect(sortRows(rows, null)).toEqual(rows);
  });

  test('pivot totals: a total per row, per column and overall, the total row last', () => {
    const pv = pivot(
      {
        columns: [],
        rows: [
          { a: 'FR', b: '2024', v: 10 },
          { a: 'FR', b: '2025', v: 5 },
          { a: 'BE', b: '2025', v: 2 },
        ],
      },
      'a',
      'b',
      'v',
    );
    const r = pivotToResult(pv, 'Country', 'Total');
    expect(r.columns.map((c) => c.label)).toEqual(['Country', '2024', '2025', 'Total']);
    expect(r.rows).toEqual([
      { __row: 'FR', 'c:2024': 10, 'c:2025': 5, __total: 15 },
      { __row: 'BE', 'c:2024': null, 'c:2025': 2, __total: 2 },
      { __row: 'Total', __totalRow: 1, 'c:2024': 10, 'c:2025': 7, __total: 17 },
    ]);
    expect(pivotToResult(pv, 'Country').columns.map((c) => c.label)).toEqual(['Country', '2024', '2025']);
  });
});
