import { readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';

export const ROLLUPS_SQL = path.join(__dirname, '..', 'sql', 'rollups.sql');
const LOCK_KEY = 7_405_101; // distinct from the ETL run lock (7_402_405) and the migrator (7_402_404)

/** Creates the analytics schema objects in the warehouse if missing (idempotent, one caller at a time). */
export async function ensureAnalyticsSchema(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await client.query(`SET LOCAL client_min_messages = warning`);
    await client.query(readFileSync(ROLLUPS_SQL, 'utf8'));
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
