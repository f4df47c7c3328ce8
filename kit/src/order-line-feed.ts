/**
 * The column contract of salesOrderLineFeed, the sales subgraph's flat order-line feed for the ETL:
 * the tuple columns in the order the server sends them, each with its SQL type and what it describes
 * — the order's position in extraction order, the order itself, or one of its lines (an order without
 * lines comes as one tuple whose line columns are null). The server and the ETL both read it here.
 */
export const ORDER_LINE_FEED = {
  order_id: { type: 'integer', of: 'position' },
  line_no: { type: 'integer', of: 'line' },
  number: { type: 'text', of: 'order' },
  kind: { type: 'text', of: 'order' },
  status: { type: 'text', of: 'order' },
  currency: { type: 'text', of: 'order' },
  sales_rep_id: { type: 'integer', of: 'order' },
  ordered_at: { type: 'timestamptz', of: 'order' },
  confirmed_at: { type: 'timestamptz', of: 'order' },
  shipped_at: { type: 'timestamptz', of: 'order' },
  delivered_at: { type: 'timestamptz', of: 'order' },
  cancelled_at: { type: 'timestamptz', of: 'order' },
  updated_at: { type: 'timestamptz', of: 'position' },
  customer_id: { type: 'integer', of: 'order' },
  warehouse_id: { type: 'integer', of: 'order' },
  carrier_id: { type: 'integer', of: 'order' },
  ship_to_city_id: { type: 'integer', of: 'order' },
  product_id: { type: 'integer', of: 'line' },
  quantity: { type: 'integer', of: 'line' },
  unit_price: { type: 'numeric', of: 'line' },
  discount: { type: 'numeric', of: 'line' },
  tax_rate: { type: 'numeric', of: 'line' },
  net_amount: { type: 'numeric', of: 'line' },
  tax_amount: { type: 'numeric', of: 'line' },
  gross_amount: { type: 'numeric', of: 'line' },
} as const satisfies Record<string, { type: string; of: 'position' | 'order' | 'line' }>;

export type OrderLineFeedColumn = keyof typeof ORDER_LINE_FEED;

/** The feed's tuple columns, in the order the server sends them. */
export const ORDER_LINE_FEED_COLUMNS = Object.keys(ORDER_LINE_FEED) as OrderLineFeedColumn[];
