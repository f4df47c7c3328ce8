/**
 * Mining benchmark: RFM + K-Means at 100k customers and Isolation Forest at 1M orders (synthetic,
 * seeded feature arrays), next to an SQL-only RFM over the same 100k customers' orders in a
 * throw-away database (DATABASE_URL's server, or the embedded PostgreSQL under .data/). Each part
 * runs in its own child process, so its peak memory (max RSS) is its own.
 * The library paths (ml-kmeans, the isolation-forest package) run in the same invocation as the
 * same-run baselines.
 *   npx tsx bench/mining.ts [--customers 100000] [--orders 1000000] [--only PART]
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { baseEnv, connectDatabases, parseEnv, quoteIdent, withDatabase } from '@erp/kit';
import pg from 'pg';
import { kmeans } from 'ml-kmeans';
import {
  clusterCustomers,
  computeRfm,
  FEATURES,
  fitIsolationForest,
  mulberry32,
  sampleIndices,
  scoreIsolationForest,
  silhouette,
  type FeatureMatrix,
  type FeatureVector,
  type RfmOrder,
  type RfmRow,
} from '@erp/mining';
import { referenceScores } from '@erp/mining/test/fixtures';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CUSTOMERS = arg('customers', 100_000);
const ORDERS = arg('orders', 1_000_000);
const REF = '2026-11-01';

/** ~5 orders per customer (geometric), 1 % returns, 3 % cancelled, over two years; seeded. */
function syntheticOrders(customers: number): RfmOrder[] {
  const rand = mulberry32(2026);
  const out: RfmOrder[] = [];
  let id = 0;
  for (let c = 1; c <= customers; c++) {
    const n = 1 + Math.floor(-Math.log(1 - rand()) * 4);
    const scale = Math.exp(rand() * 4);
    for (let k = 0; k < n; k++) {
      const day = Math.floor(rand() * 790);
      const date = new Date(Date.UTC(2024, 8, 1) + day * 86_400_000).toISOString().slice(0, 10);
      const ret = rand() < 0.01;
      out.push({
        customerId: c,
        orderId: ++id,
        kind: ret ? 'RETURN' : 'SALE',
        booked: rand() >= 0.03,
        isGuest: false,
        orderDate: date,
        netCents: (ret ? -1 : 1) * Math.round(scale * (1000 + rand() * 20_000)),
      });
    }
  }
  return out;
}

function syntheticFeatures(n: number): FeatureVector[] {
  const rand = mulberry32(7);
  return Array.from(
    { length: n },
    () => Object.fromEntries(FEATURES.map((f) => [f, -Math.log(1 - rand())])) as FeatureVector,
  );
}

function syntheticMatrix(n: number): FeatureMatrix {
  const rand = mulberry32(7);
  const values = new Float64Array(n * FEATURES.length);
  for (let i = 0; i < values.length; i++) values[i] = -Math.log(1 - rand());
  return { values, rows: n, cols: FEATURES.length };
}

/**
 * The library path of K-Means, as mining ran it before its own: ml-kmeans (k-means++ from the seed,
 * 300 iterations at most) on the same z-scores for each k, and the same sample silhouette; returns the chosen k.
 */
function libraryKMeans(rfm: RfmRow[], seed: number): { k: number; inertia: number[] } {
  const cols = [0, 1, 2].map((j) =>
    rfm.map(
      (p) => [Math.log1p(p.recencyDays), Math.log1p(p.frequency), Math.log1p(Math.max(0, p.monetary))][j]!,
    ),
  );
  const mu = cols.map((c) => c.reduce((a, v) => a + v, 0) / c.length);
  const sd = cols.map((c, j) => Math.sqrt(c.reduce((a, v) => a + (v - mu[j]!) ** 2, 0) / c.length) || 1);
  const z = rfm.map((_, i) => cols.map((c, j) => (c[i]! - mu[j]!) / sd[j]!));
  const sample = sampleIndices(z.length, 3000, mulberry32(seed)).sort((a, b) => a - b);
  const xs = Float64Array.from(sample.flatMap((i) => z[i]!));
  let best = { k: 0, s: -Infinity };
  const inertia: number[] = [];
  for (let k = 2; k <= 8; k++) {
    const r = kmeans(z, k, { seed, initialization: 'kmeans++', maxIterations: 300 });
    inertia.push(
      z.reduce((a, p, i) => a + p.reduce((b, v, t) => b + (v - r.centroids[r.clusters[i]!]![t]!) ** 2, 0), 0),
    );
    const s = silhouette(
      xs,
      3,
      Int32Array.from(sample, (i) => r.clusters[i]!),
    );
    if (s > best.s + 1e-12) best = { k, s };
  }
  return { k: best.k, inertia };
}

const timed = async <T>(fn: () => Promise<T> | T): Promise<[T, number]> => {
  const t0 = performance.now();
  const r = await fn();
  return [r, (performance.now() - t0) / 1000];
};

async function part(name: string): Promise<Record<string, unknown>> {
  if (name === 'rfm-kmeans') {
    const orders = syntheticOrders(CUSTOMERS);
    const [rfm, rfmS] = await timed(() => computeRfm(orders, REF));
    const cpu0 = process.cpuUsage();
    const [km, kmS] = await timed(() => clusterCustomers(rfm, { seed: 42 }));
    const cpu = process.cpuUsage(cpu0);
    return {
      orders: orders.length,
      customers: rfm.length,
      rfmSeconds: rfmS,
      kmeansSeconds: kmS,
      kmeansCpuSeconds: (cpu.user + cpu.system) / 1e6,
      k: km.k,
      inertia: km.curve.map((c) => Math.round(c.inertia)),
    };
  }
  if (name === 'kmeans-library') {
    const rfm = computeRfm(syntheticOrders(CUSTOMERS), REF);
    const cpu0 = process.cpuUsage();
    const [km, kmS] = await timed(() => libraryKMeans(rfm, 42));
    const cpu = process.cpuUsage(cpu0);
    return {
      customers: rfm.length,
      kmeansSeconds: kmS,
      kmeansCpuSeconds: (cpu.user + cpu.system) / 1e6,
      k: km.k,
      inertia: km.inertia.map(Math.round),
    };
  }
  if (name.startsWith('iforest-ours')) {
    // the features as the typed-array matrix the forest works on (no object per order); ψ 256 (the
    // standard) and 16,384 (mining's default, mining/README.md); -100k: the package's data size
    const psi = name.includes('16384') ? 16_384 : 256;
    const m = syntheticMatrix(name.endsWith('100k') ? Math.round(ORDERS / 10) : ORDERS);
    const cpu0 = process.cpuUsage();
    const [model, fitS] = await timed(() => fitIsolationForest(m, { seed: 42, trees: 100, sampleSize: psi }));
    const [, scoreS] = await timed(() => scoreIsolationForest(model, m));
    const cpu = process.cpuUsage(cpu0);
    // CPU seconds next to wall seconds: on a shared machine the wall clock includes the time others ran
    return {
      orders: m.rows,
      features: m.cols,
      trees: 100,
      sampleSize: psi,
      fitSeconds: fitS,
      scoreSeconds: scoreS,
      seconds: fitS + scoreS,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
    };
  }
  if (name === 'iforest-package') {
    // the reference (the isolation-forest package, as mining used it) on a tenth of the orders
    const n = Math.round(ORDERS / 10);
    const pts = syntheticFeatures(n);
    const cpu0 = process.cpuUsage();
    const [, s] = await timed(() => referenceScores(pts, 100, 256, 42));
    const cpu = process.cpuUsage(cpu0);
    return { orders: n, trees: 100, sampleSize: 256, seconds: s, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  }
  // sql-rfm: the same orders in a throw-away database, RFM (values and quintile scores) in one query.
  const dbs = await connectDatabases(parseEnv(baseEnv));
  const name_ = `bench_mining_${process.pid}`;
  const admin = new pg.Client({ connectionString: dbs.oltpUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${quoteIdent(name_)}`);
  const db = new pg.Client({ connectionString: withDatabase(dbs.oltpUrl, name_) });
  await db.connect();
  try {
    await db.query(
      `CREATE UNLOGGED TABLE o (customer_id int, order_id int, kind text, cancelled boolean, order_date date, net numeric(14,2))`,
    );
    const orders = syntheticOrders(CUSTOMERS);
    const [, loadS] = await timed(async () => {
      for (let i = 0; i < orders.length; i += 100_000) {
        const c = orders.slice(i, i + 100_000);
        await db.query(
          `INSERT INTO o SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::bool[], $5::date[], $6::numeric[])`,
          [
            c.map((x) => x.customerId),
            c.map((x) => x.orderId),
            c.map((x) => x.kind),
            c.map((x) => !x.booked),
            c.map((x) => x.orderDate),
            c.map((x) => (x.netCents / 100).toFixed(2)),
          ],
        );
      }
      await db.query('ANALYZE o');
    });
    const [r, s] = await timed(() =>
      db.query(`WITH c AS (
          SELECT customer_id, DATE '${REF}' - max(order_date) FILTER (WHERE kind = 'SALE') AS recency,
                 count(DISTINCT order_id) FILTER (WHERE kind = 'SALE') AS frequency, sum(net) AS monetary
          FROM o WHERE NOT cancelled AND order_date < DATE '${REF}' GROUP BY customer_id HAVING bool_or(kind = 'SALE')),
        n AS (SELECT count(*) AS n FROM c)
        SELECT count(*) AS customers, sum(r + f + m) AS checksum FROM (
          SELECT 1 + floor(5.0 * (rank() OVER (ORDER BY recency DESC) - 1) / n) AS r,
                 1 + floor(5.0 * (rank() OVER (ORDER BY frequency) - 1) / n) AS f,
                 1 + floor(5.0 * (rank() OVER (ORDER BY monetary) - 1) / n) AS m FROM c, n) x`),
    );
    return { orders: orders.length, customers: Number(r.rows[0].customers), loadSeconds: loadS, seconds: s };
  } finally {
    await db.end();
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name_)} WITH (FORCE)`);
    await admin.end();
    await dbs.close();
  }
}

async function main() {
  const child = process.argv.indexOf('--part');
  if (child > 0) {
    const r = await part(process.argv[child + 1]!);
    process.stdout.write(
      JSON.stringify({ ...r, maxRssMb: Math.round((process.resourceUsage().maxRSS * 1024) / 2 ** 20) }) +
        '\n',
    );
    return;
  }
  console.log(
    `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model}), ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, node ${process.version}`,
  );
  const parts = [
    'rfm-kmeans',
    'kmeans-library',
    'sql-rfm',
    'iforest-ours',
    'iforest-ours-16384',
    'iforest-ours-100k',
    'iforest-package',
  ];
  for (const p of process.argv.includes('--only')
    ? process.argv[process.argv.indexOf('--only') + 1]!.split(',')
    : parts) {
    console.log(
      `${new Date().toISOString()} load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        __filename,
        '--part',
        p,
        '--customers',
        String(CUSTOMERS),
        '--orders',
        String(ORDERS),
      ],
      { encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    if (r.status !== 0) throw new Error(`${p} failed: ${r.stderr}`);
    console.log(p, r.stdout.trim().split('\n').pop());
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
