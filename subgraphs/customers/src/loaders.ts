import { byIdLoader, groupedLoader, rowLoader } from '@erp/kit/graphql';
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

/**
 * Per-request loaders. The customer loader applies the row-level rule itself: with a sales-rep
 * scope (SALES user) another rep's customer loads as null, on every path (queries, `_entities`).
 */
export function createLoaders(pool: pg.Pool, salesRepScope: number | null) {
  return {
    customer: rowLoader<number, CustomerRow>(
      pool,
      `SELECT ${CUSTOMER_COLUMNS} FROM customers.customers WHERE id = ANY($1) AND ($2::int IS NULL OR sales_rep_id = $2)`,
      (r) => r.id,
      [salesRepScope],
    ),
    contactsOf: groupedLoader<number, ContactRow>(
      pool,
      `SELECT ${CONTACT_COLUMNS} FROM customers.contacts WHERE customer_id = ANY($1) ORDER BY is_primary DESC, name, id`,
      (r) => r.customerId,
    ),
    country: rowLoader<string, CountryRow>(
      pool,
      `SELECT ${COUNTRY_COLUMNS} FROM customers.countries WHERE code = ANY($1)`,
      (r) => r.code,
    ),
    region: byIdLoader<RegionRow>(pool, `SELECT ${REGION_COLUMNS} FROM customers.regions WHERE id = ANY($1)`),
    city: byIdLoader<CityRow>(pool, `SELECT ${CITY_COLUMNS} FROM customers.cities WHERE id = ANY($1)`),
    regionsOf: groupedLoader<string, RegionRow>(
      pool,
      `SELECT ${REGION_COLUMNS} FROM customers.regions WHERE country_code = ANY($1) ORDER BY name, id`,
      (r) => r.countryCode,
    ),
    citiesOf: groupedLoader<number, CityRow>(
      pool,
      `SELECT ${CITY_COLUMNS} FROM customers.cities WHERE region_id = ANY($1) ORDER BY name, id`,
      (r) => r.regionId,
    ),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
