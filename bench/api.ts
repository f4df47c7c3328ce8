/**
 * bench/api: in one run, on data/native (40,000 orders) and then on the same data grown to 1M orders,
 * - `{ __typename }` (the fixed cost of a request) and the 20-order page (customer, lines, products
 *   with their availability) through the gateway, subgraphs in its process (SUBGRAPH_TRANSPORT=local,
 *   the default of npm start) and over HTTP, and the sales subgraph alone (its share of the page);
 * - order confirmations per second, 50 concurrent clients competing for the same stock, and the
 *   oversell count (must be 0), through the gateway in each transport.
 * The load generator (autocannon) runs in a worker thread, off the servers' event loop.
 * Run: npm run bench -- api [--seconds 10] [--connections 10] [--orders 1000000] [--profile DIR] [--only confirmations]
 * (--only confirmations: the confirmations alone, on data/native: no 1M copy, no page rounds)
 * (--profile: CPU profiles of the process serving the page over HTTP and of the sales subgraph alone,
 * written to DIR with a summary by package).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import autocannon from 'autocannon';
import { createPool, IDENTITY_HEADER, quoteIdent, signIdentity, withDatabase } from '@erp/kit';
import pg from 'pg';
import { startSystem } from '@erp/gateway';
import {
  adminClient,
  args,
  benchDatabases,
  confirmConcurrently,
  createOrdersOfOne,
  growOrders,
  importNative,
  log,
  machine,
  type ApiClient,
  type BenchDatabases,
} from './lib';

const {
  seconds,
  connections,
  orders: targetOrders,
  rounds: roundCount,
} = args({ seconds: 5, connections: 10, orders: 1_000_000, rounds: 3 });
const profileAt = process.argv.indexOf('--profile');
const profileDir = profileAt >= 0 ? path.resolve(process.argv[profileAt + 1] ?? 'bench-profiles') : null;
const SUBGRAPH_SECRET = 'c'.repeat(40);
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : null;
if (only !== null && only !== 'confirmations') {
  console.error(`--only takes "confirmations" (got ${only ?? 'nothing'})`);
  process.exit(2);
}

const TYPENAME = `{ __typename }`;
/** The page a sales screen opens: 20 orders, their customer, lines, and each line's product with its availability. */
export const PAGE_QUERY = `{ orders(first: 20) { edges { node { number status orderedAt customer { name segment }
  lines { quantity unitPrice product { sku name totalOnHand totalAvailable } } } } pageInfo { hasNextPage endCursor } } }`;
/** The sales subgraph's share of the page: the same orders and lines, references as ids. */
const SALES_QUERY = `{ orders(first: 20) { edges { node { number status orderedAt customer { id }
  lines { quantity unitPrice product { id } } } } pageInfo { hasNextPage endCursor } } }`;

interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** autocannon with its requests sent from a worker thread (`workers: 1`): its CPU is not the servers' event loop. */
async function load(url: string, query: string, headers: Record<string, string>): Promise<Load> {
  const r = await autocannon({
    url,
    method: 'POST',
    body: JSON.stringify({ query }),
    headers: { 'content-type': 'application/json', ...headers },
    connections,
    duration: seconds,
    workers: 1,
  });
  return {
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx + r.timeouts,
  };
}

/** One call first: the answer must be data without errors (a failing query would measure error paths). */
async function check(url: string, query: string, headers: Record<string, string>): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as {
    data?: { orders?: { edges: { node: { lines: unknown[] } }[] } };
    errors?: { message: string }[];
  };
  if (!res.ok || body.errors?.length)
    throw new Error(`${url}: HTTP ${res.status} ${JSON.stringify(body.errors ?? body).slice(0, 300)}`);
  const edges = body.data?.orders?.edges;
  return edges ? `${edges.length} orders, ${edges.reduce((n, e) => n + e.node.lines.length, 0)} lines` : '';
}

let session: Session | undefined;
async function profiled<T>(name: string, run: () => Promise<T>): Promise<T> {
  if (!profileDir) return run();
  session ??= new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  try {
    return await run();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(profileDir, { recursive: true });
    writeFileSync(path.join(profileDir, `${name}.cpuprofile`), JSON.stringify(profile));
    writeFileSync(path.join(profileDir, `${name}.txt`), summarise(profile as unknown as CpuProfile));
    session.disconnect();
    log(`profile: ${path.join(profileDir, `${name}.txt`)}`);
  }
}

interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
  }[];
  samples: number[];
  timeDeltas: number[];
}
/** Self time by package (node_modules/NAME, a folder of the repo, node itself) and the top functions. */
function summarise(p: CpuProfile): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const area = (url: string) => {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (m) return m[1]!;
    if (!url) return '(native: gc, idle, program)';
    if (url.startsWith('node:')) return url;
    const rel = url.replace(/^file:\/\//, '').replace(/^.*?\/(kit|gateway|subgraphs\/\w+|bench)\//, '$1/');
    return rel
      .split('/')
      .slice(0, rel.startsWith('subgraphs') ? 2 : 1)
      .join('/');
  };
  const byArea = new Map<string, number>();
  const byFn = new Map<string, number>();
  for (const [id, t] of self) {
    const n = byId.get(id)!;
    const a = area(n.callFrame.url);
    byArea.set(a, (byArea.get(a) ?? 0) + t);
    const fn = `${n.callFrame.functionName || '(anonymous)'} ${a}:${n.callFrame.lineNumber + 1}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + t);
  }
  const top = (m: Map<string, number>, k: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([name, t]) => `${((100 * t) / total).toFixed(1).padStart(5)} %  ${name}`)
      .join('\n');
  return `self time ${(total / 1e6).toFixed(1)} s\n\nby package\n${top(byArea, 25)}\n\ntop functions\n${top(byFn, 40)}\n`;
}

/**
 * Confirmations: the stock level closest to `free` free units, free + 100 one-unit DRAFT orders on it,
 * then 50 clients confirming them as fast as they can. Exactly `free` must be confirmed.
 */
async function confirmations(db: BenchDatabases, api: ApiClient, free: number, exclude: number[]) {
  const {
    rows: [target],
  } = await db.pool.query(
    `SELECT product_id, warehouse_id, on_hand - reserved AS free FROM inventory.stock_levels
      WHERE on_hand - reserved > 0 AND NOT product_id = ANY($2) ORDER BY abs(on_hand - reserved - $1), product_id LIMIT 1`,
    [free, exclude],
  );
  const customer = (
    await db.pool.query(`SELECT id FROM customers.customers WHERE status = 'ACTIVE' ORDER BY id LIMIT 1`)
  ).rows[0].id;
  const count = target.free + 100;
  const ids = await createOrdersOfOne(api, count, { customer, ...target });
  const started = performance.now();
  const tally = await confirmConcurrently(api, ids, 50);
  const secs = (performance.now() - started) / 1000;
  const after = (
    await db.pool.query(
      `SELECT on_hand, reserved FROM inventory.stock_levels WHERE product_id = $1 AND warehouse_id = $2`,
      [target.product_id, target.warehouse_id],
    )
  ).rows[0];
  const oversell = Math.max(0, tally.confirmed - target.free) + (after.reserved > after.on_hand ? 1 : 0);
  return {
    orders: ids.length,
    free: target.free as number,
    productId: target.product_id as number,
    ...tally,
    perSecond: Math.round(ids.length / secs),
    oversell,
  };
}

interface Target {
  name: string;
  url: () => string;
  query: string;
  headers: () => Promise<Record<string, string>>;
  /** `{ __typename }` of the same door, for the ratio. */
  baseline?: string;
}

/**
 * Each target once per round, rounds one after the other, and the median of the rounds: the pairs
 * compared (a page and its door's `{ __typename }`, 40k and 1M orders) are measured minutes apart at
 * most, under the same background load.
 */
async function rounds(
  targets: Target[],
  count: number,
  results: Record<string, Load[]>,
  answers: Record<string, string>,
) {
  for (const t of targets) answers[t.name] = await check(t.url(), t.query, await t.headers());
  for (let r = 1; r <= count; r++) {
    for (const t of targets) {
      const h = await t.headers();
      const res = await (r === 1 && profileDir
        ? profiled(t.name.replace(/\W+/g, '-'), () => load(t.url(), t.query, h))
        : load(t.url(), t.query, h));
      (results[t.name] ??= []).push(res);
    }
    log(`round ${r}/${count}: ${targets.map((t) => `${t.name} ${results[t.name]!.at(-1)!.rps}`).join(', ')}`);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

type BenchDb = Awaited<ReturnType<typeof benchDatabases>>;
type Native = Awaited<ReturnType<typeof importNative>>;
type Size = { orders: number; lines: number };

/** `--only confirmations`: the concurrent confirmations on data/native, one product per transport. */
async function confirmationsOnly(db: BenchDb, native: Native, base: Size) {
  db.pool = createPool(db.url, { statementTimeout: 600_000 });
  const silent = (await import('pino')).default({ level: 'silent' });
  console.log(
    `\nbench/api --only confirmations — ${machine(db)}; load average ${(await import('node:os'))
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}; data/native (${base.orders} orders, ${base.lines} lines)`,
  );
  const used: number[] = [];
  for (const transport of ['local', 'http'] as const) {
    const sys = await startSystem({
      oltpUrl: db.url,
      dwhUrl: db.dwhUrl,
      env: native.env,
      log: silent,
      ephemeralPorts: true,
      transport,
    });
    try {
      const c = await confirmations(db, await adminClient(sys.gatewayUrl), 400, used);
      used.push(c.productId);
      console.log(
        `confirmations, ${transport}: ${c.orders} orders, 50 concurrent clients, ${c.free} units free → ${c.confirmed} confirmed, ${c.refused} INSUFFICIENT_STOCK, ${c.other} other errors${c.firstOther ? ` (${c.firstOther})` : ''}; ${c.perSecond} confirmations/s; oversell ${c.oversell}`,
      );
    } finally {
      await sys.close();
    }
  }
}

/** The table of medians, each page against its door's `{ __typename }`, and the confirmations. */
function printReport(
  db: BenchDb,
  base: Size,
  size: Size,
  results: Record<string, Load[]>,
  answers: Record<string, string>,
  confirms: string[],
) {
  console.log(
    `\nbench/api — ${machine(db)}; NODE_ENV=${process.env.NODE_ENV ?? ''}; autocannon ${connections} connections from a worker thread, ${seconds} s per run, median of ${roundCount} rounds`,
  );
  console.log(
    `data: data/native (${base.orders} orders, ${base.lines} lines) and a copy grown to ${size.orders} orders, ${size.lines} lines\n`,
  );
  const table: Record<
    string,
    {
      rps: number;
      p50: number;
      p99: number;
      errors: number;
      rounds: string;
      ofTypename: string;
      answer: string;
    }
  > = {};
  const rps = (name: string) => median(results[name]!.map((r) => r.rps));
  for (const [name, runs] of Object.entries(results)) {
    const baseline =
      Object.values(results).length && name.includes(': page')
        ? name.replace(/: page.*/, ': { __typename }')
        : name.includes('share of the page')
          ? name.replace(/: its share.*/, ': { __typename }')
          : '';
    table[name] = {
      rps: rps(name),
      p50: median(runs.map((r) => r.p50)),
      p99: median(runs.map((r) => r.p99)),
      errors: runs.reduce((n, r) => n + r.errors, 0),
      rounds: runs.map((r) => r.rps).join(' / '),
      ofTypename: baseline ? `${((100 * rps(name)) / rps(baseline)).toFixed(1)} %` : '',
      answer: answers[name] ?? '',
    };
  }
  console.table(table);
  for (const door of [
    'gateway, in-process (local)',
    'gateway, subgraphs over HTTP',
    'sales subgraph alone',
  ]) {
    const page = door.startsWith('sales') ? `${door}: its share of the page` : `${door}: page`;
    const [t, small, big] = [
      rps(`${door}: { __typename }`),
      rps(`${page}, 40k orders`),
      rps(`${page}, 1M orders`),
    ];
    console.log(
      `${door}: page ${((100 * small) / t).toFixed(1)} % of { __typename } (goal ≥ 10 %); 1M / 40k orders ${(big / small).toFixed(2)} (goal ≥ 0.90)`,
    );
  }
  for (const c of confirms) console.log(`confirmations, ${c}`);
}

async function main() {
  if (process.env.NODE_ENV !== 'production')
    log('NODE_ENV is not production: graphql-js runs its development checks (npm run bench -- api sets it)');
  const db = await benchDatabases('api', 54399);
  const bigName = `${new URL(db.url).pathname.slice(1)}_1m`;
  const bigUrl = withDatabase(db.adminUrl, bigName);
  const admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
  const results: Record<string, Load[]> = {};
  const answers: Record<string, string> = {};
  const confirms: string[] = [];
  try {
    const native = await importNative(db);
    await db.pool.query('VACUUM ANALYZE');
    const base = (
      await db.pool.query(
        `SELECT (SELECT count(*) FROM sales.orders)::int AS orders, (SELECT count(*) FROM sales.order_lines)::int AS lines`,
      )
    ).rows[0];
    // The same data, grown to 1M orders in a copy: both sizes served side by side, measured in turns.
    await db.pool.end();
    if (only === 'confirmations') return await confirmationsOnly(db, native, base);
    await admin.query(
      `CREATE DATABASE ${quoteIdent(bigName)} TEMPLATE ${quoteIdent(new URL(db.url).pathname.slice(1))}`,
    );
    db.pool = createPool(db.url, { statementTimeout: 600_000 });
    const bigPool = createPool(bigUrl, { statementTimeout: 3_600_000 });
    log(`growing a copy to ${targetOrders} orders`);
    const size = await growOrders(bigPool, targetOrders);
    await bigPool.end();
    log(`grown: ${size.orders} orders, ${size.lines} lines in ${size.seconds.toFixed(0)} s`);

    const silent = (await import('pino')).default({ level: 'silent' });
    const startOn = (oltpUrl: string, transport: 'local' | 'http') =>
      startSystem({
        oltpUrl,
        dwhUrl: db.dwhUrl,
        env: native.env,
        log: silent,
        ephemeralPorts: true,
        transport,
      });
    const identity = async () => ({
      [IDENTITY_HEADER]: await signIdentity(SUBGRAPH_SECRET, {
        userId: 1,
        email: 'bench@x.example',
        role: 'ADMIN',
        requestId: 'bench',
      }),
    });
    for (const transport of ['local', 'http'] as const) {
      const door = `gateway, ${transport === 'local' ? 'in-process (local)' : 'subgraphs over HTTP'}`;
      const small = await startOn(db.url, transport);
      const big = await startOn(bigUrl, transport);
      try {
        const [a, b] = [await adminClient(small.gatewayUrl), await adminClient(big.gatewayUrl)];
        const bearer = (c: ApiClient) => async () => ({ authorization: `Bearer ${c.token}` });
        const targets: Target[] = [
          {
            name: `${door}: { __typename }`,
            url: () => small.gatewayUrl,
            query: TYPENAME,
            headers: bearer(a),
          },
          {
            name: `${door}: page, 40k orders`,
            url: () => small.gatewayUrl,
            query: PAGE_QUERY,
            headers: bearer(a),
            baseline: `${door}: { __typename }`,
          },
          {
            name: `${door}: page, 1M orders`,
            url: () => big.gatewayUrl,
            query: PAGE_QUERY,
            headers: bearer(b),
            baseline: `${door}: { __typename }`,
          },
        ];
        if (transport === 'http') {
          // The sales subgraph alone, called as the gateway calls it (identity signed just before each run: it lives 60 s).
          const sales = 'sales subgraph alone';
          targets.push(
            {
              name: `${sales}: { __typename }`,
              url: () => small.subgraphUrls.sales!,
              query: TYPENAME,
              headers: identity,
            },
            {
              name: `${sales}: its share of the page, 40k orders`,
              url: () => small.subgraphUrls.sales!,
              query: SALES_QUERY,
              headers: identity,
              baseline: `${sales}: { __typename }`,
            },
            {
              name: `${sales}: its share of the page, 1M orders`,
              url: () => big.subgraphUrls.sales!,
              query: SALES_QUERY,
              headers: identity,
              baseline: `${sales}: { __typename }`,
            },
          );
        }
        await rounds(targets, roundCount, results, answers);
      } finally {
        await big.close();
        await small.close();
      }
    }
    // Confirmations last (their orders become the newest, i.e. the page's), on the imported data,
    // a different product per transport.
    const used: number[] = [];
    for (const transport of ['local', 'http'] as const) {
      const sys = await startOn(db.url, transport);
      try {
        const c = await confirmations(db, await adminClient(sys.gatewayUrl), 400, used);
        used.push(c.productId);
        confirms.push(
          `${transport}: ${c.orders} orders on product ${c.productId}, 50 concurrent clients, ${c.free} units free → ${c.confirmed} confirmed, ${c.refused} INSUFFICIENT_STOCK, ${c.other} other errors${c.firstOther ? ` (${c.firstOther})` : ''}; ${c.perSecond} confirmations/s; oversell ${c.oversell}`,
        );
        log(`confirmations (${transport}): ${c.perSecond}/s, oversell ${c.oversell}`);
      } finally {
        await sys.close();
      }
    }

    printReport(db, base, size, results, answers, confirms);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(bigName)} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await db.pool.end().catch(() => undefined);
    await db.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
