import { readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { repoRoot } from '@erp/kit';
import { importDirectory, formatSummary } from '@erp/data';
import { runEtl } from '@erp/etl';
import { refreshStaleRollups } from '@erp/semantic';
import { PASSWORD, startTestSystem, type TestSystem } from '@erp/gateway/test-system';
import { NATIVE_LINES_TABLE } from './sql';
import type { Dataset } from './types';

/**
 * The bank's two worlds, built the way a user gets them: the files imported into the ERP
 * (`npm run import` programmatically), then the ETL through the API into the warehouse and the
 * pipeline's rollups stage. The oracles read the OLTP tables (data/native) or Northwind's own tables
 * loaded as they are from the data set's SQL dump into the schema `northwind_src` — never the warehouse.
 */
export const DATASETS_DIR = path.join(repoRoot(), '..', 'shared', 'datasets');
export const NORTHWIND_DIR = path.join(DATASETS_DIR, 'northwind');
export const NATIVE_DIR = path.join(repoRoot(), 'data', 'native');

export interface Fixture {
  dataset: Dataset;
  /** Where the oracles run: the OLTP (and, for Northwind, its raw tables in `northwind_src`). */
  oracle: pg.Pool;
  /** The warehouse the chat reads. */
  dwh: pg.Pool;
  /** The last day with sales in the source: what "this month", "last year" are relative to. */
  asOf: string;
  seconds: { import: number; etl: number };
  close(): Promise<void>;
}

/** Northwind's PostgreSQL dump, as published, into its own schema (its DDL names no schema). */
export async function loadNorthwindSource(pool: pg.Pool): Promise<void> {
  const sql = readFileSync(path.join(NORTHWIND_DIR, 'northwind.sql'), 'utf8');
  const client = await pool.connect();
  try {
    await client.query('DROP SCHEMA IF EXISTS northwind_src CASCADE; CREATE SCHEMA northwind_src');
    await client.query('SET search_path = northwind_src');
    await client.query(sql);
    await client.query('ANALYZE northwind_src.orders, northwind_src.order_details');
  } finally {
    await client.query('RESET search_path').catch(() => undefined);
    client.release();
  }
}

/** What the oracles read besides the source tables: the native order lines joined once (sql.ts). */
async function prepareOracles(dataset: Dataset, pool: pg.Pool): Promise<void> {
  if (dataset === 'northwind') return loadNorthwindSource(pool);
  await pool.query(
    `DROP SCHEMA IF EXISTS bank_oracle CASCADE; CREATE SCHEMA bank_oracle; ${NATIVE_LINES_TABLE}; ANALYZE bank_oracle.native_lines`,
  );
}

const AS_OF_SQL: Record<Dataset, string> = {
  native: `SELECT to_char(max(ordered_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS d FROM sales.orders`,
  northwind: `SELECT to_char(max(order_date), 'YYYY-MM-DD') AS d FROM northwind_src.orders`,
};

/** Only the source side: the OLTP import (native) or the raw tables (Northwind), for the oracle sanity test. */
export async function sourceOnly(dataset: Dataset, pool: pg.Pool): Promise<string> {
  if (dataset === 'native') {
    const s = await importDirectory({ pool, dir: NATIVE_DIR, mapping: 'native', quiet: true });
    if (s.status !== 'committed')
      throw new Error(`import of data/native failed:\n${formatSummary(s).slice(0, 4000)}`);
    await pool.query('ANALYZE');
  }
  await prepareOracles(dataset, pool);
  const { rows } = await pool.query<{ d: string }>(AS_OF_SQL[dataset]);
  return rows[0]!.d;
}

/** The whole fixture: import, the API up, the ETL into the warehouse, the API down again. */
export async function buildFixture(dataset: Dataset): Promise<Fixture> {
  // Subgraphs in-process behind the gateway: the ETL still reads through the API, without one HTTP hop per subgraph call.
  const sys: TestSystem = await startTestSystem({ transport: 'local' });
  try {
    let t0 = Date.now();
    const s =
      dataset === 'native'
        ? await importDirectory({ pool: sys.db.pool, dir: NATIVE_DIR, mapping: 'native', quiet: true })
        : await importDirectory({
            pool: sys.db.pool,
            dir: path.join(NORTHWIND_DIR, 'csv'),
            mapping: 'northwind',
            quiet: true,
          });
    if (s.status !== 'committed')
      throw new Error(`import of ${dataset} failed:\n${formatSummary(s).slice(0, 4000)}`);
    await sys.db.pool.query('ANALYZE');
    await prepareOracles(dataset, sys.db.pool);
    const importSeconds = (Date.now() - t0) / 1000;
    t0 = Date.now();
    const run = await runEtl({
      gatewayUrl: sys.system.gatewayUrl,
      credentials: { email: sys.services.ETL_SERVICE.email, password: PASSWORD },
      dwhUrl: sys.dwh.url,
    });
    if (run.status !== 'SUCCEEDED') throw new Error(`ETL of ${dataset}: ${run.message}`);
    await refreshStaleRollups(sys.dwh.pool);
    const etlSeconds = (Date.now() - t0) / 1000;
    const { rows } = await sys.db.pool.query<{ d: string }>(AS_OF_SQL[dataset]);
    // The chat reads the warehouse directly (as the analytics subgraph does): the API is no longer needed.
    await sys.system.close();
    return {
      dataset,
      oracle: sys.db.pool,
      dwh: sys.dwh.pool,
      asOf: rows[0]!.d,
      seconds: { import: importSeconds, etl: etlSeconds },
      async close() {
        await sys.db.drop();
        await sys.dwh.drop();
      },
    };
  } catch (err) {
    await sys.close().catch(() => undefined);
    throw err;
  }
}
