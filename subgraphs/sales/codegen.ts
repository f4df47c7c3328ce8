import type { CodegenConfig } from '@graphql-codegen/cli';
import { subgraphCodegen } from '@erp/kit/codegen';

// `npm run codegen -w @erp/subgraph-sales` rewrites src/generated/resolvers.ts (committed).
const config: CodegenConfig = subgraphCodegen({
  context: 'SalesContext',
  mappers: {
    OrderConnection: '../rows#OrderPage',
    Order: '../rows#OrderRow',
    OrderLine: '../rows#OrderLineRow',
    OrderStatusChange: '../rows#StatusChangeRow',
    SalesTotals: '../services/order-totals#SalesTotals as SalesTotalsResult',
    SalesOrderLineFeed: '../services/feed#OrderLineFeedPage',
    Customer: '../rows#EntityRef',
    Warehouse: '../rows#EntityRef',
    Product: '../rows#EntityRef',
  },
});
export default config;
