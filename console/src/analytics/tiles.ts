import type { OlapQuery } from '@erp/sdk';
import { LATE_SUPPLIER_THRESHOLD, tiles, type TileView } from '@erp/semantic/tiles';

/**
 * The dashboards' tiles as the console lays them out: the API's own catalogue (@erp/semantic's
 * tiles, the one copy), run by the console as one `olap` query per tile so every tile shows its own
 * progress, answer or error instead of one 2–4 s blank page. No Vue or browser dependency here.
 */
export type DashboardLevel = 'strategic' | 'tactical' | 'operational';
export const LEVELS: readonly DashboardLevel[] = ['strategic', 'tactical', 'operational'];
export { LATE_SUPPLIER_THRESHOLD, type TileView };

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

export function tileDefs(level: DashboardLevel, period: Period): TileDef[] {
  return tiles(level.toUpperCase() as Uppercase<DashboardLevel>, period).map((t) => ({
    id: t.id,
    view: t.view,
    span: t.span,
    query: t.query as OlapQuery,
  }));
}

/** The tiles a role may see: those whose measures the semantic model allows it (as the API's dashboard does). */
export function visibleTiles(
  defs: TileDef[],
  role: string | undefined,
  measureRoles: Record<string, readonly string[]>,
): TileDef[] {
  return defs.filter((d) =>
    d.query.measures.every((m) => !measureRoles[m] || !role || measureRoles[m]!.includes(role)),
  );
}
