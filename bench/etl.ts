/**
 * ETL benchmark: the full load of the order lines through the API (runEtl as the ETL's service
 * identity, through the gateway and its access rules) next to a direct SQL copy of the same rows
 * (COPY … TO STDOUT from the OLTP piped into COPY … FROM STDIN in the warehouse), in the same run on
 * the same server; then an incremental run after 1 % of the orders changed. On data/native and on a
 * generated set of about --lines order lines. The ETL runs in a child process: its peak RSS is its own.
 *
 *   npm run bench -- etl [--lines 1000000] [--data DIR] [--baseline DIR] [--skip-native] [--skip-generated] [--keep]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { repoRoot } from '@erp/kit';
import { generate } from '@erp/data';
import { importDirectory } from '@erp/data';
import { runEtl } from '@erp/etl';
import { refreshStaleRollups } from '@erp/semantic';
import { hashPassword } from '@erp/gateway';
import { benchDatabases, log, machine, PASSWORD, startBenchSystem, type BenchDatabases } from './lib';

const HELP = `Usage: npm run bench -- etl [options]

The full load of the order lines through the API (ETL service identity, gateway, access rules) next
to a direct SQL copy of the same rows, same run, same server; an incremental run with 1 % of the
orders changed; the ETL's peak RSS (child process). DATABASE_URL's server, or an embedded PostgreSQL.

Options:
  --lines N          order lines of the generated set (default 1000000; 0 skips it)
  --skip-native      do not run on data/native
  --skip-generated   do not run on the generated set
  --data DIR         use this generated set (data:generate output) instead of generating one
  --baseline DIR     also run the ETL of this other checkout (npm-installed), same data, same API, same run
  --keep             keep the databases
  --help             this text`;

interface EtlChild {
  status: string;
  seconds: number;
  rowsWritten: number;
  lines: number;
  maxRss: number;
  message: string;
}

/** The ETL in a child process (its own memory), as the service identity. */
async function child(gatewayUrl: string, dwhUrl: string, email: string, full: boolean): Promise<void> {
  const t0 = performance.now();
  // The run's log (per-entity and per-step seconds) on stderr, beside the bench's own lines.
  const runLog = (line: string) => process.stderr.write(`  etl ${full ? 'full' : 'incremental'}: ${line}\n`);
  const r = await runEtl({
    gatewayUrl,
    credentials: { email, password: PASSWORD },
    dwhUrl,
    full,
    log: runLog,
  });
  // The pipeline's rollups stage, timed with the run as when the ETL refreshed the rollups itself.
  const dwh = new pg.Pool({ connectionString: dwhUrl, max: 2 });
  const rollups = performance.now();
  await refreshStaleRollups(dwh).finally(() => dwh.end());
  runLog(`rollups: ${((performance.now() - rollups) / 1000).toFixed(1)} s`);
  const seconds = (performance.now() - t0) / 1000;
  const orders = r.entities.find((e) => e.entity === 'orders');
  const out: EtlChild = {
    status: r.status,
    seconds,
    rowsWritten: r.rowsWritten,
    lines: orders?.extracted ?? 0,
    maxRss: process.resourceUsage().maxRSS * 1024,
    message: r.message,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

/** `checkout`: another checkout of the repository (its own ETL code, npm-installed) to run as a same-run baseline. */
function runChild(
  gatewayUrl: string,
  dwhUrl: string,
  email: string,
  full: boolean,
  checkout?: string,
): Promise<EtlChild> {
  return new Promise((resolve, reject) => {
    const script = checkout ? path.join(checkout, 'bench', 'etl.ts') : __filename;
    const p = spawn(
      process.execPath,
      [...process.execArgv, script, '--child', gatewayUrl, dwhUrl, email, full ? 'full' : 'incremental'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        cwd: checkout,
      },
    );
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()!))
        : reject(new Error(`ETL child exited ${code}: ${out}`)),
    );
  });
}

/** The same order lines the ETL loads, flat (order and line columns), copied OLTP → warehouse by COPY. */
async function directCopy(db: BenchDatabases): Promise<{ seconds: number; rows: number }> {
  const src = new pg.Client({ connectionString: db.url });
  const dst = new pg.Client({ connectionString: db.dwhUrl });
  await src.connect();
  await dst.connect();
  try {
    await dst.query(`DROP TABLE IF EXISTS public.bench_direct_copy`);
    await dst.query(`CREATE TABLE public.bench_direct_copy (order_id int, line_no int, order_number text, kind text, status text, currency text, sales_rep_id int,
      ordered_at timestamptz, customer_id int, warehouse_id int, product_id int, quantity int, unit_price numeric, discount numeric, tax_rate numeric,
      net_amount numeric, tax_amount numeric, gross_amount numeric, updated_at timestamptz)`);
    const t0 = performance.now();
    const out = src.query(
      copyTo(`COPY (SELECT o.id, l.line_no, o.number, o.kind, o.status, o.currency, o.sales_rep_id, o.ordered_at, o.customer_id, o.warehouse_id, l.product_id,
                           l.quantity, l.unit_price, l.discount, l.tax_rate, n.net, t.tax, n.net + t.tax, o.updated_at
                      FROM sales.orders o JOIN sales.order_lines l ON l.order_id = o.id
                      CROSS JOIN LATERAL (SELECT round(l.quantity * l.unit_price * (1 - l.discount), 2) AS net) n
                      CROSS JOIN LATERAL (SELECT round(n.net * l.tax_rate, 2) AS tax) t) TO STDOUT`),
    );
    const into = dst.query(copyFrom(`COPY public.bench_direct_copy FROM STDIN`));
    await pipeline(out, into);
    const seconds = (performance.now() - t0) / 1000;
    const { rows } = await dst.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM public.bench_direct_copy`,
    );
    await dst.query(`DROP TABLE public.bench_direct_copy`);
    return { seconds, rows: rows[0]!.n };
  } finally {
    await src.end();
    await dst.end();
  }
}

interface SetResult {
  label: string;
  baseline?: { full: EtlChild; incremental: EtlChild };
  orders: number;
  lines: number;
  direct: { seconds: number; rows: number };
  full: EtlChild;
  incremental: EtlChild;
  changedOrders: number;
}

async function benchSet(
  label: string,
  dir: string,
  port: number,
  keep: boolean,
  baseline?: string,
): Promise<{ result: SetResult; machine: string }> {
  const db = await benchDatabases(`etl_${label}`, port);
  try {
    let t0 = Date.now();
    await importDirectory({ pool: db.pool, dir, mapping: 'native', quiet: true });
    log(`${label}: imported in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    // As if the rows had last changed over the past 30 days (an incremental run comes long after most
    // of the rows it skips): an import writes every row within minutes, all of them inside the ETL's
    // 10-minute lookback, which would re-read the whole import. Triggers bypassed (replica role).
    await db.pool.query(`DO $$ DECLARE r record; BEGIN
        SET LOCAL session_replication_role = replica;
        FOR r IN SELECT table_schema, table_name FROM information_schema.columns c
                  WHERE column_name = 'updated_at' AND table_schema IN ('catalog', 'inventory', 'customers', 'suppliers', 'sales')
                    AND EXISTS (SELECT 1 FROM information_schema.tables t WHERE t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE')
        LOOP EXECUTE format('UPDATE %I.%I SET updated_at = updated_at - interval ''1 hour'' - random() * interval ''30 days''', r.table_schema, r.table_name); END LOOP;
      END $$`);
    await db.pool.query(
      `INSERT INTO auth.users (email, name, role, password_hash) VALUES ('etl-bench@x.example', 'ETL', 'ETL_SERVICE', $1)`,
      [await hashPassword(PASSWORD)],
    );
    const {
      rows: [size],
    } = await db.pool.query<{ orders: number; lines: number }>(
      `SELECT (SELECT count(*)::int FROM sales.orders) AS orders, (SELECT count(*)::int FROM sales.order_lines) AS lines`,
    );
    const sys = await startBenchSystem(db.url, db.dwhUrl);
    try {
      log(`${label}: ${size!.orders} orders, ${size!.lines} lines; direct copy…`);
      const direct = await directCopy(db);
      log(
        `${label}: direct copy ${direct.rows} lines in ${direct.seconds.toFixed(2)} s; full ETL through the API…`,
      );
      const full = await runChild(sys.gatewayUrl, db.dwhUrl, 'etl-bench@x.example', true);
      if (full.status !== 'SUCCEEDED') throw new Error(`full ETL: ${full.message}`);
      log(
        `${label}: full ETL ${full.seconds.toFixed(1)} s (${full.rowsWritten} rows written), max RSS ${(full.maxRss / 2 ** 20).toFixed(0)} MB`,
      );
      // The baseline checkout's ETL on the same data and API, into a warehouse of its own, alternating with this one.
      const baseDwh = new URL(db.dwhUrl);
      baseDwh.pathname += '_base';
      const baseName = decodeURIComponent(baseDwh.pathname.slice(1));
      let baseFull: EtlChild | undefined;
      if (baseline) {
        await db.pool.query(`CREATE DATABASE "${baseName}"`);
        baseFull = await runChild(sys.gatewayUrl, baseDwh.toString(), 'etl-bench@x.example', true, baseline);
        if (baseFull.status !== 'SUCCEEDED') throw new Error(`baseline full ETL: ${baseFull.message}`);
        log(
          `${label}: baseline full ETL ${baseFull.seconds.toFixed(1)} s (${baseFull.rowsWritten} rows written), max RSS ${(baseFull.maxRss / 2 ** 20).toFixed(0)} MB`,
        );
      }
      // 1 % of the orders change (their sales rep): re-extracted from the watermark and reloaded.
      t0 = Date.now();
      const changed = await db.pool.query(
        `UPDATE sales.orders o SET sales_rep_id = CASE WHEN o.sales_rep_id IS DISTINCT FROM r.a THEN r.a ELSE r.b END
           FROM (SELECT min(sales_rep_id) AS a, max(sales_rep_id) AS b FROM sales.orders) r WHERE o.id % 100 = 0`,
      );
      const incremental = await runChild(sys.gatewayUrl, db.dwhUrl, 'etl-bench@x.example', false);
      if (incremental.status !== 'SUCCEEDED') throw new Error(`incremental ETL: ${incremental.message}`);
      log(
        `${label}: incremental (${changed.rowCount} orders changed) ${incremental.seconds.toFixed(1)} s, ${incremental.rowsWritten} rows written`,
      );
      let base: SetResult['baseline'];
      if (baseline && baseFull) {
        const baseIncremental = await runChild(
          sys.gatewayUrl,
          baseDwh.toString(),
          'etl-bench@x.example',
          false,
          baseline,
        );
        if (baseIncremental.status !== 'SUCCEEDED')
          throw new Error(`baseline incremental ETL: ${baseIncremental.message}`);
        log(
          `${label}: baseline incremental ${baseIncremental.seconds.toFixed(1)} s, ${baseIncremental.rowsWritten} rows written`,
        );
        base = { full: baseFull, incremental: baseIncremental };
        if (!keep) await db.pool.query(`DROP DATABASE IF EXISTS "${baseName}" WITH (FORCE)`);
      }
      return {
        result: {
          label,
          orders: size!.orders,
          lines: size!.lines,
          direct,
          full,
          incremental,
          changedOrders: changed.rowCount ?? 0,
          baseline: base,
        },
        machine: machine(db),
      };
    } finally {
      await sys.close();
    }
  } finally {
    await db.close(keep);
  }
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') return child(argv[1]!, argv[2]!, argv[3]!, argv[4] === 'full');
  if (argv.includes('--help')) {
    console.log(HELP);
    return;
  }
  const at = argv.indexOf('--lines');
  const lines = at >= 0 ? Number(argv[at + 1]) : 1_000_000;
  if (!Number.isFinite(lines) || lines < 0) throw new Error('--lines must be a number ≥ 0');
  const keep = argv.includes('--keep');
  const b = argv.indexOf('--baseline');
  const baseline = b >= 0 ? path.resolve(argv[b + 1]!) : undefined;
  const results: SetResult[] = [];
  let where = '';
  if (!argv.includes('--skip-native')) {
    const r = await benchSet('native', path.join(repoRoot(), 'data', 'native'), 54_401, keep, baseline);
    results.push(r.result);
    where = r.machine;
  }
  const given = argv.indexOf('--data');
  if (!argv.includes('--skip-generated') && given >= 0) {
    // a set generated beforehand (the generation takes minutes on a loaded machine)
    const r = await benchSet('generated', path.resolve(argv[given + 1]!), 54_402, keep, baseline);
    results.push(r.result);
    where = r.machine;
  } else if (!argv.includes('--skip-generated') && lines > 0) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-etl-'));
    try {
      // scale 1 ≈ 40,000 orders ≈ 192,000 lines
      const scale = lines / 192_000;
      const t0 = Date.now();
      await generate({ scale, seed: 18, out: dir, start: '2024-01-01', months: 24, gzip: true, quiet: true });
      log(`generated scale ${scale.toFixed(2)} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      const r = await benchSet('generated', dir, 54_402, keep, baseline);
      results.push(r.result);
      where = r.machine;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(
    `\nETL benchmark — ${new Date().toISOString().slice(0, 16)}Z — ${where}, load average ${os.loadavg()[0]!.toFixed(1)}`,
  );
  console.log(
    '| data set | orders | lines | direct COPY | full ETL through the API | lines/s | × direct | incremental (1 % of orders) | % of full | ETL peak RSS |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const b = r.baseline;
    if (b)
      console.log(
        `| ${r.label} (baseline checkout) | ${r.orders.toLocaleString('en')} | ${r.lines.toLocaleString('en')} | ${r.direct.seconds.toFixed(2)} s | ${b.full.seconds.toFixed(1)} s | ${Math.round(r.lines / b.full.seconds).toLocaleString('en')} | ${(b.full.seconds / r.direct.seconds).toFixed(1)}× | ${b.incremental.seconds.toFixed(1)} s | ${((100 * b.incremental.seconds) / b.full.seconds).toFixed(1)} % | ${(Math.max(b.full.maxRss, b.incremental.maxRss) / 2 ** 20).toFixed(0)} MB |`,
      );
    const lps = r.lines / r.full.seconds;
    console.log(
      `| ${r.label} | ${r.orders.toLocaleString('en')} | ${r.lines.toLocaleString('en')} | ${r.direct.seconds.toFixed(2)} s | ${r.full.seconds.toFixed(1)} s | ${Math.round(lps).toLocaleString('en')} | ${(r.full.seconds / r.direct.seconds).toFixed(1)}× | ${r.incremental.seconds.toFixed(1)} s (${r.changedOrders.toLocaleString('en')} orders) | ${((100 * r.incremental.seconds) / r.full.seconds).toFixed(1)} % | ${(Math.max(r.full.maxRss, r.incremental.maxRss) / 2 ** 20).toFixed(0)} MB |`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
