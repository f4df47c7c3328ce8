import pg from 'pg';
import { Client as PoolClient } from 'pg';
import { startSystem } from '../gateway/src/system';
const PAGE = `{ orders(first: 20) { edges { node { number status orderedAt customer { name segment }
  lines { quantity unitPrice product { sku name totalOnHand totalAvailable } } } } pageInfo { hasNextPage endCursor } } }`;
async function main() {
  const silent = (await import('pino')).default({ level: 'silent' });
  const env = { JWT_SECRET: 'b'.repeat(40), SUBGRAPH_SECRET: 'c'.repeat(40), ACCESS_TOKEN_TTL_SECONDS: 86_400, REFRESH_TOKEN_TTL_DAYS: 1, NODE_ENV: 'production' as const, GATEWAY_PORT: 0, CATALOG_PORT: 0, CUSTOMERS_PORT: 0, SUPPLIERS_PORT: 0, SALES_PORT: 0, ANALYTICS_PORT: 0 };
  const sys = await startSystem({ oltpUrl: 'postgres://postgres@127.0.0.1:5432/wip_api_native', dwhUrl: 'postgres://postgres@127.0.0.1:5432/wip_api_native_dwh', env, log: silent, ephemeralPorts: true, transport: (process.argv[2] ?? 'local') as 'local' });
  const login = await fetch(sys.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `mutation { login(email: "bench@x.example", password: "bench password 123") { accessToken } }` }) }).then((r) => r.json() as any);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${login.data.login.accessToken}` };
  await fetch(sys.gatewayUrl, { method: 'POST', headers, body: JSON.stringify({ query: PAGE }) }).then((r) => r.text());
  const orig = pg.Client.prototype.query;
  const log: string[] = [];
  (pg.Client.prototype as any).query = function (this: any, ...a: any[]) {
    const t0 = performance.now();
    const text = typeof a[0] === 'string' ? a[0] : a[0].text;
    const note = (res: any) => log.push(`${(performance.now() - t0).toFixed(1)}ms rows=${res?.rowCount} ${text.replace(/\s+/g, ' ').slice(0, 150)}`);
    const cb = a.findIndex((x) => typeof x === 'function');
    if (cb >= 0) { const f = a[cb]; a[cb] = (e: any, res: any) => { note(res); f(e, res); }; }
    const r = orig.apply(this, a as any);
    if (r && typeof (r as any).then === 'function') (r as any).then(note);
    return r;
  };
  const t0 = performance.now();
  const body = await fetch(sys.gatewayUrl, { method: 'POST', headers, body: JSON.stringify({ query: PAGE }) }).then((r) => r.text());
  console.log(`request ${(performance.now() - t0).toFixed(1)} ms, ${body.length} bytes`);
  await new Promise((r) => setTimeout(r, 100));
  console.log(log.join('\n'));
  (pg.Client.prototype as any).query = orig;
  // time 50 sequential
  const t1 = performance.now();
  for (let i = 0; i < 50; i++) await fetch(sys.gatewayUrl, { method: 'POST', headers, body: JSON.stringify({ query: PAGE }) }).then((r) => r.text());
  console.log(`sequential: ${((performance.now() - t1) / 50).toFixed(1)} ms/request`);
  const cpu0 = process.cpuUsage();
  const t2 = performance.now();
  for (let i = 0; i < 50; i++) await fetch(sys.gatewayUrl, { method: 'POST', headers, body: JSON.stringify({ query: PAGE }) }).then((r) => r.text());
  const cpu = process.cpuUsage(cpu0);
  console.log(`sequential: ${((performance.now() - t2) / 50).toFixed(1)} ms/request, process CPU ${((cpu.user + cpu.system) / 1000 / 50).toFixed(1)} ms/request (user ${(cpu.user/1000/50).toFixed(1)})`);
  await sys.close();
}
main();
