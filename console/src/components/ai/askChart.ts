/** How many earlier questions go with a new one (the API reads at most 5). */
export const CONTEXT_QUESTIONS = 5;

/** The chart of a chat answer as the API describes it (kpi: no chart; table: several dimensions, no chart). */
export interface ChartSpec {
  type: 'kpi' | 'bar' | 'line' | 'table';
  categories: string[];
  series: { name: string; unit: string; data: (number | null)[] }[];
}

type Translate = (key: string, params?: Record<string, unknown>) => string;

/** A value of a unit on an axis: money compact, % as a percentage, counts with separators. */
export function axisValue(v: number | null | undefined, unit: string, locale: string): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '';
  const compact =
    Math.abs(v) >= 10_000
      ? ({ notation: 'compact', maximumFractionDigits: 1 } as const)
      : { maximumFractionDigits: Math.abs(v) < 10 ? 2 : 0 };
  if (/^[A-Z]{3}$/.test(unit))
    return new Intl.NumberFormat(locale, { style: 'currency', currency: unit, ...compact }).format(v);
  if (unit === '%')
    return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(v / 100);
  return new Intl.NumberFormat(locale, compact).format(v);
}

/** The axis title of a unit, in words (days, units…); money and % say themselves in the labels. */
function unitTitle(unit: string, t: Translate): string {
  if (!unit || unit === '%' || /^[A-Z]{3}$/.test(unit)) return '';
  const key = `chat.units.${unit}`;
  const word = t(key);
  return word === key ? unit : word;
}

/**
 * ApexCharts type, options and series for a chat answer. One value axis per unit: two units (days and
 * units, euros and %) get an axis each, left and right; past two, the series of the other units are
 * left out of the chart (the answer's text still has them). Null when there is nothing to draw.
 */
export function chartOfReply(spec: ChartSpec | null, locale: string, t: Translate) {
  if (!spec || spec.type === 'kpi' || spec.type === 'table' || !spec.categories.length) return null;
  const units = [...new Set(spec.series.map((s) => s.unit))].slice(0, 2);
  const series = spec.series.filter((s) => units.includes(s.unit));
  if (!series.length) return null;
  const firstOf = new Map(units.map((u) => [u, series.find((s) => s.unit === u)!.name]));
  const yaxis = series.map((s) => {
    const side = units.indexOf(s.unit);
    const first = firstOf.get(s.unit) === s.name;
    return {
      seriesName: firstOf.get(s.unit),
      show: first,
      opposite: side === 1,
      title: { text: first ? unitTitle(s.unit, t) : '' },
      labels: { formatter: (v: number) => axisValue(v, s.unit, locale) },
    };
  });
  return {
    type: spec.type === 'line' ? ('line' as const) : ('bar' as const),
    series: series.map((s) => ({ name: s.name, data: s.data })),
    options: {
      chart: { toolbar: { show: false }, animations: { enabled: false } },
      xaxis: { categories: spec.categories },
      yaxis,
      dataLabels: { enabled: false },
      tooltip: {
        y: {
          formatter: (v: number, o: { seriesIndex: number }) =>
            axisValue(v, series[o.seriesIndex]?.unit ?? '', locale),
        },
      },
    },
  };
}
