/**
 * What the benchmarks share: throw-away databases (on DATABASE_URL's server or an embedded
 * PostgreSQL), data/native imported and loaded into a warehouse by the ETL through the API, a
 * running system and an ADMIN client, the fact table grown synthetically, and timing statistics.
 */
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { print } from 'graphql';
import type { TypedDocumentNode } from '@erp/sdk';
import { createPool, quoteIdent, repoRoot, startEmbeddedServer, withDatabase } from '@erp/kit';
import { migrateOltp } from '@erp/kit/db/migrate';
import { migrateDwh } from '@erp/dwh-schema';
import { importDirectory } from '@erp/data';
import { runEtl } from '@erp/etl';
import { refreshRollups, refreshStaleRollups } from '@erp/semantic';
import { ANY_PORTS, hashPassword, startSystem, type RunningSystem } from '@erp/gateway';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : dflt;
};
/** The numeric options of a run (`--name value`), each with its default. */
export const args = <K extends string>(defaults: Record<K, number>): Record<K, number> =>
  Object.fromEntries(Object.entries<number>(defaults).map(([k, v]) => [k, arg(k, v)])) as Record<K, number>;
/** A switch of a run (`--name`). */
export const flag = (name: string) => process.argv.includes(`--${name}`);
export const log = (s: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${s}`);

export interface Stat {
  runs: number;
  p50: number;
  p95: number;
  note: string;
}
export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(p * s.length) - 1)]!;
};
export const ms = (x: number) => Math.round(x * 10) / 10;

/** One warm-up call, then `runs` timed calls in sequence; a failing call stops the series and is noted. */
export async function measure(runs: number, call: () => Promise<string>): Promise<Stat> {
  let note = '';
  try {
    note = await call();
  } catch (err) {
    return { runs: 0, p50: NaN, p95: NaN, note: String((err as Error).message).slice(0, 140) };
  }
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await call();
    times.push(performance.now() - t0);
  }
  return { runs, p50: ms(pct(times, 0.5)), p95: ms(pct(times, 0.95)), note };
}

export const PASSWORD = 'bench password 123';
const SECRETS = { JWT_SECRET: 'b'.repeat(40), SUBGRAPH_SECRET: 'c'.repeat(40) };

/** How every bench system runs: in production mode, with day-long tokens, on ephemeral ports. */
export const BENCH_ENV = {
  ...SECRETS,
  ACCESS_TOKEN_TTL_SECONDS: 86_400,
  REFRESH_TOKEN_TTL_DAYS: 1,
  NODE_ENV: 'production' as const,
  ...ANY_PORTS,
};

/** A system on the given databases with BENCH_ENV; its logs are off unless `level` says otherwise. */
export async function startBenchSystem(
  oltpUrl: string,
  dwhUrl: string,
  opts: { transport?: 'http' | 'local'; level?: string } = {},
): Promise<RunningSystem> {
  const log = (await import('pino')).default({ level: opts.level ?? 'silent' });
  return startSystem({
    oltpUrl,
    dwhUrl,
    env: BENCH_ENV,
    log,
    ephemeralPorts: true,
    transport: opts.transport,
  });
}

/** data/native imported into a bench database, with the time it took. */
export async function importNativeData(pool: pg.Pool): Promise<void> {
  const t0 = Date.now();
  await importDirectory({
    pool,
    dir: path.join(repoRoot(), 'data', 'native'),
    mapping: 'native',
    dryRun: false,
    quiet: true,
  });
  log(`import data/native: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

export interface BenchDatabases {
  adminUrl: string;
  url: string;
  dwhUrl: string;
  pool: pg.Pool;
  dwh: pg.Pool;
  pgVersion: string;
  embedded: boolean;
  /** Drops the databases (unless kept) and stops the embedded server. */
  close(keep?: boolean): Promise<void>;
}

/** An OLTP and a warehouse database, migrated, on DATABASE_URL's server or a throw-away embedded one. */
export async function benchDatabases(label: string, embeddedPort: number): Promise<BenchDatabases> {
  let adminUrl = process.env.DATABASE_URL ? withDatabase(process.env.DATABASE_URL, 'postgres') : '';
  const server = adminUrl
    ? undefined
    : await startEmbeddedServer({
        dir: path.join(os.tmpdir(), `erp-bench-${label}-${process.pid}`),
        port: embeddedPort,
        persistent: false,
      });
  adminUrl ||= server!.adminUrl;
  const name = `erp_bench_${label}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const pgVersion = (await admin.query(`SHOW server_version`)).rows[0].server_version as string;
  await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
  await admin.query(`CREATE DATABASE ${quoteIdent(`${name}_dwh`)}`);
  const url = withDatabase(adminUrl, name);
  const dwhUrl = withDatabase(adminUrl, `${name}_dwh`);
  await migrateOltp(url);
  await migrateDwh(dwhUrl);
  const pool = createPool(url, { statementTimeout: 600_000 });
  const dwh = createPool(dwhUrl, { statementTimeout: 3_600_000 });
  return {
    adminUrl,
    url,
    dwhUrl,
    pool,
    dwh,
    pgVersion,
    embedded: Boolean(server),
    async close(keep = false) {
      await pool.end().catch(() => undefined);
      await dwh.end().catch(() => undefined);
      if (keep && !server) console.log(`kept: ${url} and ${dwhUrl}`);
      else {
        await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
        await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(`${name}_dwh`)} WITH (FORCE)`);
      }
      await admin.end();
      await server?.stop();
    },
  };
}

export interface NativeSystem {
  sys: RunningSystem;
  env: Parameters<typeof startSystem>[0]['env'];
  etlSeconds: number;
  rowsWritten: number;
  /** Starts another system on the same databases (e.g. with the local transport). */
  start(transport: 'http' | 'local'): Promise<RunningSystem>;
}

/** data/native imported and a bench ADMIN (and the ETL's account); `start` starts the system on it. */
export async function importNative(db: BenchDatabases): Promise<Pick<NativeSystem, 'env' | 'start'>> {
  await importNativeData(db.pool);
  const hash = await hashPassword(PASSWORD);
  await db.pool.query(
    `INSERT INTO auth.users (email, name, role, password_hash) VALUES ('bench@x.example', 'Bench', 'ADMIN', $1), ('etl@x.example', 'ETL', 'ANALYST', $1)`,
    [hash],
  );
  const start = (transport: 'http' | 'local') => startBenchSystem(db.url, db.dwhUrl, { transport });
  return { env: BENCH_ENV, start };
}

/** data/native imported, a bench ADMIN and the ETL's account, the system started, the warehouse loaded by the ETL through the API. */
export async function loadNative(db: BenchDatabases): Promise<NativeSystem> {
  const { env, start } = await importNative(db);
  const sys = await start('http');
  const t0 = Date.now();
  const run = await runEtl({
    gatewayUrl: sys.gatewayUrl,
    credentials: { email: 'etl@x.example', password: PASSWORD },
    dwhUrl: db.dwhUrl,
  });
  if (run.status !== 'SUCCEEDED') throw new Error(`ETL: ${run.message}`);
  // The pipeline's rollups stage, counted with the ETL as when the ETL refreshed them itself.
  await refreshStaleRollups(db.dwh);
  const etlSeconds = (Date.now() - t0) / 1000;
  log(`ETL and rollups: ${run.rowsWritten} rows written in ${etlSeconds.toFixed(1)} s`);
  return { sys, env, etlSeconds, rowsWritten: run.rowsWritten, start };
}

export interface ApiClient {
  url: string;
  token: string;
  /** The data of a request that must succeed: typed by a generated document, or as the caller says for a query text. */
  gql<R, V extends object = object>(query: string | TypedDocumentNode<R, V>, variables?: V): Promise<R>;
  /** The raw response (status and errors kept), for concurrency counts. */
  raw(
    query: string,
    variables?: object,
  ): Promise<{
    status: number;
    errors?: { message: string; extensions?: { code?: string } }[];
    data?: unknown;
  }>;
}

/** Logs the bench ADMIN in at a gateway. */
export async function adminClient(url: string): Promise<ApiClient> {
  const login = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: `mutation { login(email: "bench@x.example", password: "${PASSWORD}") { accessToken } }`,
    }),
  }).then((r) => r.json() as Promise<{ data: { login: { accessToken: string } } }>);
  const token = login.data.login.accessToken;
  const raw: ApiClient['raw'] = async (query, variables = {}) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json().catch(() => ({}))) as {
      errors?: { message: string; extensions?: { code?: string } }[];
      data?: unknown;
    };
    return { status: res.status, ...body };
  };
  return {
    url,
    token,
    raw,
    async gql<R>(query: string | TypedDocumentNode<R, object>, variables = {}) {
      const r = await raw(typeof query === 'string' ? query : print(query), variables);
      if (r.errors?.length) throw new Error(r.errors[0]!.message);
      return r.data as R; // the gateway answered without errors: the data has the document's shape
    },
  };
}

export interface Growth {
  seconds: number;
  analyze: number;
  copies: number;
  orphans: number;
}

/**
 * Grows dw.fact_sales to `lines`: copies of the original lines with new order ids (offset per copy),
 * their dates moved by a per-copy number of days within the same calendar span (wrapping), every
 * other key unchanged (so every dimension stays as loaded).
 */
async function growFacts(dwh: pg.Pool, lines: number): Promise<Growth> {
  const grow: Growth = { seconds: 0, analyze: 0, copies: 0, orphans: -1 };
  const {
    rows: [b],
  } = await dwh.query(
    `SELECT count(*)::bigint AS n, max(sales_line_key)::bigint AS max_key, max(order_id)::int AS max_order,
            min(d.full_date)::text AS d0, (max(d.full_date) - min(d.full_date) + 1)::int AS days
       FROM dw.fact_sales f JOIN dw.dim_date d ON d.date_key = f.order_date_key`,
  );
  const original = Number(b.n);
  if (lines <= original) return grow;
  const copies = Math.ceil((lines - original) / original);
  const stride = Number(b.max_order) + 1;
  if ((copies + 1) * stride > 2_000_000_000) throw new Error('order ids would overflow integer');
  let t0 = Date.now();
  let left = lines - original;
  // The foreign keys of the copies are the originals' (valid) keys, and the dates stay inside dim_date's
  // span (checked after), so the per-row FK triggers are skipped while loading (superuser session setting).
  const client = await dwh.connect();
  try {
    await client.query(`SET session_replication_role = replica`);
    for (let g = 1; g <= copies && left > 0; g++) {
      const n = Math.min(left, original);
      const shift = (g * 37) % b.days;
      await client.query(
        `INSERT INTO dw.fact_sales (order_id, line_no, order_number, order_date_key, product_key, customer_key, geography_key, warehouse_key,
                                    status_key, kind_key, sales_rep_id, currency, ordered_at, quantity, unit_price, discount, tax_rate,
                                    net_amount, tax_amount, gross_amount, unit_cost, cost_amount, margin_amount, run_id)
         SELECT f.order_id + $1::int * $2::int, f.line_no, f.order_number || '-S' || $1::int,
                to_char(nd, 'YYYYMMDD')::int, f.product_key, f.customer_key, f.geography_key, f.warehouse_key,
                f.status_key, f.kind_key, f.sales_rep_id, f.currency, f.ordered_at + (nd - d.full_date) * interval '1 day',
                f.quantity, f.unit_price, f.discount, f.tax_rate, f.net_amount, f.tax_amount, f.gross_amount, f.unit_cost, f.cost_amount, f.margin_amount, f.run_id
           FROM dw.fact_sales f JOIN dw.dim_date d ON d.date_key = f.order_date_key,
                LATERAL (SELECT $3::date + ((d.full_date - $3::date + $4::int) % $5::int) AS nd) s
          WHERE f.sales_line_key <= $6
          ORDER BY f.sales_line_key LIMIT $7`,
        [g, stride, b.d0, shift, b.days, b.max_key, n],
      );
      left -= n;
      grow.copies = g;
      if (g % 5 === 0 || left === 0)
        log(`grow: copy ${g}/${copies}, ${lines - left} lines, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    }
    await client.query(`RESET session_replication_role`);
  } finally {
    client.release();
  }
  grow.seconds = (Date.now() - t0) / 1000;
  // Every fact's date key is in dim_date (the only key changed); the others are copied.
  grow.orphans = (
    await dwh.query(
      `SELECT count(*)::int AS n FROM dw.fact_sales f WHERE NOT EXISTS (SELECT 1 FROM dw.dim_date d WHERE d.date_key = f.order_date_key)`,
    )
  ).rows[0].n;
  if (grow.orphans) throw new Error(`${grow.orphans} facts with a date outside dim_date`);
  t0 = Date.now();
  await dwh.query(`VACUUM ANALYZE dw.fact_sales`);
  grow.analyze = (Date.now() - t0) / 1000;
  return grow;
}

/** growFacts, then every rollup refreshed from the grown facts (timed, in seconds). */
export async function growFactsAndRollups(dwh: pg.Pool, lines: number) {
  const grow = await growFacts(dwh, lines);
  const t0 = Date.now();
  const rollups = await refreshRollups(dwh, 'all');
  return { ...grow, refresh: (Date.now() - t0) / 1000, rollups };
}

export function machine(db: BenchDatabases): string {
  const cpu = os.cpus()[0]?.model ?? '?';
  return `${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, node ${process.version}, PostgreSQL ${db.pgVersion} (${db.embedded ? 'embedded' : 'server'})`;
}

/**
 * Grows sales.orders to `target` orders by SQL: copies of the loaded orders (and their lines) with
 * new ids and numbers, their dates moved back by whole years so each copy keeps the loaded calendar
 * shape, every reference unchanged (so every customer and product stays as imported).
 */
export async function growOrders(pool: pg.Pool, target: number) {
  const t0 = Date.now();
  const {
    rows: [b],
  } = await pool.query(`SELECT count(*)::int AS n, max(id)::int AS max_id FROM sales.orders`);
  const copies = Math.ceil((target - b.n) / b.n);
  const client = await pool.connect();
  try {
    // The copies' references are the originals' (valid): foreign-key triggers are skipped while loading.
    await client.query(`SET session_replication_role = replica`);
    let left = target - b.n;
    for (let g = 1; g <= copies && left > 0; g++) {
      const n = Math.min(left, b.n);
      await client.query(
        `INSERT INTO sales.orders (id, number, kind, status, customer_id, sales_rep_id, warehouse_id, currency, ordered_at, confirmed_at, shipped_at,
                                   delivered_at, cancelled_at, notes, created_at, updated_at)
         SELECT o.id + $1::int * $2::int, o.number || '-G' || $1::int, o.kind, o.status, o.customer_id, o.sales_rep_id, o.warehouse_id, o.currency,
                o.ordered_at - make_interval(years => $1::int), o.confirmed_at - make_interval(years => $1::int), o.shipped_at - make_interval(years => $1::int),
                o.delivered_at - make_interval(years => $1::int), o.cancelled_at - make_interval(years => $1::int), o.notes, o.created_at, o.updated_at
           FROM sales.orders o WHERE o.id <= $2 ORDER BY o.id LIMIT $3`,
        [g, b.max_id, n],
      );
      await client.query(
        `INSERT INTO sales.order_lines (order_id, line_no, product_id, quantity, unit_price, discount, tax_rate, created_at, updated_at)
         SELECT l.order_id + $1::int * $2::int, l.line_no, l.product_id, l.quantity, l.unit_price, l.discount, l.tax_rate, l.created_at, l.updated_at
           FROM sales.order_lines l WHERE l.order_id + $1::int * $2::int IN (SELECT id FROM sales.orders WHERE id > $1::int * $2::int AND id <= ($1::int + 1) * $2::int)`,
        [g, b.max_id],
      );
      left -= n;
      if (g % 5 === 0 || left <= 0)
        log(
          `grow: copy ${g}/${copies}, ${target - Math.max(0, left)} orders, ${((Date.now() - t0) / 1000).toFixed(0)} s`,
        );
    }
    await client.query(`RESET session_replication_role`);
    await client.query(
      `SELECT setval(pg_get_serial_sequence('sales.orders', 'id'), (SELECT max(id) FROM sales.orders))`,
    );
    await client.query(
      `SELECT setval(pg_get_serial_sequence('sales.order_lines', 'id'), (SELECT max(id) FROM sales.order_lines))`,
    );
  } finally {
    client.release();
  }
  await pool.query(`VACUUM ANALYZE sales.orders`);
  await pool.query(`VACUUM ANALYZE sales.order_lines`);
  const {
    rows: [a],
  } = await pool.query(
    `SELECT (SELECT count(*) FROM sales.orders)::int AS orders, (SELECT count(*) FROM sales.order_lines)::int AS lines`,
  );
  return { orders: a.orders as number, lines: a.lines as number, seconds: (Date.now() - t0) / 1000 };
}

/** Confirms the orders with `clients` concurrent callers (each takes the next id): confirmed, refused for stock, anything else (the first one kept). */
/** `count` draft orders of one unit of a product, created by 20 clients at once; their ids. */
export async function createOrdersOfOne(
  api: ApiClient,
  count: number,
  of: { customer: number | string; warehouse_id: number | string; product_id: number | string },
): Promise<string[]> {
  const ids: string[] = [];
  let made = 0;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (made < count) {
        made++;
        const r = await api.gql<{ createOrder: { id: string } }>(
          `mutation($c: ID!, $w: ID!, $p: ID!) { createOrder(input: {customerId: $c, warehouseId: $w, lines: [{productId: $p, quantity: 1, unitPrice: "1.00"}]}) { id } }`,
          { c: String(of.customer), w: String(of.warehouse_id), p: String(of.product_id) },
        );
        ids.push(r.createOrder.id);
      }
    }),
  );
  return ids;
}

export async function confirmConcurrently(api: ApiClient, ids: readonly string[], clients: number) {
  let next = 0;
  const tally = { confirmed: 0, refused: 0, other: 0, firstOther: '' };
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < ids.length) {
        const id = ids[next++];
        const r = await api.raw(`mutation($id: ID!) { confirmOrder(id: $id) { status } }`, { id });
        if (
          (r.data as { confirmOrder?: { status: string } } | undefined)?.confirmOrder?.status === 'CONFIRMED'
        )
          tally.confirmed++;
        else if (r.errors?.[0]?.extensions?.code === 'INSUFFICIENT_STOCK') tally.refused++;
        else {
          tally.other++;
          tally.firstOther ||= JSON.stringify(r.errors?.[0] ?? r).slice(0, 200);
        }
      }
    }),
  );
  return tally;
}
