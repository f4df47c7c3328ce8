import { prepared } from '@erp/kit';
import DataLoader from 'dataloader';
import type pg from 'pg';
import {
  CONTACT_COLUMNS,
  EVALUATION_COLUMNS,
  SUPPLIER_COLUMNS,
  SUPPLY_COLUMNS,
  type ContactRow,
  type EvaluationRow,
  type SupplierRow,
  type SupplyRow,
} from './rows';

/** One query per hop and per request, whatever the number of parents (no N+1). */
function byId<T extends { id: number }>(pool: pg.Pool, sql: string) {
  return new DataLoader<number, T | null>(async (ids) => {
    const { rows } = await pool.query<T>(prepared(sql, [ids]));
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });
}

/** Rows grouped by a parent key, in the order the SQL gives them. */
function groupedBy<T>(pool: pg.Pool, sql: string, keyOf: (row: T) => number) {
  return new DataLoader<number, T[]>(async (keys) => {
    const { rows } = await pool.query<T & pg.QueryResultRow>(prepared(sql, [keys]));
    const groups = new Map<number, T[]>();
    for (const r of rows) {
      const k = keyOf(r);
      const g = groups.get(k);
      if (g) g.push(r);
      else groups.set(k, [r]);
    }
    return keys.map((k) => groups.get(k) ?? []);
  });
}

export function createLoaders(pool: pg.Pool) {
  return {
    supplier: byId<SupplierRow>(pool, `SELECT ${SUPPLIER_COLUMNS} FROM suppliers.suppliers WHERE id = ANY($1)`),
    contactsBySupplier: groupedBy<ContactRow>(
      pool,
      `SELECT ${CONTACT_COLUMNS} FROM suppliers.contacts WHERE supplier_id = ANY($1) ORDER BY name, id`,
      (r) => r.supplierId,
    ),
    suppliesBySupplier: groupedBy<SupplyRow>(
      pool,
      `SELECT ${SUPPLY_COLUMNS} FROM suppliers.product_supplies WHERE supplier_id = ANY($1) ORDER BY product_id`,
      (r) => r.supplierId,
    ),
    suppliesByProduct: groupedBy<SupplyRow>(
      pool,
      `SELECT ${SUPPLY_COLUMNS} FROM suppliers.product_supplies WHERE product_id = ANY($1) ORDER BY is_preferred DESC, supplier_id`,
      (r) => r.productId,
    ),
    /** Every evaluation of the supplier, oldest first (about 12 rows a year): filtered in memory by period. */
    evaluationsBySupplier: groupedBy<EvaluationRow>(
      pool,
      `SELECT ${EVALUATION_COLUMNS} FROM suppliers.evaluations WHERE supplier_id = ANY($1) ORDER BY period_start`,
      (r) => r.supplierId,
    ),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
