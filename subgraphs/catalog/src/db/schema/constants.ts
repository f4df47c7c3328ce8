/** Enum values shared by pgEnum, zod and the GraphQL schema of the catalog domain. */
export const PRODUCT_STATUSES = ['ACTIVE', 'DISCONTINUED'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

/**
 * Why stock moved. RECEIPT (from a supplier), SHIPMENT (to a customer), ADJUSTMENT (count, damage),
 * TRANSFER_IN/OUT (between warehouses), OPENING (the balance a data set starts with).
 */
export const STOCK_MOVEMENT_KINDS = [
  'OPENING',
  'RECEIPT',
  'SHIPMENT',
  'ADJUSTMENT',
  'TRANSFER_IN',
  'TRANSFER_OUT',
] as const;
export type StockMovementKind = (typeof STOCK_MOVEMENT_KINDS)[number];

export const RESERVATION_STATUSES = ['ACTIVE', 'SHIPPED', 'RELEASED'] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];
