import type { OlapQuery } from '@erp/sdk';

/**
 * The dashboards' tiles as the console lays them out. Their queries are the ones the analytics API
 * serves with `dashboard(kind, period)` (subgraphs/analytics/src/services/dashboards.ts; a test,
 * gateway/src/console-tiles.test.ts, keeps both equal): the console runs each tile as its own `olap`
 * query so every tile shows its own progress, answer or error instead of one 2–4 s blank page.
 * This file has no Vue or browser dependency (the gateway's jest imports it).
 */
export type DashboardLevel = 'strategic' | 'tactical' | 'operational';
export const LEVELS: readonly DashboardLevel[] = ['strategic', 'tactical', 'operational'];

/** How a tile is shown. */
export type TileView =
  | 'kpi' // cards: value, comparison, delta
  | 'growth' // line (this year) + columns (a year ago) by month
  | 'hbar' // horizontal bars, ranked
  | 'donut' // shares of a whole
  | 'stacked' // month × member, stacked columns
  | 'supplierBars' // horizontal bars with the on-time threshold
  | 'alerts'; // a table with badges

export interface TileDef {
  id: string;
  view: TileView;
  /** Width on a wide screen, in sixths of the grid (2: a third, 3: a half, 6: the whole row). */
  span: 2 | 3 | 6;
  query: OlapQuery;
}

export interface Period {
  from: string;
  to: string;
}

const BOOKED = { level: 'orderStatus.status', members: ['CONFIRMED', 'SHIPPED', 'DELIVERED'] };
/** A supplier is late under this on-time rate (%): the API's LATE_SUPPLIER_THRESHOLD. */
export const LATE_SUPPLIER_THRESHOLD = 90;

const iso = (d: Date) => d.toISOString().slice(0, 10);
function addMonths(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const last = new Date(Date.UTC(y, m - 1 + n + 1, 0)).getUTCDate();
  return iso(new Date(Date.UTC(y, m - 1 + n, Math.min(d, last))));
}
function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return iso(new Date(Date.UTC(y, m - 1, d + n)));
}

export function tileDefs(level: DashboardLevel, period: Period): TileDef[] {
  const time = { from: period.from, to: period.to };
  const desc = (by: string) => [{ by, direction: 'DESC' as const }];
  const asc = (by: string) => [{ by, direction: 'ASC' as const }];
  switch (level) {
    case 'strategic':
      return [
        { id: 'revenue', view: 'kpi', span: 3, query: { measures: ['revenue'], filters: [BOOKED], time, compare: 'YEAR_AGO' } },
        { id: 'margin', view: 'kpi', span: 3, query: { measures: ['grossMargin', 'marginPct'], filters: [BOOKED], time, compare: 'YEAR_AGO' } },
        { id: 'growth', view: 'growth', span: 6, query: { measures: ['revenue'], filters: [BOOKED], time: { ...time, granularity: 'MONTH' }, compare: 'YEAR_AGO' } },
        { id: 'topCategories', view: 'hbar', span: 2, query: { measures: ['revenue', 'grossMargin'], dimensions: ['product.category'], filters: [BOOKED], time, order: desc('revenue'), limit: 5 } },
        { id: 'topCountries', view: 'hbar', span: 2, query: { measures: ['revenue', 'customers'], dimensions: ['geography.country'], filters: [BOOKED], time, order: desc('revenue'), limit: 5 } },
        { id: 'segmentMix', view: 'donut', span: 2, query: { measures: ['revenue', 'orders'], dimensions: ['segment.segment'], filters: [BOOKED], time, order: desc('revenue') } },
      ];
    case 'tactical':
      return [
        {
          id: 'monthByCategory',
          view: 'stacked',
          span: 6,
         
          query: { measures: ['revenue', 'units'], dimensions: ['product.category'], filters: [BOOKED], time: { ...time, granularity: 'MONTH' }, pivot: { rows: ['date.month'], columns: ['product.category'] } },
        },
        {
          id: 'monthByRegion',
          view: 'stacked',
          span: 6,
         
          query: { measures: ['revenue'], dimensions: ['geography.region'], filters: [BOOKED], time: { ...time, granularity: 'MONTH' }, pivot: { rows: ['date.month'], columns: ['geography.region'] } },
        },
        { id: 'bestProducts', view: 'hbar', span: 3, query: { measures: ['revenue', 'units', 'grossMargin'], dimensions: ['product.product'], filters: [BOOKED], time, order: desc('revenue'), limit: 10 } },
        { id: 'worstProducts', view: 'hbar', span: 3, query: { measures: ['revenue', 'units', 'grossMargin'], dimensions: ['product.product'], filters: [BOOKED], time, order: asc('revenue'), limit: 10 } },
        { id: 'supplierPerformance', view: 'supplierBars', span: 6, query: { measures: ['supplierOnTimeRate', 'supplierDeliveries'], dimensions: ['supplier.supplier'], time, order: asc('supplierOnTimeRate') } },
      ];
    case 'operational': {
      const month = `${period.to.slice(0, 7)}-01`;
      const lastThreeMonths = { from: addMonths(month, -2), to: addDays(addMonths(month, 1), -1) };
      return [
        { id: 'lastDayOrders', view: 'kpi', span: 3, query: { measures: ['orders', 'revenue', 'units'], filters: [{ level: 'orderStatus.status', members: ['DRAFT', 'CONFIRMED', 'SHIPPED', 'DELIVERED'] }], time: { from: period.to, to: period.to } } },
        { id: 'pendingShipments', view: 'kpi', span: 3, query: { measures: ['orders', 'units', 'revenue'], filters: [{ level: 'orderStatus.status', members: ['CONFIRMED'] }, { level: 'orderKind.kind', members: ['SALE'] }] } },
        { id: 'lowStock', view: 'alerts', span: 3, query: { measures: ['stockOnHand', 'reorderPoint'], dimensions: ['product.product', 'warehouse.warehouse'], filters: [{ level: 'stockStatus.state', members: ['LOW'] }], order: asc('stockOnHand') } },
        { id: 'stockOut', view: 'alerts', span: 3, query: { measures: ['stockOnHand', 'reorderPoint'], dimensions: ['product.product', 'warehouse.warehouse'], filters: [{ level: 'stockStatus.state', members: ['OUT'] }] } },
        {
          id: 'lateSuppliers',
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
  }
}

/** The tiles a role may see: those whose measures the semantic model allows it (as the API's dashboard does). */
export function visibleTiles(defs: TileDef[], role: string | undefined, measureRoles: Record<string, readonly string[]>): TileDef[] {
  return defs.filter((d) => d.query.measures.every((m) => !measureRoles[m] || !role || measureRoles[m]!.includes(role)));
}
