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
  return [
    {
      id: 'revenue',
      title: 'Revenue, against a year ago',
      kind: 'KPI',
      view: 'kpi',
      span: 3,
      query: { measures: ['revenue'], time, compare: 'YEAR_AGO' },
    },
    {
      id: 'margin',
      title: 'Gross margin and margin %, against a year ago',
      kind: 'KPI',
      view: 'kpi',
      span: 3,
      query: { measures: ['grossMargin', 'marginPct'], time, compare: 'YEAR_AGO' },
    },
    {
      id: 'growth',
      title: 'Revenue growth year on year, by month',
      kind: 'CHART',
      view: 'growth',
      span: 6,
      query: { measures: ['revenue'], time: monthly, compare: 'YEAR_AGO' },
    },
    {
      id: 'topCategories',
      title: 'Top 5 categories by revenue',
      kind: 'TABLE',
      view: 'hbar',
      span: 2,
      query: {
        measures: ['revenue', 'grossMargin'],
        dimensions: ['product.category'],
        time,
        order: desc('revenue'),
        limit: 5,
      },
    },
    {
      id: 'topCountries',
      title: 'Top 5 countries by revenue',
      kind: 'TABLE',
      view: 'hbar',
      span: 2,
      query: {
        measures: ['revenue', 'customers'],
        dimensions: ['geography.country'],
        time,
        order: desc('revenue'),
        limit: 5,
      },
    },
    {
      id: 'segmentMix',
      title: 'Revenue by customer segment',
      kind: 'CHART',
      view: 'donut',
      span: 2,
      query: {
        measures: ['revenue', 'orders'],
        dimensions: ['segment.segment'],
        time,
        order: desc('revenue'),
      },
    },
  ];
}

/** The period month by month, the best and worst products, and how the suppliers deliver. */
function tacticalTiles({ time, monthly }: PeriodTimes): TileDef[] {
  return [
    {
      id: 'monthByCategory',
      title: 'Revenue by month × category',
      kind: 'CHART',
      view: 'stacked',
      span: 6,
      query: {
        measures: ['revenue', 'units'],
        dimensions: ['product.category'],
        time: monthly,
        pivot: { rows: ['date.month'], columns: ['product.category'] },
      },
    },
    {
      id: 'monthByRegion',
      title: 'Revenue by month × region',
      kind: 'CHART',
      view: 'stacked',
      span: 6,
      query: {
        measures: ['revenue'],
        dimensions: ['geography.region'],
        time: monthly,
        pivot: { rows: ['date.month'], columns: ['geography.region'] },
      },
    },
    {
      id: 'bestProducts',
      title: 'Best 10 products by revenue',
      kind: 'TABLE',
      view: 'hbar',
      span: 3,
      query: {
        measures: ['revenue', 'units', 'grossMargin'],
        dimensions: ['product.product'],
        time,
        order: desc('revenue'),
        limit: 10,
      },
    },
    {
      id: 'worstProducts',
      title: 'Worst 10 products by revenue',
      kind: 'TABLE',
      view: 'hbar',
      span: 3,
      query: {
        measures: ['revenue', 'units', 'grossMargin'],
        dimensions: ['product.product'],
        time,
        order: asc('revenue'),
        limit: 10,
      },
    },
    {
      id: 'supplierPerformance',
      title: 'Supplier on-time performance',
      kind: 'TABLE',
      view: 'supplierBars',
      span: 6,
      query: {
        measures: ['supplierOnTimeRate', 'supplierDeliveries'],
        dimensions: ['supplier.supplier'],
        time,
        order: asc('supplierOnTimeRate'),
      },
    },
    {
      // What was bought from whom, and how much of it has arrived (purchase orders sent in the period).
      id: 'purchasing',
      title: 'Purchases by supplier: value, units and fill rate',
      kind: 'TABLE',
      view: 'hbar',
      span: 6,
      query: {
        measures: ['purchaseAmount', 'unitsPurchased', 'fillRate'],
        dimensions: ['supplier.supplier'],
        time,
        order: desc('purchaseAmount'),
        limit: 10,
      },
    },
  ];
}

/** The latest day and snapshot: orders, shipments waiting, stock alerts and late suppliers. */
function operationalTiles(period: DateRange): TileDef[] {
  const month = `${period.to.slice(0, 7)}-01`;
  const lastThreeMonths = { from: addMonths(month, -2), to: addDays(addMonths(month, 1), -1) };
  return [
    {
      id: 'lastDayOrders',
      title: `Orders booked on ${period.to}`,
      kind: 'KPI',
      view: 'kpi',
      span: 3,
      query: { measures: ['orders', 'revenue', 'units'], time: { from: period.to, to: period.to } },
    },
    {
      id: 'pendingShipments',
      title: 'Pending shipments (confirmed sales orders)',
      kind: 'KPI',
      view: 'kpi',
      span: 3,
      query: {
        measures: ['orders', 'units', 'revenue'],
        filters: [
          { level: 'orderStatus.status', members: ['CONFIRMED'] },
          { level: 'orderKind.kind', members: ['SALE'] },
        ],
      },
    },
    {
      id: 'lowStock',
      title: 'Low stock (latest snapshot)',
      kind: 'TABLE',
      view: 'alerts',
      span: 3,
      query: {
        measures: ['stockOnHand', 'reorderPoint'],
        dimensions: ['product.product', 'warehouse.warehouse'],
        filters: [{ level: 'stockStatus.state', members: ['LOW'] }],
        order: asc('stockOnHand'),
      },
    },
    {
      id: 'stockOut',
      title: 'Stock-outs (latest snapshot)',
      kind: 'TABLE',
      view: 'alerts',
      span: 3,
      query: {
        measures: ['stockOnHand', 'reorderPoint'],
        dimensions: ['product.product', 'warehouse.warehouse'],
        filters: [{ level: 'stockStatus.state', members: ['OUT'] }],
      },
    },
    {
      id: 'lateSuppliers',
      title: `Suppliers under ${LATE_SUPPLIER_THRESHOLD}% on time, last 3 months`,
      kind: 'TABLE',
      view: 'alerts',
      span: 6,
      query: {
        measures: ['supplierOnTimeRate', 'supplierDeliveries'],
        dimensions: ['supplier.supplier'],
        time: lastThreeMonths,
        having: [{ measure: 'supplierOnTimeRate', op: 'LT', value: String(LATE_SUPPLIER_THRESHOLD) }],
        order: asc('supplierOnTimeRate'),
      },
    },
  ];
}
