import { describe, expect, test } from 'vitest';
import { drillDown, drillUp, emptyQuery, fromSearchParams, pivot, pivotToResult, toRouteQuery, toSearchParams, toggle, validate, type ExplorerQuery } from './query';

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
