import type { Connection } from '@erp/kit/graphql';
import type { cities, countries, customerContacts, customers, regions } from './db/schema';
/** Database rows as the GraphQL layer sees them (camelCase, ids as numbers): a table's row type is its drizzle schema's ($inferSelect), narrowed to the columns selected. */
export type CountryRow = Pick<typeof countries.$inferSelect, 'code' | 'name'>;
export type RegionRow = Pick<typeof regions.$inferSelect, 'id' | 'countryCode' | 'name'>;
export type CityRow = Pick<typeof cities.$inferSelect, 'id' | 'regionId' | 'name'>;
export type CustomerRow = Pick<
  typeof customers.$inferSelect,
  | 'id'
  | 'code'
  | 'name'
  | 'email'
  | 'phone'
  | 'segment'
  | 'status'
  | 'cityId'
  | 'salesRepId'
  | 'isGuest'
  | 'analyticSegment'
  | 'analyticSegmentAt'
  | 'createdAt'
  | 'updatedAt'
>;
/** A customer's place, as the Customer.geography field hands it to CustomerGeography. */
export interface GeographyRef {
  cityId: number;
}
export type ContactRow = Pick<
  typeof customerContacts.$inferSelect,
  'id' | 'customerId' | 'name' | 'email' | 'phone' | 'jobTitle' | 'isPrimary' | 'createdAt' | 'updatedAt'
>;

export const COUNTRY_COLUMNS = `code, name`;
export const REGION_COLUMNS = `id, country_code AS "countryCode", name`;
export const CITY_COLUMNS = `id, region_id AS "regionId", name`;
export const CUSTOMER_COLUMNS = `id, code, name, email, phone, segment, status, city_id AS "cityId", sales_rep_id AS "salesRepId",
  is_guest AS "isGuest", analytic_segment AS "analyticSegment", analytic_segment_at AS "analyticSegmentAt",
  created_at AS "createdAt", updated_at AS "updatedAt"`;
export const CONTACT_COLUMNS = `id, customer_id AS "customerId", name, email, phone, job_title AS "jobTitle", is_primary AS "isPrimary",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/** A page of customer rows as the list services return it (totalCount counted only when asked). */
export type CustomerPage = Connection<CustomerRow>;
