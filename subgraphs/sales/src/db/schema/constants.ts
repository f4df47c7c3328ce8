/** Order workflow: DRAFT → CONFIRMED → SHIPPED → DELIVERED; CANCELLED from DRAFT or CONFIRMED. */
export const ORDER_STATUSES = ['DRAFT', 'CONFIRMED', 'SHIPPED', 'DELIVERED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  DRAFT: ['CONFIRMED', 'CANCELLED'],
  CONFIRMED: ['SHIPPED', 'CANCELLED'],
  SHIPPED: ['DELIVERED'],
  DELIVERED: [],
  CANCELLED: [],
};

/**
 * SALE: goods go to the customer. RETURN: a credit note, goods (and money) come back; its lines carry
 * positive quantities and analytics subtract them (Online Retail's "C…" invoices are returns).
 */
export const ORDER_KINDS = ['SALE', 'RETURN'] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];
