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

/** Adds a staged page to the counters; returns whether a key (joined with ',') was inserted or updated. */
export function countStaged(counts: PageCounts, staged: Awaited<ReturnType<typeof stage>>) {
  counts.inserted += staged.inserted.size;
  counts.updated += staged.updated.size;
  counts.unchanged += staged.unchanged;
  counts.written += staged.inserted.size + staged.updated.size;
  return (k: string) => staged.inserted.has(k) || staged.updated.has(k);
}

/**
 * Stages a page of nodes keyed by their id (the node is the payload) and counts it; returns the
 * nodes whose checksum changed, the only ones the warehouse needs to see again.
 */
export async function stageChanged<N extends { id: string }>(
  tx: Tx,
  counts: PageCounts,
  staging: { table: string; keyCol: string; runId: number },
  nodes: N[],
  row: (node: N) => { checksum: string; updatedAt: string | null },
): Promise<N[]> {
  const rows: StagedRow[] = nodes.map((n) => ({ key: [Number(n.id)], payload: n, ...row(n) }));
  const changed = countStaged(counts, await stage(tx, staging.table, [staging.keyCol], rows, staging.runId));
  return nodes.filter((n) => changed(n.id));
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

/** The members a fact may point at before their dimension has them (late-arriving). */
interface MemberIds {
  suppliers?: number[];
  products?: number[];
  customers?: number[];
  warehouses?: number[];
}

/** An inferred member's placeholders named after its id (`id` in the expressions): its label's and `extra`. */
function inferred(
  what: string,
  extra: Record<string, string>,
  o: { labelCol?: string; scd2?: boolean } = {},
): { table: string; idCol: string; values: Record<string, string>; conflict: string } {
  const values = { [o.labelCol ?? 'code']: `'UNKNOWN-' || id`, name: `'Unknown ${what} ' || id`, ...extra };
  // an SCD2 member is version 1, valid from the start of time (its key is a surrogate: no conflict target)
  if (o.scd2) Object.assign(values, { version: '1', valid_from: `'-infinity'::timestamptz` });
  return { table: `dim_${what}`, idCol: `${what}_id`, values, conflict: o.scd2 ? '' : `(${what}_id)` };
}

/** What an inferred member holds until its source row fills it in place. */
const INFERRED: Record<keyof MemberIds, ReturnType<typeof inferred>> = {
  suppliers: inferred('supplier', { country_code: `'??'`, status: `'UNKNOWN'` }),
  products: inferred('product', { status: `'UNKNOWN'` }, { labelCol: 'sku', scd2: true }),
  customers: inferred('customer', { segment: `'UNKNOWN'`, status: `'UNKNOWN'` }, { scd2: true }),
  warehouses: inferred('warehouse', { city: `'Unknown'`, country_code: `'??'` }),
};

/** Late-arriving members: facts may point at a product, customer, warehouse or supplier the dimension lacks yet. */
export async function inferMembers(tx: Tx, ids: MemberIds): Promise<number> {
  let n = 0;
  for (const [kind, m] of Object.entries(INFERRED)) {
    const memberIds = ids[kind as keyof MemberIds];
    if (!memberIds?.length) continue;
    const cols = Object.keys(m.values);
    n += await count(
      tx,
      `INSERT INTO dw.${m.table} (${m.idCol}, ${cols.join(', ')}, is_inferred)
       SELECT DISTINCT id, ${Object.values(m.values).join(', ')}, true
       FROM unnest($1::int[]) AS id WHERE NOT EXISTS (SELECT 1 FROM dw.${m.table} d WHERE d.${m.idCol} = id)
       ON CONFLICT ${m.conflict} DO NOTHING`,
      [memberIds],
    );
  }
  return n;
}

/** A type-1 dimension: its natural key and its attributes with their SQL types (for jsonb_to_recordset). */
interface DimensionSpec {
  table: string;
  idCol: string;
  types: Record<string, string>;
  /** The dimension may hold inferred members: a source row makes its member real (is_inferred = false). */
  inferable?: boolean;
}

/**
 * Upserts source rows (objects keyed by the spec's columns) into a type-1 dimension; a member whose
 * attributes are unchanged is not rewritten. Returns the rows written.
 */
export async function upsertDimension(tx: Tx, spec: DimensionSpec, rows: object[]): Promise<number> {
  if (!rows.length) return 0;
  const { table, idCol } = spec;
  const attrs = Object.keys(spec.types);
  const cols = spec.inferable ? [...attrs, 'is_inferred'] : attrs;
  const values = spec.inferable ? [...attrs, 'false'] : attrs;
  // a source row is never inferred: inserted false, it turns an inferred member real on update
  return count(
    tx,
    `INSERT INTO dw.${table} AS d (${idCol}, ${cols.join(', ')})
     SELECT ${idCol}, ${values.join(', ')}
     FROM jsonb_to_recordset($1::jsonb) AS s(${idCol} integer, ${attrs.map((c) => `${c} ${spec.types[c]}`).join(', ')})
     ON CONFLICT (${idCol}) DO UPDATE SET ${cols.map((c) => `${c} = excluded.${c}`).join(', ')}
     WHERE (${cols.map((c) => `d.${c}`).join(', ')}) IS DISTINCT FROM (${cols.map((c) => `excluded.${c}`).join(', ')})`,
    [JSON.stringify(rows)],
  );
}

/**
 * The ON CONFLICT clause of a fact's upsert (the fact aliased `f`): every column and the run are
 * updated, only when a column changed, so an unchanged row is not rewritten.
 */
export function updateChangedFact(naturalKey: string[], cols: string[]): string {
  return `ON CONFLICT (${naturalKey.join(', ')}) DO UPDATE SET ${cols.map((c) => `${c} = excluded.${c}`).join(', ')}, run_id = excluded.run_id
     WHERE (${cols.map((c) => `f.${c}`).join(', ')}) IS DISTINCT FROM (${cols.map((c) => `excluded.${c}`).join(', ')})`;
}

/**
 * Deletes the facts of re-extracted parents (`parentIds`, $1) the source no longer has: those for
 * which `kept` (SQL on the fact as `f`, its own parameters from $2) is false. They count as deleted
 * and as written.
 */
export async function deleteGone(
  tx: Tx,
  counts: PageCounts,
  gone: { fact: string; parentCol: string; parentIds: number[]; kept: string; keptParams?: unknown[] },
): Promise<void> {
  const n = await count(
    tx,
    `DELETE FROM dw.${gone.fact} f WHERE f.${gone.parentCol} = ANY($1::int[]) AND NOT (${gone.kept})`,
    [gone.parentIds, ...(gone.keptParams ?? [])],
  );
  counts.deleted += n;
  counts.written += n;
}

/**
 * A page's child facts replaced: `rows` upserted by `upsert` (SQL taking them as JSON in $1 and the
 * run in $2, counting the rows it writes), then the facts of the same parents the source no longer
 * has deleted (deleteGone).
 */
export async function replaceFacts(
  tx: Tx,
  counts: PageCounts,
  facts: Parameters<typeof deleteGone>[2] & { upsert: string; rows: object[]; runId: number },
): Promise<void> {
  if (facts.rows.length)
    counts.written += await count(tx, facts.upsert, [JSON.stringify(facts.rows), facts.runId]);
  await deleteGone(tx, counts, facts);
}

// ---------------------------------------------------------------------------------------------
// SCD type 2

/**
 * Points a fact at what applyScd2 changed: `newVersions` (SQL, the new versions' keys as $1) moves the
 * facts dated in a new version's validity onto it; `filled` (the filled inferred keys as $1) gives the
 * facts on a filled inferred member its attributes. Returns the facts written.
 */
export async function repointFacts(
  tx: Tx,
  scd: { newVersionKeys: number[]; filledKeys: number[] },
  sql: { newVersions: string; filled: string },
): Promise<number> {
  let written = 0;
  if (scd.newVersionKeys.length) written += await count(tx, sql.newVersions, [scd.newVersionKeys]);
  if (scd.filledKeys.length) written += await count(tx, sql.filled, [scd.filledKeys]);
  return written;
}

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
