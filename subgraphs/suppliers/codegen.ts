import type { CodegenConfig } from '@graphql-codegen/cli';
import { subgraphCodegen } from '@erp/kit/codegen';

// `npm run codegen -w @erp/subgraph-suppliers` rewrites src/generated/resolvers.ts (committed).
const config: CodegenConfig = subgraphCodegen({
  context: 'SuppliersContext',
  mappers: {
    SupplierConnection: '../rows#SupplierPage',
    Supplier: '../rows#SupplierRow',
    SupplierContact: '../rows#ContactRow',
    ProductSupply: '../rows#SupplyRow',
    SupplierEvaluation: '../rows#EvaluationRow',
    Product: '../rows#ProductRef',
    Warehouse: '../rows#WarehouseRef',
    StockLevel: '../rows#StockLevelRef',
    PurchaseOrder: '../rows#PurchaseOrderRow',
    PurchaseOrderLine: '../rows#PurchaseOrderLineRow',
    PurchaseReceipt: '../rows#PurchaseReceiptRow',
    PurchaseOrderConnection: '../rows#PurchaseOrderPage',
    PurchaseReceiptConnection: '../rows#PurchaseReceiptPage',
    ReplenishmentSuggestion: '../rows#ReplenishmentRow',
  },
});
export default config;
