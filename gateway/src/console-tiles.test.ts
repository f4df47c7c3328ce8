import { LATE_SUPPLIER_THRESHOLD as API_THRESHOLD, tiles, type DashboardKind } from '../../subgraphs/analytics/src/services/dashboards';
import { LATE_SUPPLIER_THRESHOLD, LEVELS, tileDefs } from '../../console/src/analytics/tiles';

/**
 * The console runs each dashboard tile as its own OLAP query (per-tile progress and errors): its
 * copy of the tiles must stay the API's (subgraphs/analytics/src/services/dashboards.ts).
 */
test.each(LEVELS)('the console\'s %s tiles are the API\'s dashboard tiles, same ids, order and queries', (level) => {
  for (const period of [
    { from: '2025-01-01', to: '2025-12-31' },
    { from: '2024-03-15', to: '2024-03-31' },
    { from: '2023-12-31', to: '2024-02-29' },
  ]) {
    const api = tiles(level.toUpperCase() as DashboardKind, period).map((x) => ({ id: x.id, query: x.query }));
    const mine = tileDefs(level, period).map((x) => ({ id: x.id, query: x.query }));
    expect(JSON.parse(JSON.stringify(mine))).toEqual(JSON.parse(JSON.stringify(api)));
  }
});

test('the late-supplier threshold is the API\'s', () => {
  expect(String(LATE_SUPPLIER_THRESHOLD)).toBe(API_THRESHOLD);
});
