import { describe, expect, test } from 'vitest';
import { axisValue, chartOfReply } from './askChart';

const t = (k: string) => ({ 'chat.units.days': 'jours', 'chat.units.units': 'unités' })[k] ?? k;

describe('the chart of a chat answer', () => {
  test('days and units never share an axis: one axis each, left and right, with the unit as title', () => {
    const c = chartOfReply(
      {
        type: 'bar',
        categories: ['A', 'B'],
        series: [
          { name: 'Days of cover', unit: 'days', data: [9.4, 39] },
          { name: 'Units', unit: 'units', data: [1200, 80] },
        ],
      },
      'fr',
      t,
    )!;
    expect(c.type).toBe('bar');
    expect(
      c.options.yaxis.map((y) => ({ on: y.seriesName, right: y.opposite, title: y.title.text })),
    ).toEqual([
      { on: 'Days of cover', right: false, title: 'jours' },
      { on: 'Units', right: true, title: 'unités' },
    ]);
    expect(c.options.yaxis[0]!.labels.formatter(9.4)).toBe('9,4');
  });

  test('money and % are formatted on the axis; a third unit is left out of the chart; kpi and tables draw nothing', () => {
    const c = chartOfReply(
      {
        type: 'line',
        categories: ['2025-01'],
        series: [
          { name: 'Revenue', unit: 'EUR', data: [1234567.891] },
          { name: 'Margin %', unit: '%', data: [34.56] },
          { name: 'Orders', unit: 'orders', data: [12] },
        ],
      },
      'en',
      t,
    )!;
    expect(c.series.map((s) => s.name)).toEqual(['Revenue', 'Margin %']);
    expect(c.options.yaxis[0]!.labels.formatter(1234567.891)).toBe('€1.2M');
    expect(c.options.yaxis[1]!.labels.formatter(34.56)).toBe('34.6%');
    expect(chartOfReply({ type: 'kpi', categories: [], series: [] }, 'en', t)).toBeNull();
    expect(
      chartOfReply(
        { type: 'table', categories: ['a'], series: [{ name: 'x', unit: 'EUR', data: [1] }] },
        'en',
        t,
      ),
    ).toBeNull();
  });

  test('no float noise on an axis', () => {
    expect(axisValue(0.41999999999999998, '', 'en')).toBe('0.42');
    expect(axisValue(12345.678, 'units', 'fr').replace(/\s/g, ' ')).toBe('12,3 k');
  });
});
