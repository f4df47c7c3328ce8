import DataLoader from 'dataloader';
import type pg from 'pg';
import { prepared } from '../db/pool';
import { NotFoundError } from '../errors';

/**
 * Rows by key, one query per hop and per request whatever the number of parents (no N+1). The
 * SQL takes the keys as `$1` (an array), then `extra` as `$2`…; a key without a row loads as null.
 */
export function rowLoader<K extends number | string, T>(
  pool: pg.Pool,
  sql: string,
  keyOf: (row: T) => K,
  extra: unknown[] = [],
) {
  return new DataLoader<K, T | null>(async (keys) => {
    const { rows } = await pool.query<T & pg.QueryResultRow>(prepared(sql, [keys, ...extra]));
    const map = new Map(rows.map((r) => [keyOf(r), r]));
    return keys.map((k) => map.get(k) ?? null);
  });
}

/** Rows by id (the common case of `rowLoader`). */
export const byIdLoader = <T extends { id: number }>(pool: pg.Pool, sql: string) =>
  rowLoader<number, T>(pool, sql, (r) => r.id);

/** Rows grouped by a parent key, in the order the SQL gives them; a key without rows loads as []. */
export function groupedLoader<K extends number | string, T>(
  pool: pg.Pool,
  sql: string,
  keyOf: (row: T) => K,
) {
  return new DataLoader<K, T[]>(async (keys) => {
    const { rows } = await pool.query<T & pg.QueryResultRow>(prepared(sql, [keys]));
    const groups = new Map<K, T[]>();
    for (const r of rows) {
      const k = keyOf(r);
      const g = groups.get(k);
      if (g) g.push(r);
      else groups.set(k, [r]);
    }
    return keys.map((k) => groups.get(k) ?? []);
  });
}

/** A loaded row the data model guarantees (a foreign key): its absence is NOT_FOUND, not null. */
export const must =
  <T>(entity: string, id: unknown) =>
  (row: T | null): T => {
    if (!row) throw new NotFoundError(entity, id);
    return row;
  };
