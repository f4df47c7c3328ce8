/** Commercial segment a customer is sold to as (set by sales); analytic segments come from mining. */
export const CUSTOMER_SEGMENTS = ['CONSUMER', 'SMALL_BUSINESS', 'CORPORATE', 'WHOLESALE'] as const;
export type CustomerSegment = (typeof CUSTOMER_SEGMENTS)[number];

export const CUSTOMER_STATUSES = ['ACTIVE', 'INACTIVE'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];
