import { describe, expect, test } from 'vitest';
import { mount } from '@vue/test-utils';
import { defineComponent, h, ref, type PropType } from 'vue';
import { formatMeasure, formatMember, formatPct, relativeTime } from './format';
import { points, stacked, type OlapAnswer } from './series';
import { LEVELS, tileDefs, visibleTiles } from './tiles';
import KpiCards from '@/components/dashboards/KpiCards.vue';
import { useLabels, type SemanticModel } from '@/composables/useAnalytics';
import { plugins } from '@/test/helpers';

const nb = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');
const EUR = { unit: 'EUR', format: '#,##0.00' };
const PCT = { unit: '%', format: '0.00' };
const COUNT = { unit: 'units', format: '#,##0' };

describe("formatting by the model's unit, in the UI language", () => {
  test('money, percentages and counts with thousands separators', () => {
    expect(nb(formatMeasure('12607371.85', EUR, 'fr'))).toBe('12 607 371,85 €');
    expect(formatMeasure('12607371.85', EUR, 'en')).toBe('€12,607,371.85');
    expect(nb(formatMeasure('34.56', PCT, 'fr'))).toBe('34,6 %');
    expect(formatMeasure(34.56, PCT, 'en')).toBe('34.6%');
    expect(nb(formatMeasure('12345', COUNT, 'fr'))).toBe('12 345');
    expect(formatMeasure(null, EUR, 'en')).toBe('—');
    expect(formatMeasure('1500000', EUR, 'en', { compact: true })).toBe('€1.5M');
    expect(nb(formatPct('-12.34', 'fr'))).toBe('-12,3 %');
    expect(formatPct('5', 'en')).toBe('+5.0%');
  });

  test('relative time of the last load, and months in words', () => {
    const now = Date.parse('2026-03-10T12:00:00Z');
    expect(nb(relativeTime('2026-03-10T11:55:00Z', 'fr', now))).toBe('il y a 5 min');
    expect(relativeTime('2026-03-10T11:55:00Z', 'en', now)).toBe('5 minutes ago');
    expect(relativeTime('2026-03-10T11:59:50Z', 'en', now)).toBe('1 minute ago');
    expect(relativeTime('2026-03-08T12:00:00Z', 'en', now)).toBe('2 days ago');
    expect(relativeTime(null, 'en', now)).toBe('—');
    expect(formatMember('date.month', '2025-03', '2025-03', 'fr')).toBe('mars 2025');
    expect(formatMember('product.category', 'TOOLS', 'Tools', 'fr')).toBe('Tools');
  });
});

const answer = (
  rows: { members: [string, string][]; values: [string, string | null, string | null][] }[],
  extra: Partial<OlapAnswer> = {},
): OlapAnswer =>
  ({
    measures: ['revenue'],
    dimensions: [],
    source: 'FACT',
    rollup: null,
    truncated: false,
    period: null,
    compare: null,
    comparePeriod: null,
    freshness: { runId: '1', finishedAt: null, status: 'SUCCEEDED', reconciled: true },
    totals: [],
    pivot: null,
    rows: rows.map((r) => ({
      members: r.members.map(([level, key]) => ({ level, key, label: key })),
      values: r.values.map(([measure, value, compared]) => ({
        measure,
        value,
        compared,
        delta: null,
        deltaPct: null,
      })),
    })),
    ...extra,
  }) as OlapAnswer;

describe('series for the charts', () => {
  test('points carry the value and the year-ago value', () => {
    const a = answer([{ members: [['date.month', '2025-01']], values: [['revenue', '10.5', '8']] }]);
    expect(points(a)).toEqual([
      { key: '2025-01', label: '2025-01', level: 'date.month', value: 10.5, compared: 8 },
    ]);
  });

  test('month × member keeps the biggest members and folds the rest into "others"', () => {
    // revenue of a category in a month
    const row = (month: string, category: string, revenue: string) => ({
      members: [
        ['date.month', month],
        ['product.category', category],
      ] as [string, string][],
      values: [['revenue', revenue, null]] as [string, string, null][],
    });
    const rows = [
      row('2025-01', 'A', '10'),
      row('2025-01', 'B', '5'),
      row('2025-02', 'C', '1'),
      row('2025-02', 'A', '2'),
    ];
    const s = stacked(answer(rows), 'revenue', 1, 'Others');
    expect(s.categories.map((c) => c.key)).toEqual(['2025-01', '2025-02']);
    expect(s.series).toEqual([
      { key: 'A', name: 'A', data: [10, 2] },
      { key: '__others', name: 'Others', data: [5, 1] },
    ]);
  });
});

describe('tiles', () => {
  test('every level has tiles; a role only gets the tiles whose measures it may read', () => {
    for (const l of LEVELS)
      expect(tileDefs(l, { from: '2025-01-01', to: '2025-12-31' }).length).toBeGreaterThan(0);
    const defs = tileDefs('strategic', { from: '2025-01-01', to: '2025-12-31' });
    const roles = { grossMargin: ['ADMIN'], marginPct: ['ADMIN'] };
    expect(visibleTiles(defs, 'SALES', roles).map((d) => d.id)).not.toContain('margin');
    expect(visibleTiles(defs, 'ADMIN', roles).map((d) => d.id)).toContain('margin');
  });
});

describe('KPI cards', () => {
  const model = ref<SemanticModel | null>({
    measures: [],
    dimensions: [],
    next: {},
    roles: {},
    titles: {},
    additive: {},
    formats: { revenue: EUR, marginPct: PCT },
  });
  type KpiValues = InstanceType<typeof KpiCards>['$props']['values'];
  const Host = defineComponent({
    props: { values: { type: Array as PropType<KpiValues>, required: true } },
    setup(p) {
      const labels = useLabels(model);
      return () => h(KpiCards, { values: p.values, labels, compared: true });
    },
  });
  const values = [
    {
      measure: 'revenue',
      value: '12607371.85',
      compared: '10000000',
      delta: '2607371.85',
      deltaPct: '26.07',
    },
    { measure: 'marginPct', value: '28.5', compared: '30', delta: '-1.5', deltaPct: '-5' },
  ];

  test('value, comparison and change with arrow, colour and words, in French', () => {
    const w = mount(Host, { props: { values }, global: { plugins: plugins('fr') } });
    const [rev, pct] = w.findAll('[data-testid="kpi"]');
    expect(rev!.find('.kpi-label').text()).toBe('Chiffre d’affaires (HT)');
    expect(nb(rev!.find('[data-testid="kpi-value"]').text())).toBe('12 607 371,85 €');
    expect(rev!.find('.delta-up').exists()).toBe(true);
    expect(nb(rev!.find('[aria-hidden="true"]').text())).toBe('▲ +2 607 371,85 € (+26,1 %)');
    expect(nb(rev!.find('.sr-only').text())).toBe(
      'en hausse de 2 607 371,85 € (26,1 %) par rapport à l’an dernier',
    );
    expect(nb(rev!.find('.kpi-compared').text())).toBe('il y a un an : 10 000 000,00 €');
    expect(pct!.find('.delta-down').exists()).toBe(true);
    expect(nb(pct!.find('.sr-only').text())).toMatch(/^en baisse de 1,5 pt \(5,0 %\)/);
  });

  test('in English', () => {
    const w = mount(Host, { props: { values }, global: { plugins: plugins('en') } });
    expect(w.find('[data-testid="kpi-value"]').text()).toBe('€12,607,371.85');
    expect(w.find('.sr-only').text()).toBe('up €2,607,371.85 (26.1%) on a year ago');
  });
});
