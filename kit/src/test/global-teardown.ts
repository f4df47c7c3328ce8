import pg from 'pg';
import { quoteIdent, type PgServer } from '../db/server';

/** Drops every database this run created, then stops the throw-away embedded server. */
export default async function globalTeardown(): Promise<void> {
  const adminUrl = process.env.ERP_TEST_ADMIN_URL;
  const runId = process.env.ERP_TEST_RUN_ID;
  if (adminUrl && runId) {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const { rows } = await admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${runId}%`],
    );
    for (const { datname } of rows)
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`);
    // The run's application role, granted in those databases only (cluster-wide: it would outlive them).
    if (process.env.ERP_TEST_APP_ROLE)
      await admin.query(`DROP ROLE IF EXISTS ${quoteIdent(process.env.ERP_TEST_APP_ROLE)}`);
    await admin.end();
  }
  const server = (globalThis as Record<string, unknown>).__ERP_TEST_SERVER__ as PgServer | undefined;
  await server?.stop();
}
