import type { CodegenConfig } from '@graphql-codegen/cli';
import { subgraphCodegen } from '@erp/kit/codegen';

// `npm run codegen -w @erp/subgraph-catalog` rewrites src/generated/resolvers.ts (committed).
const config: CodegenConfig = subgraphCodegen({
  context: 'CatalogContext',
  mappers: {
    ProductConnection: '../rows#ProductPage',
    StockLevelConnection: '../rows#StockLevelPage',
    StockMovementConnection: '../rows#StockMovementPage',
    Category: '../rows#CategoryRow',
    Product: '../rows#ProductRow',
    Warehouse: '../rows#WarehouseRow',
    StockLevel: '../rows#StockLevelRow',
    StockMovement: '../rows#StockMovementRow',
    StockReservation: '../rows#ReservationRow',
    StockMovementFeed: '../services/feed#StockMovementFeedPage',
  },
});
export default config;
