import { createHash } from 'node:crypto';
import type { Tx } from '@erp/kit';

/** What a page did: source rows classified by checksum, warehouse rows written (staging + dw). */
export interface PageCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  deleted: number;
  written: number;
}
export const emptyCounts = (): PageCounts => ({
  inserted: 0,
  updated: 0,
  unchanged: 0,
  deleted: 0,
  written: 0,
});

/** MD5 of a row's business columns, in a fixed order (technical columns such as updatedAt excluded). */
export function checksum(values: unknown[]): string {
  return createHash('md5').update(JSON.stringify(values)).digest('hex');
}

export interface StagedRow {
  key: number[];
  payload: unknown;
  checksum: string;
  updatedAt: string | null;
}

/**
 * Upserts a page into a staging table, keeping only rows whose checksum changed. Returns the keys
 * inserted and updated (joined with ','); the others were unchanged and need no further work.
 */
export async function stage(tx: Tx, table: string, keyCols: string[], rows: StagedRow[], runId: number) {
  if (!rows.length) return { inserted: new Set<string>(), updated: new Set<string>(), unchanged: 0 };
  const recs = rows.map((r) => {
    const o: Record<string, unknown> = {
      payload: r.payload,
      checksum: r.checksum,
      source_updated_at: r.updatedAt,
    };
    keyCols.forEach((c, i) => (o[c] = r.key[i]));
    return o;
  });
  const keys = keyCols.join(', ');
  const { rows: out } = await tx.query<{ k: string; inserted: boolean }>(
    `WITH src AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS s(${keyCols.map((c) => `${c} integer`).join(', ')}, payload jsonb, checksum text, source_updated_at timestamptz))
     INSERT INTO staging.${table} (${keys}, payload, checksum, source_updated_at, run_id)
     SELECT ${keys}, payload, checksum, source_updated_at, $2 FROM src
     ON CONFLICT (${keys}) DO UPDATE SET payload = excluded.payload, checksum = excluded.checksum,
       source_updated_at = excluded.source_updated_at, run_id = excluded.run_id
     WHERE staging.${table}.checksum <> excluded.checksum
     RETURNING concat_ws(',', ${keys}) AS k, (xmax = 0) AS inserted`,
    [JSON.stringify(recs), runId],
  );
  const inserted = new Set(out.filter((r) => r.inserted).map((r) => r.k));
  const updated = new Set(out.filter((r) => !r.inserted).map((r) => r.k));
  return { inserted, updated, unchanged: rows.length - out.length };
}

async function count(tx: Tx, sql: string, params: unknown[]): Promise<number> {
  const r = await tx.query(sql, params);
  return r.rowCount ?? 0;
}

/** Adds missing days to dim_date; returns how many. */
export async function ensureDates(tx: Tx, dates: string[]): Promise<number> {
  if (!dates.length) return 0;
  const sorted = [...dates].sort();
  const { rows } = await tx.query<{ n: number }>('SELECT dw.ensure_dates($1::date, $2::date) AS n', [
    sorted[0],
    sorted[sorted.length - 1],
  ]);
  return rows[0]!.n;
}

/** Late-arriving members: facts may point at a product, customer, warehouse or supplier the dimension lacks yet. */
export async function inferMembers(
  tx: Tx,
  ids: { products?: number[]; customers?: number[]; warehouses?: number[]; suppliers?: number[] },
): Promise<number> {
  let n = 0;
  if (ids.suppliers?.length)
    n += await count(
      tx,
      `INSERT INTO dw.dim_supplier (supplier_id, code, name, country_code, status, is_inferred)
       SELECT DISTINCT id, 'UNKNOWN-' || id, 'Unknown supplier ' || id, '??', 'UNKNOWN', true
       FROM unnest($1::int[]) AS id WHERE NOT EXISTS (SELECT 1 FROM dw.dim_supplier d WHERE d.supplier_id = id)
       ON CONFLICT (supplier_id) DO NOTHING`,
      [ids.suppliers],
    );
  if (ids.products?.length)
    n += await count(
      tx,
      `INSERT INTO dw.dim_product (product_id, version, sku, name, status, valid_from, is_inferred)
       SELECT DISTINCT id, 1, 'UNKNOWN-' || id, 'Unknown product ' || id, 'UNKNOWN', '-infinity'::timestamptz, true
       FROM unnest($1::int[]) AS id WHERE NOT EXISTS (SELECT 1 FROM dw.dim_product d WHERE d.product_id = id)
       ON CONFLICT DO NOTHING`,
      [ids.products],
    );
  if (ids.customers?.length)
    n += await count(
      tx,
      `INSERT INTO dw.dim_customer (customer_id, version, code, name, segment, status, valid_from, is_inferred)
       SELECT DISTINCT id, 1, 'UNKNOWN-' || id, 'Unknown customer ' || id, 'UNKNOWN', 'UNKNOWN', '-infinity'::timestamptz, true
       FROM unnest($1::int[]) AS id WHERE NOT EXISTS (SELECT 1 FROM dw.dim_customer d WHERE d.customer_id = id)
       ON CONFLICT DO NOTHING`,
      [ids.customers],
    );
  if (ids.warehouses?.length)
    n += await count(
      tx,
      `INSERT INTO dw.dim_warehouse (warehouse_id, code, name, city, country_code, is_inferred)
       SELECT DISTINCT id, 'UNKNOWN-' || id, 'Unknown warehouse ' || id, 'Unknown', '??', true
       FROM unnest($1::int[]) AS id WHERE NOT EXISTS (SELECT 1 FROM dw.dim_warehouse d WHERE d.warehouse_id = id)
       ON CONFLICT (warehouse_id) DO NOTHING`,
      [ids.warehouses],
    );
  return n;
}

// ---------------------------------------------------------------------------------------------
// SCD type 2

interface Scd2Spec {
  table: 'dim_product' | 'dim_customer';
  keyCol: string;
  idCol: string;
  /** Column → SQL type, for jsonb_to_recordset. */
  types: Record<string, string>;
  /** A change of any of these opens a new version. */
  type2: string[];
  /** Overwritten in every version. */
  type1: string[];
  /** Stored per version, not compared (derived from a type-2 attribute, e.g. a surrogate key); refreshed on the current version. */
  carried?: string[];
}

/**
 * Applies changed source rows to an SCD2 dimension: an inferred current member is filled in place;
 * a change of a type-2 attribute closes the current version at the source's updatedAt and opens the
 * next one; type-1 attributes are overwritten everywhere. Returns the rows written, the new
 * versions (key, valid_from) and the inferred keys filled.
 */
export async function applyScd2(tx: Tx, spec: Scd2Spec, rows: Record<string, unknown>[]) {
  if (!rows.length) return { written: 0, newVersionKeys: [] as number[], filledKeys: [] as number[] };
  const { table, keyCol, idCol } = spec;
  const carried = spec.carried ?? [];
  const attrs = [...spec.type2, ...spec.type1, ...carried];
  const withSum = rows.map((r) => ({ ...r, scd_checksum: checksum(spec.type2.map((c) => r[c] ?? null)) }));
  const src = `src AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS s(${idCol} integer, ${attrs.map((c) => `${c} ${spec.types[c]}`).join(', ')}, scd_checksum text, changed_at timestamptz))`;
  const json = JSON.stringify(withSum);

  const filled = await tx.query<{ k: number }>(
    `WITH ${src} UPDATE dw.${table} d SET ${attrs.map((c) => `${c} = src.${c}`).join(', ')}, scd_checksum = src.scd_checksum, is_inferred = false
     FROM src WHERE d.${idCol} = src.${idCol} AND d.is_current AND d.is_inferred RETURNING d.${keyCol} AS k`,
    [json],
  );
  const closed = await tx.query<{ id: number; version: number; valid_to: string }>(
    `WITH ${src} UPDATE dw.${table} d SET is_current = false, valid_to = greatest(src.changed_at, d.valid_from + interval '1 microsecond')
     FROM src WHERE d.${idCol} = src.${idCol} AND d.is_current AND NOT d.is_inferred AND d.scd_checksum IS DISTINCT FROM src.scd_checksum
     RETURNING d.${idCol} AS id, d.version, d.valid_to`,
    [json],
  );
  const inserted = await tx.query<{ k: number; first: boolean }>(
    `WITH ${src}, closed AS (SELECT * FROM jsonb_to_recordset($2::jsonb) AS c(id integer, version integer, valid_to timestamptz))
     INSERT INTO dw.${table} (${idCol}, version, ${attrs.join(', ')}, valid_from, scd_checksum)
     SELECT src.${idCol}, coalesce(c.version, 0) + 1, ${attrs.map((a) => `src.${a}`).join(', ')}, coalesce(c.valid_to, '-infinity'::timestamptz), src.scd_checksum
     FROM src LEFT JOIN closed c ON c.id = src.${idCol}
     WHERE c.id IS NOT NULL OR NOT EXISTS (SELECT 1 FROM dw.${table} d WHERE d.${idCol} = src.${idCol})
     RETURNING ${keyCol} AS k, (version = 1) AS first`,
    [json, JSON.stringify(closed.rows)],
  );
  let type1 = 0;
  if (spec.type1.length) {
    type1 = await count(
      tx,
      `WITH ${src} UPDATE dw.${table} d SET ${spec.type1.map((c) => `${c} = src.${c}`).join(', ')}
       FROM src WHERE d.${idCol} = src.${idCol} AND (${spec.type1.map((c) => `d.${c}`).join(', ')}) IS DISTINCT FROM (${spec.type1.map((c) => `src.${c}`).join(', ')})`,
      [json],
    );
  }
  if (carried.length) {
    type1 += await count(
      tx,
      `WITH ${src} UPDATE dw.${table} d SET ${carried.map((c) => `${c} = src.${c}`).join(', ')}
       FROM src WHERE d.${idCol} = src.${idCol} AND d.is_current AND (${carried.map((c) => `d.${c}`).join(', ')}) IS DISTINCT FROM (${carried.map((c) => `src.${c}`).join(', ')})`,
      [json],
    );
  }
  return {
    written: (filled.rowCount ?? 0) + (closed.rowCount ?? 0) + (inserted.rowCount ?? 0) + type1,
    newVersionKeys: inserted.rows.filter((r) => !r.first).map((r) => r.k),
    filledKeys: filled.rows.map((r) => r.k),
  };
}
