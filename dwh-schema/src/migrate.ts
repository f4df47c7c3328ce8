import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/** The numbered SQL migrations of the warehouse, applied in name order. */
export const MIGRATIONS_DIR = path.join(__dirname, '..', 'migrations');
const LOCK_KEY = 7_402_404; // advisory lock: one migrator at a time on a warehouse

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

export function migrationFiles(dir = MIGRATIONS_DIR): { name: string; sql: string; checksum: string }[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name), 'utf8');
      return { name, sql, checksum: createHash('md5').update(sql).digest('hex') };
    });
}

/**
 * Brings the warehouse at `url` up to date: each pending migration in its own transaction, recorded
 * in meta.schema_migrations, under an advisory lock (two migrators never interleave). A migration
 * already applied whose file changed since is refused (migrations are append-only).
 */
export async function migrateDwh(
  url: string,
  opts: { log?: (line: string) => void; dir?: string } = {},
): Promise<MigrationResult> {
  const log = opts.log ?? (() => undefined);
  const client = new pg.Client({ connectionString: url, application_name: 'erp-dwh-migrate' });
  await client.connect();
  try {
    await client.query('SET client_min_messages = warning');
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS meta`);
    await client.query(`CREATE TABLE IF NOT EXISTS meta.schema_migrations (
      name text PRIMARY KEY, checksum char(32) NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ name: string; checksum: string }>(
      'SELECT name, checksum FROM meta.schema_migrations',
    );
    const done = new Map(rows.map((r) => [r.name, r.checksum]));
    const result: MigrationResult = { applied: [], alreadyApplied: [] };
    for (const m of migrationFiles(opts.dir)) {
      const prior = done.get(m.name);
      if (prior) {
        if (prior !== m.checksum)
          throw new Error(
            `Warehouse migration ${m.name} was changed after it was applied; add a new migration instead`,
          );
        result.alreadyApplied.push(m.name);
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO meta.schema_migrations (name, checksum) VALUES ($1, $2)', [
          m.name,
          m.checksum,
        ]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new Error(`Warehouse migration ${m.name} failed: ${(err as Error).message}`);
      }
      result.applied.push(m.name);
      log(`applied ${m.name}`);
    }
    return result;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}
