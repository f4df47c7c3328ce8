import { PURCHASE_ORDER_STATUSES } from '@erp/kit';

export const SUPPLIER_STATUSES = ['ACTIVE', 'INACTIVE'] as const;
export type SupplierStatus = (typeof SUPPLIER_STATUSES)[number];

/** The statuses the data importer checks too: one list, in kit. */
export { PURCHASE_ORDER_STATUSES };
export type PurchaseOrderStatus = (typeof PURCHASE_ORDER_STATUSES)[number];

/**
 * The purchase order workflow. Receipts move SENT/PARTIALLY_RECEIVED to PARTIALLY_RECEIVED or
 * RECEIVED; closing drops what will not come; cancelling is possible only before any receipt.
 */
export const PURCHASE_ORDER_TRANSITIONS: Record<PurchaseOrderStatus, readonly PurchaseOrderStatus[]> = {
  DRAFT: ['SENT', 'CANCELLED'],
  SENT: ['PARTIALLY_RECEIVED', 'RECEIVED', 'CANCELLED'],
  PARTIALLY_RECEIVED: ['PARTIALLY_RECEIVED', 'RECEIVED'],
  RECEIVED: [],
  CANCELLED: [],
};

/** Over-receipt tolerance: a line may receive in total at most floor(quantity × (1 + this)). */
export const OVER_RECEIPT_TOLERANCE = 0.1;
