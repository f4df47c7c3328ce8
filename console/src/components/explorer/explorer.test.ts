import { describe, expect, test } from 'vitest';
import { mount } from '@vue/test-utils';
import { nextTick } from 'vue';
import QueryBuilder from './QueryBuilder.vue';
import ResultTable from './ResultTable.vue';
import { emptyQuery, type ExplorerQuery } from '@/explorer/query';
import { plugins } from '@/test/helpers';

const measures = [
  { key: 'revenue', label: 'Revenue' },
  { key: 'units', label: 'Units' },
];
const dimensions = [
  { key: 'date.year', label: 'Year' },
  { key: 'product.category', label: 'Category' },
];

function builder(query: ExplorerQuery = emptyQuery(), locale: 'en' | 'fr' = 'en') {
  const w = mount(QueryBuilder, {
    props: { measures, dimensions, query, 'onUpdate:query': (q: ExplorerQuery) => w.setProps({ query: q }) },
    global: { plugins: plugins(locale) },
  });
  return w;
}

describe('QueryBuilder', () => {
  test('checking measures and dimensions, granularity, view and pivot update the query', async () => {
    const w = builder();
    await w.get('[data-testid="measure-revenue"]').setValue(true);
    await w.get('[data-testid="dimension-date.year"]').setValue(true);
    await w.get('[data-testid="dimension-product.category"]').setValue(true);
    await w.get('[data-testid="granularity"]').setValue('QUARTER');
    await w.get('[data-testid="view-chart"]').setValue(true);
    await w.get('[data-testid="pivot"]').setValue(true);
    const q = w.props('query');
    expect(q).toMatchObject({
      measures: ['revenue'],
      dimensions: ['date.year', 'product.category'],
      granularity: 'QUARTER',
      view: 'chart',
      pivot: true,
    });
    // unchecking removes
    await w.get('[data-testid="dimension-date.year"]').setValue(false);
    expect(w.props('query').dimensions).toEqual(['product.category']);
  });

  test('a filter is added from a dimension and comma-separated values (Enter works), and removed by its button', async () => {
    const w = builder();
    await w.get('[data-testid="filter-dimension"]').setValue('product.category');
    await w.get('[data-testid="filter-values"]').setValue('Tools, Paint ,');
    await w.get('[data-testid="filter-values"]').trigger('keydown', { key: 'Enter' });
    expect(w.props('query').filters).toEqual([{ dimension: 'product.category', values: ['Tools', 'Paint'] }]);
    const remove = w.get('button[aria-label="Remove filter on Category"]');
    await remove.trigger('click');
    expect(w.props('query').filters).toEqual([]);
  });

  test('running without a measure says so (in the user language) and does not run', async () => {
    const w = builder(emptyQuery(), 'fr');
    await w.get('form').trigger('submit');
    expect(w.emitted('run')).toBeUndefined();
    expect(w.get('[data-testid="builder-problem"]').text()).toBe('Choisissez au moins une mesure.');
    await w.setProps({ query: { ...emptyQuery(), measures: ['units'] } });
    await w.get('form').trigger('submit');
    expect(w.emitted('run')).toHaveLength(1);
  });

  test('every control has a label', () => {
    const w = builder();
    for (const el of w.findAll('input, select')) {
      const labelled = el.attributes('aria-label') || el.element.closest('label');
      expect(labelled, el.html()).toBeTruthy();
    }
  });
});

describe('ResultTable', () => {
  const result = {
    columns: [
      { key: 'date.year', label: 'Year', kind: 'dimension' as const },
      { key: 'revenue', label: 'Revenue', kind: 'measure' as const },
    ],
    rows: [
      { 'date.year': '2024', revenue: 1200.5 },
      { 'date.year': '2025', revenue: 900 },
    ],
  };

  test('a click or Enter on a row drills down into its member', async () => {
    const w = mount(ResultTable, { props: { result, drillable: true }, global: { plugins: plugins() } });
    const rows = w.findAll('[data-testid="result-row"]');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.text()).toContain('1,200.5');
    await rows[1]!.trigger('click');
    await rows[0]!.trigger('keydown', { key: 'Enter' });
    expect(w.emitted('drill')).toEqual([
      ['date.year', '2025'],
      ['date.year', '2024'],
    ]);
    expect(rows[0]!.attributes('tabindex')).toBe('0');
    expect(rows[0]!.attributes('aria-label')).toBe('Drill down into 2024');
  });

  test('numbers follow the language; a pivot is not drillable', async () => {
    const w = mount(ResultTable, { props: { result, drillable: false }, global: { plugins: plugins('fr') } });
    expect(w.text()).toMatch(/1\s200,5/);
    await w.findAll('[data-testid="result-row"]')[0]!.trigger('click');
    expect(w.emitted('drill')).toBeUndefined();
    await nextTick();
  });
});
