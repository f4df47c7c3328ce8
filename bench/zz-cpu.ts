import { startSystem } from '../gateway/src/system';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
const Q: Record<string, string> = {
  typename: '{ __typename }',
  number: '{ orders(first: 20) { edges { node { number } } } }',
  fields: '{ orders(first: 20) { edges { node { number status orderedAt } } } }',
  lines: '{ orders(first: 20) { edges { node { number lines { quantity unitPrice } } } } }',
  lineProductId: '{ orders(first: 20) { edges { node { number lines { quantity unitPrice product { id } } } } } }',
  customer: '{ orders(first: 20) { edges { node { number customer { name segment } } } } }',
  productSku: '{ orders(first: 20) { edges { node { number lines { quantity product { sku name } } } } } }',
  productStock: '{ orders(first: 20) { edges { node { number lines { quantity product { sku name totalOnHand totalAvailable } } } } } }',
  page: `{ orders(first: 20) { edges { node { number status orderedAt customer { name segment }
  lines { quantity unitPrice product { sku name totalOnHand totalAvailable } } } } pageInfo { hasNextPage endCursor } } }`,
};
async function main() {
  const silent = (await import('pino')).default({ level: 'silent' });
  const env = { JWT_SECRET: 'b'.repeat(40), SUBGRAPH_SECRET: 'c'.repeat(40), ACCESS_TOKEN_TTL_SECONDS: 86_400, REFRESH_TOKEN_TTL_DAYS: 1, NODE_ENV: 'production' as const, GATEWAY_PORT: 0, CATALOG_PORT: 0, CUSTOMERS_PORT: 0, SUPPLIERS_PORT: 0, SALES_PORT: 0, ANALYTICS_PORT: 0 };
  const sys = await startSystem({ oltpUrl: 'postgres://postgres@127.0.0.1:5432/wip_api_native', dwhUrl: 'postgres://postgres@127.0.0.1:5432/wip_api_native_dwh', env, log: silent, ephemeralPorts: true, transport: (process.argv[2] ?? 'local') as 'local' });
  const login = await fetch(sys.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `mutation { login(email: "bench@x.example", password: "bench password 123") { accessToken } }` }) }).then((r) => r.json() as any);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${login.data.login.accessToken}` };
  const n = Number(process.argv[3] ?? 100);
  const only = process.argv[4];
  for (const [k, q] of Object.entries(Q)) {
    if (only && k !== only) continue;
    for (let i = 0; i < 20; i++) await fetch(sys.gatewayUrl, { method: 'POST', headers, body: JSON.stringify({ query: q }) }).then((r) => r.text());
    let session: Session | undefined;
    if (only) { session = new Session(); session.connect(); await session.post('Profiler.enable'); await session.post('Profiler.setSamplingInterval', { interval: 100 }); await session.post('Profiler.start'); }
    const cpu0 = process.cpuUsage();
    const t = performance.now();
    for (let i = 0; i < n; i++) await fetch(sys.gatewayUrl, { method: 'POST', headers, body: JSON.stringify({ query: q }) }).then((r) => r.text());
    const cpu = process.cpuUsage(cpu0);
    if (session) { const { profile } = await session.post('Profiler.stop'); writeFileSync(`/tmp/apiwork/${k}.cpuprofile`, JSON.stringify(profile)); }
    console.log(`${k.padEnd(14)} cpu ${((cpu.user + cpu.system) / 1000 / n).toFixed(2)} ms/req  wall ${((performance.now() - t) / n).toFixed(1)} ms/req`);
  }
  await sys.close();
}
main();
