import { execute, parse } from 'graphql';
import { startSystem } from '../gateway/src/system';
import { ORDER_COLUMNS } from '../subgraphs/sales/src/rows';
import { prepared } from '@erp/kit';
const PAGE = `{ orders(first: 20) { edges { node { number status orderedAt customer { name segment }
  lines { quantity unitPrice product { sku name totalOnHand totalAvailable } } } } pageInfo { hasNextPage endCursor } } }`;
const SALES = `{ orders(first: 20) { edges { node { number status orderedAt customer { id } lines { quantity unitPrice product { id } } } } pageInfo { hasNextPage endCursor } } }`;
async function time(label: string, n: number, f: () => Promise<unknown>) {
  for (let i = 0; i < 20; i++) await f();
  const c0 = process.cpuUsage(); const t0 = performance.now();
  for (let i = 0; i < n; i++) await f();
  const c = process.cpuUsage(c0);
  console.log(`${label.padEnd(40)} cpu ${((c.user + c.system) / 1000 / n).toFixed(2)} ms  wall ${((performance.now() - t0) / n).toFixed(2)} ms`);
}
async function main() {
  const silent = (await import('pino')).default({ level: 'silent' });
  const env = { JWT_SECRET: 'b'.repeat(40), SUBGRAPH_SECRET: 'c'.repeat(40), ACCESS_TOKEN_TTL_SECONDS: 86_400, REFRESH_TOKEN_TTL_DAYS: 1, NODE_ENV: 'production' as const, GATEWAY_PORT: 0, CATALOG_PORT: 0, CUSTOMERS_PORT: 0, SUPPLIERS_PORT: 0, SALES_PORT: 0, ANALYTICS_PORT: 0 };
  const sys = await startSystem({ oltpUrl: 'postgres://postgres@127.0.0.1:5432/wip_api_native', dwhUrl: 'postgres://postgres@127.0.0.1:5432/wip_api_native_dwh', env, log: silent, ephemeralPorts: true, transport: 'local' });
  const n = Number(process.argv[2] ?? 200);
  const pool = sys.pools.sales;
  const sql = `SELECT ${ORDER_COLUMNS}, o.ordered_at::text AS "sortKey" FROM sales.orders o ORDER BY o.ordered_at DESC, o.id DESC LIMIT $1`;
  await time('pg: SELECT 1', n, () => pool.query('SELECT 1'));
  await time('pg: orders page 21 rows (prepared)', n, () => pool.query(prepared(sql, [21])));
  await time('pg: orders page 21 rows (plain)', n, () => pool.query(sql, [21]));
  const idsRes = await pool.query('SELECT id FROM sales.orders ORDER BY ordered_at DESC LIMIT 20');
  const { LINE_SELECT } = await import('../subgraphs/sales/src/rows');
  const lsql = `${LINE_SELECT} WHERE l.order_id = ANY($1) ORDER BY l.order_id, l.line_no`;
  await time('pg: lines 100 rows (prepared)', n, () => pool.query(prepared(lsql, [idsRes.rows.map((r) => r.id)])));
  const { subgraphs } = sys as any;
  const { createSalesSubgraph } = await import('../subgraphs/sales/src/server');
  const { localInventory } = await import('../subgraphs/sales/src/inventory');
  const sales = await createSalesSubgraph({ pool, log: silent, identitySecret: 'c'.repeat(40), production: true, inventory: { } as any });
  const doc = parse(SALES);
  const ident = { userId: 1, email: 'bench@x.example', role: 'ADMIN' as const, requestId: 'x' };
  await time('sales schema execute (share of page)', n, async () => { const r: any = await execute({ schema: sales.schema, document: doc, contextValue: sales.contextFor(ident) }); if (r.errors) throw new Error(JSON.stringify(r.errors)); });
  const docN = parse('{ orders(first: 20) { edges { node { number } } } }');
  await time('sales schema execute (numbers only)', n, async () => { await execute({ schema: sales.schema, document: docN, contextValue: sales.contextFor(ident) }); });
  const gw = sys.gateway.server;
  const ctx = () => ({ identity: ident, pool: sys.pools.gateway, log: silent, clientAddress: 'x', auth: null } as any);
  await time('gateway executeOperation typename', n, async () => { await gw.executeOperation({ query: '{ __typename }' }, { contextValue: ctx() }); });
  await time('gateway executeOperation numbers', n, async () => { await gw.executeOperation({ query: '{ orders(first: 20) { edges { node { number } } } }' }, { contextValue: ctx() }); });
  await time('gateway executeOperation sales share', n, async () => { await gw.executeOperation({ query: SALES }, { contextValue: ctx() }); });
  const { Session } = await import('node:inspector/promises');
  const session = new Session(); session.connect(); await session.post('Profiler.enable'); await session.post('Profiler.setSamplingInterval', { interval: 100 }); await session.post('Profiler.start');
  await time('gateway executeOperation page', n, async () => { const r: any = await gw.executeOperation({ query: PAGE }, { contextValue: ctx() }); if (r.body.singleResult.errors) throw new Error('x'); });
  const { profile } = await session.post('Profiler.stop'); (await import('node:fs')).writeFileSync('/tmp/apiwork/gwpage.cpuprofile', JSON.stringify(profile));
  await sys.close();
}
main();
