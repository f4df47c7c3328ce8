/**
 * Enum values of the catalog and purchasing tables that more than their subgraph needs: the data
 * importer's staging checks use the same lists, so a new value reaches both at once.
 */
export const PRODUCT_STATUSES = ['ACTIVE', 'DISCONTINUED'] as const;

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

export const PURCHASE_ORDER_STATUSES = [
  'DRAFT',
  'SENT',
  'PARTIALLY_RECEIVED',
  'RECEIVED',
  'CANCELLED',
] as const;
