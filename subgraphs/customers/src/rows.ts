import type { Connection } from '@erp/kit/graphql';
/** Database rows as the GraphQL layer sees them (camelCase, ids as numbers). */
export interface CountryRow {
  code: string;
  name: string;
}
export interface RegionRow {
  id: number;
  countryCode: string;
  name: string;
}
export interface CityRow {
  id: number;
  regionId: number;
  name: string;
}
export interface CustomerRow {
  id: number;
  code: string;
  name: string;
  email: string | null;
  phone: string | null;
  segment: string;
  status: string;
  cityId: number;
  salesRepId: number | null;
  isGuest: boolean;
  analyticSegment: string | null;
  analyticSegmentAt: string | Date | null;
  createdAt: string | Date;
  updatedAt: string | Date;
}
/** A customer's place, as the Customer.geography field hands it to CustomerGeography. */
export interface GeographyRef {
  cityId: number;
}
export interface ContactRow {
  id: number;
  customerId: number;
  name: string;
  email: string | null;
  phone: string | null;
  jobTitle: string | null;
  isPrimary: boolean;
  createdAt: string | Date;
  updatedAt: string | Date;
}

export const COUNTRY_COLUMNS = `code, name`;
export const REGION_COLUMNS = `id, country_code AS "countryCode", name`;
export const CITY_COLUMNS = `id, region_id AS "regionId", name`;
export const CUSTOMER_COLUMNS = `id, code, name, email, phone, segment, status, city_id AS "cityId", sales_rep_id AS "salesRepId",
  is_guest AS "isGuest", analytic_segment AS "analyticSegment", analytic_segment_at AS "analyticSegmentAt",
  created_at AS "createdAt", updated_at AS "updatedAt"`;
export const CONTACT_COLUMNS = `id, customer_id AS "customerId", name, email, phone, job_title AS "jobTitle", is_primary AS "isPrimary",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/** The same columns qualified by a table alias, for joins. */
export const qualified = (columns: string, alias: string) => columns.replace(/(^|,\s*)(\w+)/g, `$1${alias}.$2`);

/** A page of customer rows as the list services return it (totalCount counted only when asked). */
export type CustomerPage = Connection<CustomerRow>;
