import { addDays, addMonths, type DateRange } from './dates';

/**
 * The dashboards' tile catalogue, in one place: the analytics API answers `dashboard(kind, period)`
 * with these tiles and the console lays out and runs the same ones (it imports this module). Each
 * tile is an OLAP query of the semantic model; sales measures carry their own scope (booked orders,
 * returns subtracting), so no tile adds a status filter of its own. Pure: no database, no browser.
 */
export type DashboardKind = 'STRATEGIC' | 'TACTICAL' | 'OPERATIONAL';
export const DASHBOARD_KINDS: readonly DashboardKind[] = ['STRATEGIC', 'TACTICAL', 'OPERATIONAL'];
export type TileKind = 'KPI' | 'TABLE' | 'CHART';

/** How the console shows a tile. */
export type TileView =
  | 'kpi' // cards: value, comparison, delta
  | 'growth' // line (this year) + columns (a year ago) by month
  | 'hbar' // horizontal bars, ranked
  | 'donut' // shares of a whole
  | 'stacked' // month × member, stacked columns
  | 'supplierBars' // horizontal bars with the on-time threshold
  | 'alerts'; // a table with badges

/** The `olap` query shape (semantic model names; see the analytics API's OlapQuery). */
export interface TileQuery {
  measures: string[];
  dimensions?: string[];
  filters?: { level: string; members?: string[]; from?: string; to?: string }[];
  time?: { from: string; to: string; granularity?: 'YEAR' | 'QUARTER' | 'MONTH' | 'DAY' };
  compare?: 'PREVIOUS_PERIOD' | 'YEAR_AGO' | 'YEAR_TO_DATE';
  having?: { measure: string; op: 'LT' | 'LE' | 'GT' | 'GE' | 'EQ'; value: string }[];
  order?: { by: string; direction: 'ASC' | 'DESC' }[];
  limit?: number;
  pivot?: { rows: string[]; columns: string[] };
}

export interface TileDef {
  id: string;
  title: string;
  kind: TileKind;
  view: TileView;
  /** Width on a wide screen, in sixths of the grid (2: a third, 3: a half, 6: the whole row). */
  span: 2 | 3 | 6;
  query: TileQuery;
}

/** A supplier is late under this on-time rate (%), over the last three months of the period. */
export const LATE_SUPPLIER_THRESHOLD = 90;

const desc = (by: string) => [{ by, direction: 'DESC' as const }];
const asc = (by: string) => [{ by, direction: 'ASC' as const }];

/** The kind of tile each view draws: a view always draws one kind. */
const KIND_OF_VIEW: Record<TileView, TileKind> = {
  kpi: 'KPI',
  growth: 'CHART',
  hbar: 'TABLE',
  donut: 'CHART',
  stacked: 'CHART',
  supplierBars: 'TABLE',
  alerts: 'TABLE',
};

const tile = (
  id: string,
  title: string,
  view: TileView,
  span: TileDef['span'],
  query: TileQuery,
): TileDef => ({
  id,
  title,
  kind: KIND_OF_VIEW[view],
  view,
  span,
  query,
});

/** A whole-row chart of measures month by month, stacked by the members of one level. */
const monthBy = (
  id: string,
  title: string,
  measures: string[],
  level: string,
  monthly: PeriodTimes['monthly'],
) =>
  tile(id, title, 'stacked', 6, {
    measures,
    dimensions: [level],
    time: monthly,
    pivot: { rows: ['date.month'], columns: [level] },
  });

/** The latest snapshot's stock lines of one state, by product and warehouse. */
const stockAlert = (id: string, title: string, state: 'LOW' | 'OUT', order?: TileQuery['order']) =>
  tile(id, title, 'alerts', 3, {
    measures: ['stockOnHand', 'reorderPoint'],
    dimensions: ['product.product', 'warehouse.warehouse'],
    filters: [{ level: 'stockStatus.state', members: [state] }],
    ...(order ? { order } : {}),
  });

/** A period's whole span, and the same span cut by month (for the month-by-month charts). */
interface PeriodTimes {
  time: { from: string; to: string };
  monthly: { from: string; to: string; granularity: 'MONTH' };
}

export function tiles(kind: DashboardKind, period: DateRange): TileDef[] {
  const time = { from: period.from, to: period.to };
  const times: PeriodTimes = { time, monthly: { ...time, granularity: 'MONTH' } };
  switch (kind) {
    case 'STRATEGIC':
      return strategicTiles(times);
    case 'TACTICAL':
      return tacticalTiles(times);
    case 'OPERATIONAL':
      return operationalTiles(period);
  }
}

/** The year at a glance: revenue and margin against a year ago, and where the revenue comes from. */
function strategicTiles({ time, monthly }: PeriodTimes): TileDef[] {
  const top5 = (id: string, title: string, measures: string[], level: string) =>
    tile(id, title, 'hbar', 2, { measures, dimensions: [level], time, order: desc('revenue'), limit: 5 });
  return [
    tile('revenue', 'Revenue, against a year ago', 'kpi', 3, {
      measures: ['revenue'],
      time,
      compare: 'YEAR_AGO',
    }),
    tile('margin', 'Gross margin and margin %, against a year ago', 'kpi', 3, {
      measures: ['grossMargin', 'marginPct'],
      time,
      compare: 'YEAR_AGO',
    }),
    tile('growth', 'Revenue growth year on year, by month', 'growth', 6, {
      measures: ['revenue'],
      time: monthly,
      compare: 'YEAR_AGO',
    }),
    top5('topCategories', 'Top 5 categories by revenue', ['revenue', 'grossMargin'], 'product.category'),
    top5('topCountries', 'Top 5 countries by revenue', ['revenue', 'customers'], 'geography.country'),
    tile('segmentMix', 'Revenue by customer segment', 'donut', 2, {
      measures: ['revenue', 'orders'],
      dimensions: ['segment.segment'],
      time,
      order: desc('revenue'),
    }),
  ];
}

/** The period month by month, the best and worst products, and how the suppliers deliver. */
function tacticalTiles({ time, monthly }: PeriodTimes): TileDef[] {
  const products = (id: string, title: string, order: TileQuery['order']) =>
    tile(id, title, 'hbar', 3, {
      measures: ['revenue', 'units', 'grossMargin'],
      dimensions: ['product.product'],
      time,
      order,
      limit: 10,
    });
  return [
    monthBy(
      'monthByCategory',
      'Revenue by month × category',
      ['revenue', 'units'],
      'product.category',
      monthly,
    ),
    monthBy('monthByRegion', 'Revenue by month × region', ['revenue'], 'geography.region', monthly),
    products('bestProducts', 'Best 10 products by revenue', desc('revenue')),
    products('worstProducts', 'Worst 10 products by revenue', asc('revenue')),
    tile('supplierPerformance', 'Supplier on-time performance', 'supplierBars', 6, {
      measures: ['supplierOnTimeRate', 'supplierDeliveries'],
      dimensions: ['supplier.supplier'],
      time,
      order: asc('supplierOnTimeRate'),
    }),
    // What was bought from whom, and how much of it has arrived (purchase orders sent in the period).
    tile('purchasing', 'Purchases by supplier: value, units and fill rate', 'hbar', 6, {
      measures: ['purchaseAmount', 'unitsPurchased', 'fillRate'],
      dimensions: ['supplier.supplier'],
      time,
      order: desc('purchaseAmount'),
      limit: 10,
    }),
  ];
}

/** The latest day and snapshot: orders, shipments waiting, stock alerts and late suppliers. */
function operationalTiles(period: DateRange): TileDef[] {
  const month = `${period.to.slice(0, 7)}-01`;
  const lastThreeMonths = { from: addMonths(month, -2), to: addDays(addMonths(month, 1), -1) };
  return [
    tile('lastDayOrders', `Orders booked on ${period.to}`, 'kpi', 3, {
      measures: ['orders', 'revenue', 'units'],
      time: { from: period.to, to: period.to },
    }),
    tile('pendingShipments', 'Pending shipments (confirmed sales orders)', 'kpi', 3, {
      measures: ['orders', 'units', 'revenue'],
      filters: [
        { level: 'orderStatus.status', members: ['CONFIRMED'] },
        { level: 'orderKind.kind', members: ['SALE'] },
      ],
    }),
    stockAlert('lowStock', 'Low stock (latest snapshot)', 'LOW', asc('stockOnHand')),
    stockAlert('stockOut', 'Stock-outs (latest snapshot)', 'OUT'),
    tile('lateSuppliers', `Suppliers under ${LATE_SUPPLIER_THRESHOLD}% on time, last 3 months`, 'alerts', 6, {
      measures: ['supplierOnTimeRate', 'supplierDeliveries'],
      dimensions: ['supplier.supplier'],
      time: lastThreeMonths,
      having: [{ measure: 'supplierOnTimeRate', op: 'LT', value: String(LATE_SUPPLIER_THRESHOLD) }],
      order: asc('supplierOnTimeRate'),
    }),
  ];
}
