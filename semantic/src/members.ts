import type pg from 'pg';
import { LEVELS, type LevelDef } from './model';

/**
 * Members as ERP records: a member's code, the id of the record it stands for (what an action links
 * to) and its name. Every door turns codes into records here, from the level's own definition, so
 * none names a warehouse table; reference data, never a business figure.
 */
export interface MemberRecord {
  code: string;
  id: number;
  name: string;
}

type Db = Pick<pg.Pool, 'query'>;

function recordLevel(
  level: string,
): LevelDef & { membersFrom: string; record: { id: string; current?: string } } {
  const l = LEVELS.get(level);
  if (!l?.membersFrom || !l.record) throw new Error(`${level} is not a level of ERP records`);
  return { ...l, membersFrom: l.membersFrom, record: l.record };
}

async function readMembers(db: Db, level: string, by: 'key' | 'id', values: readonly unknown[]) {
  const l = recordLevel(level);
  if (!values.length) return [];
  const [column, type] = by === 'key' ? [l.key, 'text'] : [l.record.id, 'bigint'];
  const { rows } = await db.query<{ code: string; id: string | number; name: string }>(
    `SELECT ${l.key} AS code, ${l.record.id} AS id, ${l.label} AS name FROM ${l.membersFrom}
      WHERE (${column}) = ANY($1::${type}[])${l.record.current ? ` AND ${l.record.current}` : ''}`,
    [values],
  );
  return rows.map((r): MemberRecord => ({ code: String(r.code), id: Number(r.id), name: String(r.name) }));
}

/** The records of a level's members, by code (`geography.customer`, `product.product`, …); unknown codes are left out. */
export const lookupMembers = async (db: Db, level: string, codes: readonly string[]) =>
  new Map((await readMembers(db, level, 'key', codes)).map((m) => [m.code, m]));

/** The same records by their ERP id (results keyed by id, e.g. mining's). */
export const lookupMembersById = async (db: Db, level: string, ids: readonly number[]) =>
  new Map((await readMembers(db, level, 'id', ids)).map((m) => [m.id, m]));

/** The records of a level whose code or name the text contains (case ignored), at most `limit`. */
export async function membersNamedIn(
  db: Db,
  level: string,
  text: string,
  limit: number,
): Promise<{ code: string; name: string }[]> {
  const l = recordLevel(level);
  const { rows } = await db.query<{ code: string; name: string }>(
    `SELECT ${l.key} AS code, ${l.label} AS name FROM ${l.membersFrom}
      WHERE ${l.record.current ?? 'true'} AND (strpos(lower($1), lower(${l.label})) > 0 OR strpos(lower($1), lower(${l.key})) > 0)
      LIMIT $2`,
    [text, limit],
  );
  return rows;
}

/** A member a question may name: its level, key and label. */
export interface NameableMember {
  level: string;
  key: string;
  label: string;
}

/**
 * The members of every level a question may filter on (current versions of the dimensions); the
 * customers and sales reps, which name people and companies, only when asked for.
 */
export async function nameableMembers(db: Db, withCustomers: boolean): Promise<NameableMember[]> {
  const { rows } = await db.query<NameableMember>(
    `SELECT 'geography.country' AS level, country_code AS key, max(country_name) AS label FROM dw.dim_geography WHERE geography_key > 0 GROUP BY country_code
     UNION ALL SELECT DISTINCT 'geography.region', region, region FROM dw.dim_geography WHERE geography_key > 0 AND region NOT IN ('', 'Unknown')
     UNION ALL SELECT DISTINCT 'geography.city', city, city FROM dw.dim_geography WHERE geography_key > 0 AND city NOT IN ('', 'Unknown')
     UNION ALL SELECT DISTINCT 'product.category', code, name FROM dw.dim_category c
                WHERE NOT EXISTS (SELECT 1 FROM dw.dim_category x WHERE x.parent_category_id = c.category_id) -- a family is a root, not a category
     UNION ALL SELECT DISTINCT 'product.root', root_code, root_name FROM dw.dim_category
     UNION ALL SELECT DISTINCT 'product.product', sku, name FROM dw.dim_product WHERE is_current AND NOT is_inferred
     UNION ALL SELECT DISTINCT 'segment.segment', segment, segment FROM dw.dim_customer WHERE is_current
     UNION ALL SELECT DISTINCT 'supplier.supplier', code, name FROM dw.dim_supplier WHERE NOT is_inferred
     UNION ALL SELECT DISTINCT 'warehouse.warehouse', code, name FROM dw.dim_warehouse WHERE NOT is_inferred
     UNION ALL SELECT DISTINCT 'carrier.carrier', code, name FROM dw.dim_carrier
     ${withCustomers ? `UNION ALL SELECT DISTINCT 'geography.customer', code, name FROM dw.dim_customer WHERE is_current AND NOT is_inferred` : ''}
     ${withCustomers ? `UNION ALL SELECT 'salesRep.salesRep', sales_rep_id::text, name FROM dw.dim_sales_rep` : ''}`,
  );
  return rows;
}

export interface MainSupply {
  supplierId: number;
  supplierCode: string;
  supplierName: string;
  /** The main supply's lead time (or its supplier's average: see leadTimeSource); null when neither is known. */
  leadTimeDays: number | null;
  leadTimeSource: 'supply' | 'supplier average' | null;
  minOrderQuantity: number;
}

/**
 * Each product's main supplier with its lead time and minimum order quantity, by product id, as the
 * ETL derived them: the one rule, also behind the model's supplier level on sales, stock and the catalog.
 */
export async function mainSupplies(db: Db): Promise<Map<number, MainSupply>> {
  const sup = recordLevel('supplier.supplier');
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT pms.product_id, pms.supplier_id, sup.code, sup.name, pms.lead_time_days, pms.lead_time_source, pms.min_order_quantity
       FROM dw.product_main_supplier pms JOIN ${sup.membersFrom} ON ${sup.record.id} = pms.supplier_id`,
  );
  return new Map(
    rows.map((r) => [
      Number(r.product_id),
      {
        supplierId: Number(r.supplier_id),
        supplierCode: String(r.code),
        supplierName: String(r.name),
        leadTimeDays: r.lead_time_days === null ? null : Number(r.lead_time_days),
        leadTimeSource:
          r.lead_time_source === null ? null : (String(r.lead_time_source) as MainSupply['leadTimeSource']),
        minOrderQuantity: Number(r.min_order_quantity) || 1,
      },
    ]),
  );
}
