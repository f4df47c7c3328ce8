/**
 * The column contract of stockMovementFeed, the catalog subgraph's flat feed of the stock ledger for
 * the ETL: the tuple columns in the order the server sends them, each with its SQL type. The server
 * and the ETL both read it here.
 */
export const STOCK_MOVEMENT_FEED = {
  id: 'bigint',
  product_id: 'integer',
  warehouse_id: 'integer',
  kind: 'text',
  quantity: 'integer',
  reference: 'text',
  external_key: 'text',
  occurred_at: 'timestamptz',
  created_at: 'timestamptz',
} as const;

export type StockMovementFeedColumn = keyof typeof STOCK_MOVEMENT_FEED;

/** The feed's tuple columns, in the order the server sends them. */
export const STOCK_MOVEMENT_FEED_COLUMNS = Object.keys(STOCK_MOVEMENT_FEED) as StockMovementFeedColumn[];
