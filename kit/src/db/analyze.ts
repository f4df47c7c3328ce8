import type pg from 'pg';

export interface AnalyzeOptions {
  /** Rows the caller knows it wrote per table (`schema.table`): the server's counters are flushed asynchronously. */
  written?: Record<string, number>;
  /** A table is re-analysed when its changed rows exceed this share of its estimated size… */
  fraction?: number;
  /** …plus this many rows (small tables are not re-analysed for a handful of rows). */
  threshold?: number;
}

/**
 * ANALYZEs every table of these schemas whose planner statistics are missing or stale: never
 * analysed (reltuples < 0, the state of a table just created or seeded), analysed while empty and
 * written since, changed by more than `fraction` × its size + `threshold` rows since its last
 * analyse, or grown by more than `fraction` of its pages (the server's change counters of other
 * connections reach it up to a second late; the table's size does not). Returns the tables analysed.
 *
 * Plans must not depend on autovacuum: servers run with it off, and a dimension never analysed
 * after its first load is estimated at one page of rows, which turns joins on it into nested loops
 * over the facts.
 */
export async function analyzeStale(
  pool: pg.Pool | pg.PoolClient,
  schemas: string[],
  opts: AnalyzeOptions = {},
): Promise<string[]> {
  const fraction = opts.fraction ?? 0.1;
  const threshold = opts.threshold ?? 50;
  const { rows } = await pool.query<{
    t: string;
    reltuples: number;
    modified: number;
    relpages: number;
    pages: number;
  }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS t, c.reltuples::float8 AS reltuples,
            coalesce(pg_stat_get_mod_since_analyze(c.oid), 0)::float8 AS modified,
            c.relpages::float8 AS relpages, (pg_relation_size(c.oid) / current_setting('block_size')::int)::float8 AS pages
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'm') AND n.nspname = ANY($1::text[])
      ORDER BY 1`,
    [schemas],
  );
  const stale = rows
    .filter((r) => {
      const changed = r.modified + (opts.written?.[r.t] ?? 0);
      if (r.reltuples < 0) return true;
      // a small dimension analysed before its first load: its few rows matter to every join on it
      if (r.reltuples === 0) return changed > 0 || r.pages > r.relpages;
      return changed > fraction * r.reltuples + threshold || r.pages > (1 + fraction) * r.relpages + 1;
    })
    .map((r) => r.t);
  if (stale.length) await pool.query(`ANALYZE ${stale.join(', ')}`);
  return stale;
}
