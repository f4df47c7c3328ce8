import { AppError, ValidationError, type Logger } from '@erp/kit';
import type pg from 'pg';
import {
  lastCompletePeriods,
  MEASURE_BY_NAME,
  olap,
  parseIsoDate,
  readAnswerState,
  tiles,
  type DashboardKind,
  type DateRange,
  type Freshness,
  type OlapAnswer,
  type TileKind,
  type Viewer,
} from '@erp/semantic';

/**
 * Dashboards as data: each tile of the catalogue (@erp/semantic's tiles, which the console imports
 * too) is an OLAP query, served with its answer so a client can re-run or drill into it.
 */
export {
  tiles,
  LATE_SUPPLIER_THRESHOLD,
  type DashboardKind,
  type TileDef,
  type TileKind,
} from '@erp/semantic';

/** Why a tile has no result: the typed error's code (TIMEOUT: the query ran past the statement time limit); INTERNAL otherwise. */
export interface TileError {
  code: string;
  message: string;
}

export interface Dashboard {
  kind: DashboardKind;
  period: DateRange;
  freshness: Freshness;
  tiles: {
    id: string;
    title: string;
    kind: TileKind;
    query: string;
    result: OlapAnswer | null;
    error: TileError | null;
  }[];
}

function tileError(err: unknown): TileError {
  if (err instanceof AppError) return { code: err.code, message: err.message };
  return { code: 'INTERNAL', message: 'This tile could not be computed (logged on the server).' };
}

/**
 * A dashboard for the viewer: the tiles their role may see (SALES: no supplier tiles), each answered.
 * A tile that fails does not take the others down: it comes back with `error` instead of `result`
 * (and is logged), so a slow or broken query costs one tile, not the page.
 */
/** The period a dashboard shows when none is asked: the last complete year, quarter or month of the data. */
const DEFAULT_GRAIN: Record<DashboardKind, 'year' | 'quarter' | 'month'> = {
  STRATEGIC: 'year',
  TACTICAL: 'quarter',
  OPERATIONAL: 'month',
};

export async function dashboard(
  pool: pg.Pool,
  kind: DashboardKind,
  period: { from: string; to: string } | null | undefined,
  viewer: Viewer,
  log?: Logger,
): Promise<Dashboard> {
  if (!['STRATEGIC', 'TACTICAL', 'OPERATIONAL'].includes(kind))
    throw new ValidationError('kind', kind, 'must be STRATEGIC, TACTICAL or OPERATIONAL');
  const state = readAnswerState(pool); // one read of the rollups' state, the freshness and the calendar for all tiles
  const asked = period ?? lastCompletePeriods(await state.calendar)[DEFAULT_GRAIN[kind]];
  const from = parseIsoDate('period.from', asked?.from);
  const to = parseIsoDate('period.to', asked?.to);
  if (from > to) throw new ValidationError('period.to', to, 'is before period.from');
  const visible = tiles(kind, { from, to }).filter((t) =>
    t.query.measures.every((m) => {
      const roles = MEASURE_BY_NAME.get(m)!.roles;
      return !roles || viewer.role === 'SERVICE' || roles.some((role) => role === viewer.role);
    }),
  );
  const results = await Promise.allSettled(
    visible.map((t) => olap(pool, t.query, viewer, `tiles.${t.id}`, state)),
  );
  return {
    kind,
    period: { from, to },
    freshness: await state.freshness,
    tiles: visible.map((t, i) => {
      const r = results[i]!;
      if (r.status === 'fulfilled')
        return {
          id: t.id,
          title: t.title,
          kind: t.kind,
          query: JSON.stringify(t.query),
          result: r.value,
          error: null,
        };
      const error = tileError(r.reason);
      log?.[error.code === 'INTERNAL' ? 'error' : 'warn'](
        { err: r.reason, dashboard: kind, tile: t.id },
        `dashboard tile ${kind}.${t.id} failed: ${error.code}`,
      );
      return { id: t.id, title: t.title, kind: t.kind, query: JSON.stringify(t.query), result: null, error };
    }),
  };
}
