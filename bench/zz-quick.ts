// Quick loop: system on wip_api_native, one transport, one query, N seconds, optional profile.
import autocannon from 'autocannon';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { startSystem } from '../gateway/src/system';
const transport = (process.argv[2] ?? 'local') as 'local' | 'http';
const which = process.argv[3] ?? 'page';
const secs = Number(process.argv[4] ?? 5);
const prof = process.argv[5];
const PAGE = `{ orders(first: 20) { edges { node { number status orderedAt customer { name segment }
  lines { quantity unitPrice product { sku name totalOnHand totalAvailable } } } } pageInfo { hasNextPage endCursor } } }`;
const q = which === 'page' ? PAGE : which === 'tn' ? '{ __typename }' : which;
async function main() {
  const silent = (await import('pino')).default({ level: 'silent' });
  const env = { JWT_SECRET: 'b'.repeat(40), SUBGRAPH_SECRET: 'c'.repeat(40), ACCESS_TOKEN_TTL_SECONDS: 86_400, REFRESH_TOKEN_TTL_DAYS: 1, NODE_ENV: 'production' as const, GATEWAY_PORT: 0, CATALOG_PORT: 0, CUSTOMERS_PORT: 0, SUPPLIERS_PORT: 0, SALES_PORT: 0, ANALYTICS_PORT: 0 };
  const sys = await startSystem({ oltpUrl: 'postgres://postgres@127.0.0.1:5432/wip_api_native', dwhUrl: 'postgres://postgres@127.0.0.1:5432/wip_api_native_dwh', env, log: silent, ephemeralPorts: true, transport });
  const login = await fetch(sys.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `mutation { login(email: "bench@x.example", password: "bench password 123") { accessToken } }` }) }).then((r) => r.json() as any);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${login.data.login.accessToken}` };
  const one = await fetch(sys.gatewayUrl, { method: 'POST', headers, body: JSON.stringify({ query: q }) }).then((r) => r.text());
  console.log(one.slice(0, 300));
  const run = () => autocannon({ url: sys.gatewayUrl, method: 'POST', headers, body: JSON.stringify({ query: q }), connections: 10, duration: secs, workers: 1 });
  await run();
  let session: Session | undefined;
  if (prof) { session = new Session(); session.connect(); await session.post('Profiler.enable'); await session.post('Profiler.start'); }
  const r = await run();
  if (session) { const { profile } = await session.post('Profiler.stop'); writeFileSync(prof, JSON.stringify(profile)); }
  console.log(`${transport} ${which}: ${Math.round(r.requests.average)} req/s p50 ${r.latency.p50} p99 ${r.latency.p99} errors ${r.errors + r.non2xx}`);
  await sys.close();
}
main();
