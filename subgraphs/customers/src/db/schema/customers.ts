import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgSchema, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { rowTimestamps } from '@erp/kit';
import { CUSTOMER_SEGMENTS, CUSTOMER_STATUSES } from './constants';

export const customersSchema = pgSchema('customers');
export const customerSegment = customersSchema.enum('customer_segment', CUSTOMER_SEGMENTS);
export const customerStatus = customersSchema.enum('customer_status', CUSTOMER_STATUSES);

/** Geography hierarchy: country → region → city. Countries keyed by ISO 3166-1 alpha-2 where known. */
export const countries = customersSchema.table(
  'countries',
  {
    code: text('code').primaryKey(),
    name: text('name').notNull().unique(),
    ...rowTimestamps(),
  },
  (t) => [check('countries_code_format', sql`${t.code} ~ '^[A-Z0-9]{2,3}$'`)],
);

export const regions = customersSchema.table(
  'regions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    countryCode: text('country_code')
      .notNull()
      .references(() => countries.code),
    name: text('name').notNull(),
    ...rowTimestamps(),
  },
  (t) => [unique('regions_country_name_key').on(t.countryCode, t.name)],
);

export const cities = customersSchema.table(
  'cities',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    regionId: integer('region_id')
      .notNull()
      .references(() => regions.id),
    name: text('name').notNull(),
    ...rowTimestamps(),
  },
  (t) => [unique('cities_region_name_key').on(t.regionId, t.name)],
);

/**
 * A customer account. `sales_rep_id` is the user (auth domain) the account is assigned to: no
 * foreign key across domains. A guest customer stands for sales without a customer identity
 * (e.g. Online Retail lines without CustomerID), one per country, and is left out of RFM.
 */
export const customers = customersSchema.table(
  'customers',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    email: text('email').unique(),
    phone: text('phone'),
    segment: customerSegment('segment').notNull().default('SMALL_BUSINESS'),
    status: customerStatus('status').notNull().default('ACTIVE'),
    cityId: integer('city_id')
      .notNull()
      .references(() => cities.id),
    salesRepId: integer('sales_rep_id'),
    isGuest: boolean('is_guest').notNull().default(false),
    /** Written back by the mining run (RFM / cluster name) and when. */
    analyticSegment: text('analytic_segment'),
    analyticSegmentAt: timestamp('analytic_segment_at', { withTimezone: true }),
    ...rowTimestamps(),
  },
  (t) => [
    check('customers_code_not_blank', sql`btrim(${t.code}) <> ''`),
    check(
      'customers_email_format',
      sql`${t.email} IS NULL OR ${t.email} ~* '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$'`,
    ),
    index('customers_city_idx').on(t.cityId),
    index('customers_sales_rep_idx').on(t.salesRepId),
    index('customers_updated_idx').on(t.updatedAt, t.id),
    // List sort keys with the id that breaks ties: keyset pages are index scans that stop after the page.
    index('customers_name_idx').on(t.name, t.id),
    index('customers_created_idx').on(t.createdAt, t.id),
  ],
);

/** People to talk to at a customer. Personal data: hidden from ANALYST. */
export const customerContacts = customersSchema.table(
  'contacts',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    customerId: integer('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    email: text('email'),
    phone: text('phone'),
    jobTitle: text('job_title'),
    isPrimary: boolean('is_primary').notNull().default(false),
    ...rowTimestamps(),
  },
  (t) => [index('contacts_customer_idx').on(t.customerId)],
);
