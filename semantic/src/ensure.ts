import { readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { ROLLUPS } from './model';
import { rollupColumns, rollupDdl } from './rollup-tables';

export const ROLLUPS_SQL = path.join(__dirname, '..', 'sql', 'rollups.sql');
const LOCK_KEY = 7_405_101; // distinct from the ETL run lock (7_402_405) and the migrator (7_402_404)

/**
 * Creates the semantic layer's objects in the warehouse if missing (idempotent, one caller at a
 * time). A rollup table whose columns no longer match its definition is dropped and built again
 * (its state row goes, so the next refresh rebuilds every rollup; queries read the facts meanwhile).
 */
export async function ensureAnalyticsSchema(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await client.query(`SET LOCAL client_min_messages = warning`);
    await client.query(readFileSync(ROLLUPS_SQL, 'utf8'));
    const { rows } = await client.query<{ table_name: string; columns: string[] }>(
      `SELECT table_name, array_agg(column_name::text ORDER BY ordinal_position) AS columns
         FROM information_schema.columns WHERE table_schema = 'analytics' GROUP BY table_name`,
    );
    const existing = new Map(rows.map((r) => [r.table_name, r.columns.join(',')]));
    for (const r of ROLLUPS) {
      const name = r.table.replace(/^analytics\./, '');
      const has = existing.get(name);
      if (has !== undefined && has !== rollupColumns(r).map((c) => c.name).join(',')) {
        await client.query(`DROP TABLE ${r.table}`);
        await client.query('DELETE FROM analytics.rollup_state WHERE name = $1', [r.name]);
      }
      await client.query(rollupDdl(r));
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
