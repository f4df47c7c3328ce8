import { AppError, ValidationError, type Logger } from '@erp/kit';
import type pg from 'pg';
import { addDays, addMonths, MEASURE_BY_NAME, olap, parseIsoDate, readAnswerState, type DateRange, type Freshness, type OlapAnswer, type OlapInput, type Viewer } from '@erp/semantic';

/**
 * Dashboards as data: each tile is an OLAP query (served with the tile, so a client can re-run or
 * drill into it) and its answer. Sales tiles count booked orders (CONFIRMED, SHIPPED, DELIVERED;
 * returns subtract) unless they say otherwise.
 */
export type DashboardKind = 'STRATEGIC' | 'TACTICAL' | 'OPERATIONAL';
export type TileKind = 'KPI' | 'TABLE' | 'CHART';

export interface TileDef {
  id: string;
  title: string;
  kind: TileKind;
  query: OlapInput;
}

export const BOOKED = { level: 'orderStatus.status', members: ['CONFIRMED', 'SHIPPED', 'DELIVERED'] };
/** A supplier is late under this on-time rate (%), over the last three months of the period. */
export const LATE_SUPPLIER_THRESHOLD = '90';

export function tiles(kind: DashboardKind, period: DateRange): TileDef[] {
  const time = { from: period.from, to: period.to };
  switch (kind) {
    case 'STRATEGIC':
      return [
        { id: 'revenue', title: 'Revenue, against a year ago', kind: 'KPI', query: { measures: ['revenue'], filters: [BOOKED], time, compare: 'YEAR_AGO' } },
        { id: 'margin', title: 'Gross margin and margin %, against a year ago', kind: 'KPI', query: { measures: ['grossMargin', 'marginPct'], filters: [BOOKED], time, compare: 'YEAR_AGO' } },
        { id: 'growth', title: 'Revenue growth year on year, by month', kind: 'CHART', query: { measures: ['revenue'], filters: [BOOKED], time: { ...time, granularity: 'MONTH' }, compare: 'YEAR_AGO' } },
        { id: 'topCategories', title: 'Top 5 categories by revenue', kind: 'TABLE', query: { measures: ['revenue', 'grossMargin'], dimensions: ['product.category'], filters: [BOOKED], time, order: [{ by: 'revenue', direction: 'DESC' }], limit: 5 } },
        { id: 'topCountries', title: 'Top 5 countries by revenue', kind: 'TABLE', query: { measures: ['revenue', 'customers'], dimensions: ['geography.country'], filters: [BOOKED], time, order: [{ by: 'revenue', direction: 'DESC' }], limit: 5 } },
        { id: 'segmentMix', title: 'Revenue by customer segment', kind: 'CHART', query: { measures: ['revenue', 'orders'], dimensions: ['segment.segment'], filters: [BOOKED], time, order: [{ by: 'revenue', direction: 'DESC' }] } },
      ];
    case 'TACTICAL':
      return [
        {
          id: 'monthByCategory',
          title: 'Revenue by month × category',
          kind: 'CHART',
          query: { measures: ['revenue', 'units'], dimensions: ['product.category'], filters: [BOOKED], time: { ...time, granularity: 'MONTH' }, pivot: { rows: ['date.month'], columns: ['product.category'] } },
        },
        {
          id: 'monthByRegion',
          title: 'Revenue by month × region',
          kind: 'CHART',
          query: { measures: ['revenue'], dimensions: ['geography.region'], filters: [BOOKED], time: { ...time, granularity: 'MONTH' }, pivot: { rows: ['date.month'], columns: ['geography.region'] } },
        },
        { id: 'bestProducts', title: 'Best 10 products by revenue', kind: 'TABLE', query: { measures: ['revenue', 'units', 'grossMargin'], dimensions: ['product.product'], filters: [BOOKED], time, order: [{ by: 'revenue', direction: 'DESC' }], limit: 10 } },
        { id: 'worstProducts', title: 'Worst 10 products by revenue', kind: 'TABLE', query: { measures: ['revenue', 'units', 'grossMargin'], dimensions: ['product.product'], filters: [BOOKED], time, order: [{ by: 'revenue', direction: 'ASC' }], limit: 10 } },
        { id: 'supplierPerformance', title: 'Supplier on-time performance', kind: 'TABLE', query: { measures: ['supplierOnTimeRate', 'supplierDeliveries'], dimensions: ['supplier.supplier'], time, order: [{ by: 'supplierOnTimeRate', direction: 'ASC' }] } },
      ];
    case 'OPERATIONAL': {
      const lastThreeMonths = { from: addMonths(`${period.to.slice(0, 7)}-01`, -2), to: addDays(addMonths(`${period.to.slice(0, 7)}-01`, 1), -1) };
      return [
        { id: 'lastDayOrders', title: `Orders of ${period.to} (not cancelled)`, kind: 'KPI', query: { measures: ['orders', 'revenue', 'units'], filters: [{ level: 'orderStatus.status', members: ['DRAFT', 'CONFIRMED', 'SHIPPED', 'DELIVERED'] }], time: { from: period.to, to: period.to } } },
        { id: 'pendingShipments', title: 'Pending shipments (confirmed sales orders)', kind: 'KPI', query: { measures: ['orders', 'units', 'revenue'], filters: [{ level: 'orderStatus.status', members: ['CONFIRMED'] }, { level: 'orderKind.kind', members: ['SALE'] }] } },
        { id: 'lowStock', title: 'Low stock (latest snapshot)', kind: 'TABLE', query: { measures: ['stockOnHand', 'reorderPoint'], dimensions: ['product.product', 'warehouse.warehouse'], filters: [{ level: 'stockStatus.state', members: ['LOW'] }], order: [{ by: 'stockOnHand', direction: 'ASC' }] } },
        { id: 'stockOut', title: 'Stock-outs (latest snapshot)', kind: 'TABLE', query: { measures: ['stockOnHand', 'reorderPoint'], dimensions: ['product.product', 'warehouse.warehouse'], filters: [{ level: 'stockStatus.state', members: ['OUT'] }] } },
        {
          id: 'lateSuppliers',
          title: `Suppliers under ${LATE_SUPPLIER_THRESHOLD}% on time, last 3 months`,
          kind: 'TABLE',
          query: { measures: ['supplierOnTimeRate', 'supplierDeliveries'], dimensions: ['supplier.supplier'], time: lastThreeMonths, having: [{ measure: 'supplierOnTimeRate', op: 'LT', value: LATE_SUPPLIER_THRESHOLD }], order: [{ by: 'supplierOnTimeRate', direction: 'ASC' }] },
        },
      ];
    }
  }
}

/** Why a tile has no result: TIMEOUT (the query ran past the statement timeout) or the typed error's code; INTERNAL otherwise. */
export interface TileError {
  code: string;
  message: string;
}

export interface Dashboard {
  kind: DashboardKind;
  period: DateRange;
  freshness: Freshness;
  tiles: { id: string; title: string; kind: TileKind; query: string; result: OlapAnswer | null; error: TileError | null }[];
}

function tileError(err: unknown): TileError {
  if (err instanceof AppError) return { code: err.code, message: err.message };
  if ((err as { code?: string })?.code === '57014') return { code: 'TIMEOUT', message: 'The query took longer than the analytics statement timeout; narrow the period or wait for the rollups to be refreshed.' };
  return { code: 'INTERNAL', message: 'This tile could not be computed (logged on the server).' };
}

/**
 * A dashboard for the viewer: the tiles their role may see (SALES: no supplier tiles), each answered.
 * A tile that fails does not take the others down: it comes back with `error` instead of `result`
 * (and is logged), so a slow or broken query costs one tile, not the page.
 */
export async function dashboard(pool: pg.Pool, kind: DashboardKind, period: { from: string; to: string }, viewer: Viewer, log?: Logger): Promise<Dashboard> {
  if (!['STRATEGIC', 'TACTICAL', 'OPERATIONAL'].includes(kind)) throw new ValidationError('kind', kind, 'must be STRATEGIC, TACTICAL or OPERATIONAL');
  const from = parseIsoDate('period.from', period?.from);
  const to = parseIsoDate('period.to', period?.to);
  if (from > to) throw new ValidationError('period.to', to, 'is before period.from');
  const visible = tiles(kind, { from, to }).filter((t) =>
    t.query.measures.every((m) => {
      const roles = MEASURE_BY_NAME.get(m)!.roles;
      return !roles || viewer.role === 'SERVICE' || roles.includes(viewer.role as never);
    }),
  );
  const state = readAnswerState(pool); // one read of the rollups' state and the freshness for all tiles
  const results = await Promise.allSettled(visible.map((t) => olap(pool, t.query, viewer, `tiles.${t.id}`, state)));
  return {
    kind,
    period: { from, to },
    freshness: await state.freshness,
    tiles: visible.map((t, i) => {
      const r = results[i]!;
      if (r.status === 'fulfilled') return { id: t.id, title: t.title, kind: t.kind, query: JSON.stringify(t.query), result: r.value, error: null };
      const error = tileError(r.reason);
      log?.[error.code === 'INTERNAL' ? 'error' : 'warn']({ err: r.reason, dashboard: kind, tile: t.id }, `dashboard tile ${kind}.${t.id} failed: ${error.code}`);
      return { id: t.id, title: t.title, kind: t.kind, query: JSON.stringify(t.query), result: null, error };
    }),
  };
}
