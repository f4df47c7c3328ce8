import pg from 'pg';
import { createPool } from '../db/pool';
import { appRoleUrl } from '../db/app-role';
import { quoteIdent, withDatabase } from '../db/server';

let counter = 0;

export interface TestDatabase {
  /** As the owner (migrations, fixtures). */
  url: string;
  /** As the run's least-privilege application role (what the gateway and subgraphs connect with). */
  appUrl: string;
  name: string;
  pool: pg.Pool;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** A fresh OLTP database for one test file: a clone of the run's migrated template. */
export async function testDatabase(opts: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = process.env.ERP_TEST_ADMIN_URL;
  const runId = process.env.ERP_TEST_RUN_ID;
  const template = process.env.ERP_TEST_TEMPLATE;
  if (!adminUrl || !runId || !template)
    throw new Error('testDatabase() needs jest globalSetup (kit/src/test/global-setup.ts)');
  const name = `${runId}_${process.pid}_${++counter}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(
      opts.migrated === false
        ? `CREATE DATABASE ${quoteIdent(name)}`
        : `CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`,
    );
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, name);
  const pool = createPool(url, { max: 60, statementTimeout: 60_000, applicationName: 'erp-test' });
  const appRole = process.env.ERP_TEST_APP_ROLE;
  const appUrl = appRole
    ? appRoleUrl(url, { name: appRole, password: process.env.ERP_TEST_APP_PASSWORD ?? null })
    : url;
  return {
    url,
    appUrl,
    name,
    pool,
    async drop() {
      await pool.end();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Whether the shared data sets are there; under CI their absence is a failure, not a skip. */
export function sharedDatasetsOrSkip(dir: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { existsSync } = require('node:fs') as typeof import('node:fs');
  if (existsSync(dir)) return true;
  if (process.env.CI === 'true') throw new Error(`CI=true but the shared data sets are missing: ${dir}`);
  process.stderr.write(`\nNOTICE: ${dir} is absent: tests that read the shared data sets are skipped.\n`);
  return false;
}
