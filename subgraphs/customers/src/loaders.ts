import { prepared } from '@erp/kit';
import DataLoader from 'dataloader';
import type pg from 'pg';
import {
  CITY_COLUMNS,
  CONTACT_COLUMNS,
  COUNTRY_COLUMNS,
  CUSTOMER_COLUMNS,
  REGION_COLUMNS,
  type CityRow,
  type ContactRow,
  type CountryRow,
  type CustomerRow,
  type RegionRow,
} from './rows';

/** One query per hop and per request, whatever the number of parents (no N+1). */
function byKey<K extends number | string, T>(
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

function groupedBy<K extends number | string, T>(pool: pg.Pool, sql: string, keyOf: (row: T) => K) {
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

/**
 * Per-request loaders. The customer loader applies the row-level rule itself: with a sales-rep
 * scope (SALES user) another rep's customer loads as null, on every path (queries, `_entities`).
 */
export function createLoaders(pool: pg.Pool, salesRepScope: number | null) {
  return {
    customer: byKey<number, CustomerRow>(
      pool,
      `SELECT ${CUSTOMER_COLUMNS} FROM customers.customers WHERE id = ANY($1) AND ($2::int IS NULL OR sales_rep_id = $2)`,
      (r) => r.id,
      [salesRepScope],
    ),
    contactsOf: groupedBy<number, ContactRow>(
      pool,
      `SELECT ${CONTACT_COLUMNS} FROM customers.contacts WHERE customer_id = ANY($1) ORDER BY is_primary DESC, name, id`,
      (r) => r.customerId,
    ),
    country: byKey<string, CountryRow>(
      pool,
      `SELECT ${COUNTRY_COLUMNS} FROM customers.countries WHERE code = ANY($1)`,
      (r) => r.code,
    ),
    region: byKey<number, RegionRow>(
      pool,
      `SELECT ${REGION_COLUMNS} FROM customers.regions WHERE id = ANY($1)`,
      (r) => r.id,
    ),
    city: byKey<number, CityRow>(
      pool,
      `SELECT ${CITY_COLUMNS} FROM customers.cities WHERE id = ANY($1)`,
      (r) => r.id,
    ),
    regionsOf: groupedBy<string, RegionRow>(
      pool,
      `SELECT ${REGION_COLUMNS} FROM customers.regions WHERE country_code = ANY($1) ORDER BY name, id`,
      (r) => r.countryCode,
    ),
    citiesOf: groupedBy<number, CityRow>(
      pool,
      `SELECT ${CITY_COLUMNS} FROM customers.cities WHERE region_id = ANY($1) ORDER BY name, id`,
      (r) => r.regionId,
    ),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
