import { PRODUCT_STATUSES, STOCK_MOVEMENT_KINDS } from '@erp/kit';

/**
 * Enum values shared by pgEnum, zod and the GraphQL schema of the catalog domain; those the data
 * importer checks too are kit's.
 */
export { PRODUCT_STATUSES, STOCK_MOVEMENT_KINDS };
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];
export type StockMovementKind = (typeof STOCK_MOVEMENT_KINDS)[number];

export const RESERVATION_STATUSES = ['ACTIVE', 'SHIPPED', 'RELEASED'] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];
