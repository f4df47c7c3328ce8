import { afterEach, describe, expect, test, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import ResultChart from './ResultChart.vue';
import type { ResultSet } from '@/explorer/query';
import { formatMeasure } from '@/analytics/format';
import { plugins } from '@/test/helpers';

/** ApexCharts itself (it needs a real layout engine) replaced by a recorder of what vue3-apexcharts hands it. */
const charts = vi.hoisted(() => {
  type Options = { yaxis?: { labels?: { formatter?: (v: number) => string } }[] };
  const log: { created: number; given: Options[] } = { created: 0, given: [] };
  class FakeApexCharts {
    constructor(_el: unknown, options: Options) {
      log.created++;
      log.given.push(options);
    }
    render() {
      return Promise.resolve();
    }
    updateOptions(options: Options) {
      log.given.push(options);
      return Promise.resolve();
    }
    updateSeries() {
      return Promise.resolve();
    }
    destroy() {}
  }
  return { log, FakeApexCharts };
});
vi.mock('apexcharts', () => ({ default: charts.FakeApexCharts }));

const eur = (key: string, v: number | null, compact?: boolean) =>
  formatMeasure(v, key === 'revenue' ? { unit: 'EUR', format: '#,##0.00' } : undefined, 'en', { compact });
const byCategory = (rows: [string, number][]): ResultSet => ({
  columns: [
    { key: 'product.category', label: 'Category', kind: 'dimension' },
    { key: 'revenue', label: 'Revenue', kind: 'measure' },
  ],
  rows: rows.map(([name, revenue]) => ({
    'product.category': name,
    'product.category#key': name.toUpperCase(),
    revenue,
  })),
});
/** The value axis labels of the options ApexCharts got last (an update replaces the y axes it had). */
const valueAxis = (v: number) => charts.log.given.at(-1)?.yaxis?.[0]?.labels?.formatter?.(v) ?? String(v);

afterEach(() => {
  charts.log.created = 0;
  charts.log.given = [];
});

describe('ResultChart', () => {
  // Bug: after a drill-down to a single product the value axis read "1,500" instead of "€1,500.00".
  // Cause: vue3-apexcharts passes changed options as a JSON copy, which drops the formatter functions.
  test('a single bar after a drill-down keeps the currency on its value axis', async () => {
    const w = mount(ResultChart, {
      props: {
        result: byCategory([
          ['Tools', 5200],
          ['Paint', 3100],
        ]),
        label: 'Result',
        format: eur,
      },
      global: { plugins: plugins('en') },
    });
    await flushPromises();
    expect(valueAxis(1500)).toBe('€1,500.00');
    await w.setProps({ result: byCategory([['Power drill', 1234.5]]) });
    await flushPromises();
    expect(valueAxis(1500)).toBe('€1,500.00');
    expect(charts.log.created).toBe(2);
  });

  test('a change of language draws the chart anew with the formats of that language', async () => {
    const i18n = plugins('en');
    mount(ResultChart, {
      props: {
        result: byCategory([['Tools', 5200]]),
        label: 'Result',
        format: (k, v, c) =>
          formatMeasure(v, { unit: 'EUR', format: '#,##0.00' }, i18n[0]!.global.locale.value, { compact: c }),
      },
      global: { plugins: i18n },
    });
    await flushPromises();
    i18n[0]!.global.locale.value = 'fr';
    await flushPromises();
    expect(valueAxis(1500).replace(/\s/g, ' ')).toBe('1 500,00 €');
  });
});
