/**
 * Import benchmark: the full UCI Online Retail set (541,909 lines) through `importDirectory`
 * (mapping online-retail) next to a plain COPY of the same rows into a bare table, in the same run
 * and on the same server. The import runs in a child process so its peak memory is its own.
 *
 *   npx tsx bench/import.ts            (DATABASE_URL, or the embedded PostgreSQL under .data/)
 */
import { spawn } from 'node:child_process';
import { createReadStream, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  baseEnv,
  connectDatabases,
  migrateOltp,
  parseEnv,
  quoteIdent,
  repoRoot,
  withDatabase,
} from '@erp/kit';
import { importDirectory } from '@erp/data';

const DIR = path.join(repoRoot(), '..', 'shared', 'datasets', 'online-retail');
const FILE = path.join(DIR, 'online_retail_all.csv.gz');
const LINES = 541_909;

async function child(url: string, reimport: boolean): Promise<void> {
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const t0 = Date.now();
  const s = await importDirectory({ url, mapping: 'online-retail', dir: DIR, quiet: true });
  const ms = Date.now() - t0;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  const changes = Object.values(s.entities).reduce((a, c) => a + c.inserted + c.updated, 0);
  process.stdout.write(
    JSON.stringify({
      status: s.status,
      ms,
      peakRss: peak,
      maxRss: process.resourceUsage().maxRSS * 1024,
      changes,
      reimport,
    }) + '\n',
  );
}

interface ChildResult {
  status: string;
  ms: number;
  peakRss: number;
  maxRss: number;
  changes: number;
}

function runChild(url: string, reimport: boolean): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      [...process.execArgv, __filename, '--child', url, reimport ? 'reimport' : 'first'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()!))
        : reject(new Error(`child exit ${code}`)),
    );
  });
}

async function plainCopy(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE TABLE bench_copy (invoice text, stock_code text, description text, quantity int,
      invoice_date timestamp, unit_price numeric, customer_id text, country text)`);
    const t0 = Date.now();
    await pipeline(
      createReadStream(FILE),
      createGunzip(),
      client.query(copyFrom(`COPY bench_copy FROM STDIN (FORMAT csv, HEADER true)`)),
    );
    const ms = Date.now() - t0;
    const n = (await client.query(`SELECT count(*)::int AS n FROM bench_copy`)).rows[0].n;
    if (n !== LINES) throw new Error(`COPY loaded ${n} rows`);
    return ms;
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const env = parseEnv(baseEnv);
  const dbs = await connectDatabases(env);
  const name = `erp_bench_import_${process.pid}`;
  const adminUrl = withDatabase(dbs.oltpUrl, 'postgres');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
  const url = withDatabase(dbs.oltpUrl, name);
  try {
    await migrateOltp(url);
    const copyMs = await plainCopy(url);
    const first = await runChild(url, false);
    const again = await runChild(url, true);
    const rate = (ms: number) => Math.round(LINES / (ms / 1000));
    const mb = (b: number) => (b / 1024 / 1024).toFixed(0);
    const pgVersion = (await admin.query('SHOW server_version')).rows[0].server_version;
    const report = [
      `data: ${LINES.toLocaleString('en-US')} lines, ${(statSync(FILE).size / 1e6).toFixed(1)} MB gzipped (online_retail_all.csv.gz)`,
      `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, node ${process.version}, PostgreSQL ${pgVersion} (${env.DATABASE_URL ? 'DATABASE_URL' : 'embedded'})`,
      `plain COPY into a bare table: ${(copyMs / 1000).toFixed(1)} s = ${rate(copyMs).toLocaleString('en-US')} rows/s`,
      `import (first run, ${first.status}, ${first.changes.toLocaleString('en-US')} rows written): ${(first.ms / 1000).toFixed(1)} s = ${rate(first.ms).toLocaleString('en-US')} rows/s, ratio COPY/import = ${(first.ms / copyMs).toFixed(1)}×`,
      `import peak memory: ${mb(first.peakRss)} MB RSS sampled, ${mb(first.maxRss)} MB max RSS (getrusage)`,
      `re-import (no-op, ${again.changes} rows written): ${(again.ms / 1000).toFixed(1)} s = ${rate(again.ms).toLocaleString('en-US')} rows/s, max RSS ${mb(again.maxRss)} MB`,
    ];
    console.log(report.join('\n'));
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    await admin.end();
    await dbs.close();
  }
}

if (process.argv[2] === '--child') {
  child(process.argv[3]!, process.argv[4] === 'reimport').then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
