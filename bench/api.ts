/**
 * bench/api: the federated order query through the gateway next to the same orders asked of the
 * sales subgraph directly, in the same run; then order confirmations per second with 50 concurrent
 * clients competing for stock, and the oversell count (must be 0).
 * Run: npx tsx bench/api.ts [--seconds 10]. Uses a throw-away database on DATABASE_URL's server or
 * on a throw-away embedded PostgreSQL, loaded with data/native.
 */
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { createPool, IDENTITY_HEADER, quoteIdent, repoRoot, signIdentity, startEmbeddedServer, withDatabase } from '@erp/kit';
import { migrateOltp } from '@erp/kit/db/migrate';
import { migrateDwh } from '@erp/dwh-schema';
import { importDirectory } from '@erp/data';
import { hashPassword, startSystem } from '@erp/gateway';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 10;
const SECRETS = { JWT_SECRET: 'b'.repeat(40), SUBGRAPH_SECRET: 'c'.repeat(40) };

const ORDERS_QUERY = `{ orders(first: 20) { edges { node { number status orderedAt customer { name segment }
  lines { quantity unitPrice product { sku name totalOnHand } } } } } }`;
const SALES_ONLY_QUERY = `{ orders(first: 20) { edges { node { number status orderedAt customer { id }
  lines { quantity unitPrice product { id } } } } } }`;

async function load(url: string, body: string, headers: Record<string, string>, connections = 10) {
  const r = await autocannon({ url, method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, connections, duration: seconds });
  return { rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

async function main() {
  let adminUrl = process.env.DATABASE_URL ? withDatabase(process.env.DATABASE_URL, 'postgres') : '';
  const server = adminUrl ? undefined : await startEmbeddedServer({ dir: path.join(os.tmpdir(), `erp-bench-${process.pid}`), port: 54399, persistent: false });
  adminUrl ||= server!.adminUrl;
  const name = `erp_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
  await admin.query(`CREATE DATABASE ${quoteIdent(`${name}_dwh`)}`);
  const url = withDatabase(adminUrl, name);
  const dwhUrl = withDatabase(adminUrl, `${name}_dwh`);
  try {
    await migrateOltp(url);
    await migrateDwh(dwhUrl);
    const pool = createPool(url, { statementTimeout: 600_000 });
    await importDirectory({ pool, dir: path.join(repoRoot(), 'data', 'native'), mapping: 'native', dryRun: false, quiet: true });
    await pool.query(`INSERT INTO auth.users (email, name, role, password_hash) VALUES ('bench@x.example', 'Bench', 'ADMIN', $1)`, [await hashPassword('bench password 123')]);
    const silent = (await import('pino')).default({ level: 'silent' });
    const env = { ...SECRETS, ACCESS_TOKEN_TTL_SECONDS: 900, REFRESH_TOKEN_TTL_DAYS: 1, NODE_ENV: 'production' as const, GATEWAY_PORT: 0, CATALOG_PORT: 0, CUSTOMERS_PORT: 0, SUPPLIERS_PORT: 0, SALES_PORT: 0, ANALYTICS_PORT: 0 };
    const loginTo = async (gatewayUrl: string) =>
      (
        await fetch(gatewayUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: `mutation { login(email: "bench@x.example", password: "bench password 123") { accessToken user { id } } }` }),
        }).then((r) => r.json() as Promise<{ data: { login: { accessToken: string; user: { id: string } } } }>)
      ).data.login;

    // Reads, in-process transport first (then that system is stopped), then HTTP transport.
    const local = await startSystem({ oltpUrl: url, dwhUrl, env, log: silent, ephemeralPorts: true, transport: 'local' });
    const localLogin = await loginTo(local.gatewayUrl);
    const gatewayLocal = await load(local.gatewayUrl, JSON.stringify({ query: ORDERS_QUERY }), { authorization: `Bearer ${localLogin.accessToken}` });
    await local.close();

    const sys = await startSystem({ oltpUrl: url, dwhUrl, env, log: silent, ephemeralPorts: true, transport: 'http' });
    const login = await loginTo(sys.gatewayUrl);
    const token = login.accessToken;
    const gateway = await load(sys.gatewayUrl, JSON.stringify({ query: ORDERS_QUERY }), { authorization: `Bearer ${token}` });
    // The identity token lives 60 s: signed just before the direct run.
    const identity = await signIdentity(SECRETS.SUBGRAPH_SECRET, { userId: Number(login.user.id), email: 'bench@x.example', role: 'ADMIN', requestId: 'bench' });
    const direct = await load(sys.subgraphUrls.sales, JSON.stringify({ query: SALES_ONLY_QUERY }), { [IDENTITY_HEADER]: identity });

    // Confirmations: the stock level closest to 100 free units, free + 100 one-unit DRAFT orders, 50 clients at a time.
    const { rows: [target] } = await pool.query(
      `SELECT product_id, warehouse_id, on_hand - reserved AS free FROM inventory.stock_levels
        WHERE on_hand - reserved > 0 ORDER BY abs(on_hand - reserved - 100), product_id LIMIT 1`,
    );
    const gql = (query: string, variables: object) =>
      fetch(sys.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) }).then(
        (r) => r.json() as Promise<{ data?: any; errors?: any[] }>, // eslint-disable-line @typescript-eslint/no-explicit-any
      );
    const customer = (await pool.query(`SELECT id FROM customers.customers LIMIT 1`)).rows[0].id;
    const ids: string[] = [];
    for (let i = 0; i < target.free + 100; i++) {
      const r = await gql(`mutation($c: ID!, $w: ID!, $p: ID!) { createOrder(input: {customerId: $c, warehouseId: $w, lines: [{productId: $p, quantity: 1, unitPrice: "1.00"}]}) { id } }`, {
        c: String(customer),
        w: String(target.warehouse_id),
        p: String(target.product_id),
      });
      ids.push(r.data.createOrder.id);
    }
    let next = 0;
    let confirmed = 0;
    let refused = 0;
    let other = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < ids.length) {
          const id = ids[next++];
          const r = await gql(`mutation($id: ID!) { confirmOrder(id: $id) { status } }`, { id });
          if (r.data?.confirmOrder?.status === 'CONFIRMED') confirmed++;
          else if (r.errors?.[0]?.extensions?.code === 'INSUFFICIENT_STOCK') refused++;
          else other++;
        }
      }),
    );
    const secs = (Date.now() - started) / 1000;
    const after = (await pool.query(`SELECT on_hand, reserved FROM inventory.stock_levels WHERE product_id = $1 AND warehouse_id = $2`, [target.product_id, target.warehouse_id])).rows[0];
    const oversell = Math.max(0, confirmed - target.free) + (after.reserved > after.on_hand ? 1 : 0);

    console.log(`\nbench/api — ${os.cpus().length} cores, node ${process.version}, ${seconds} s per run, 10 connections, data/native (40,000 orders)`);
    console.table({
      'gateway, subgraphs over HTTP: 20 orders + customer, lines, products, stock': gateway,
      'gateway, subgraphs in-process: the same query': gatewayLocal,
      'sales subgraph alone: same orders, references as ids': direct,
    });
    console.log(`throughput ratios: gateway(HTTP) / sales subgraph ${(gateway.rps / direct.rps).toFixed(2)}, gateway(in-process) / gateway(HTTP) ${(gatewayLocal.rps / gateway.rps).toFixed(2)}`);
    console.log(
      `confirmations: ${ids.length} orders, 50 concurrent clients, ${target.free} units free → ${confirmed} confirmed, ${refused} INSUFFICIENT_STOCK, ${other} other errors, ${(ids.length / secs).toFixed(0)} confirmations/s, oversell ${oversell}`,
    );
    await sys.close();
    await pool.end();
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(`${name}_dwh`)} WITH (FORCE)`);
    await admin.end();
    await server?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
