import type { Principal, Role, ServiceRole } from './roles';

/** Who a matrix entry can grant: a person's role or a machine identity. */
export type Grantee = Role | ServiceRole;

/**
 * THE role × operation matrix: every root field of the API (Query and Mutation of every subgraph)
 * and the roles and machine identities allowed to call it. Deny by default: a field missing here is
 * refused to everyone, and a test fails when a schema field has no entry. Row-level rules (a SALES
 * user sees only the customers and orders assigned to them; ANALYST never sees contact data) are
 * applied by the services on top of this.
 */
const PEOPLE: readonly Role[] = ['ADMIN', 'MANAGER', 'SALES', 'WAREHOUSE', 'PURCHASING', 'ANALYST'];
/** The ETL reads what the warehouse is loaded from, as ANALYST sees it (no contact data), and writes nothing. */
const ETL: readonly Grantee[] = ['ETL_SERVICE'];
const ALL: readonly Grantee[] = [...PEOPLE, ...ETL];
const ADMIN_MANAGER: readonly Role[] = ['ADMIN', 'MANAGER'];
/** Who reads stock movements, suppliers and purchasing: everyone but SALES, and the ETL. */
const SUPPLY_CHAIN_READERS: readonly Grantee[] = [
  'ADMIN',
  'MANAGER',
  'WAREHOUSE',
  'PURCHASING',
  'ANALYST',
  ...ETL,
];
/** Who changes what is bought: products, suppliers and their supplies, purchase orders. */
const BUYERS: readonly Role[] = ['ADMIN', 'MANAGER', 'PURCHASING'];
/** Who moves goods in and out of the warehouses by hand. */
const STOCK_KEEPERS: readonly Role[] = ['ADMIN', 'MANAGER', 'WAREHOUSE'];
/** Who sells: writes customers and orders (a SALES user only their own). */
const SELLERS: readonly Role[] = ['ADMIN', 'MANAGER', 'SALES'];

export const PERMISSIONS: Record<string, readonly Grantee[]> = {
  // gateway (auth): every logged-in account reads its own user
  'Query.me': [...PEOPLE, 'ETL_SERVICE', 'MINING_SERVICE'],
  'Query.users': ['ADMIN'],
  // names of the people sales are attributed to (no contact data): reports per sales rep
  'Query.salesReps': ['ADMIN', 'MANAGER', 'SALES', 'ANALYST', ...ETL],
  'Query.auditLog': ['ADMIN'],
  'Mutation.createUser': ['ADMIN'],
  'Mutation.updateUser': ['ADMIN'],
  'Mutation.setUserDisabled': ['ADMIN'],
  'Query.pipelineRuns': ['ADMIN', 'MANAGER', 'ANALYST'],
  'Query.pipelineSchedule': ['ADMIN', 'MANAGER', 'ANALYST'],
  'Mutation.runPipeline': ['ADMIN', 'MANAGER'],

  // catalog: categories, products, warehouses, stock
  'Query.categories': ALL,
  'Query.category': ALL,
  'Query.products': ALL,
  'Query.product': ALL,
  'Query.warehouses': ALL,
  'Query.warehouse': ALL,
  'Query.stockLevels': ['ADMIN', 'MANAGER', 'SALES', 'WAREHOUSE', 'PURCHASING', 'ANALYST', ...ETL],
  'Query.stockMovements': SUPPLY_CHAIN_READERS,
  'Query.stockTotals': SUPPLY_CHAIN_READERS,
  // the ETL's feed of the whole stock ledger (bulk pages): the ETL's identity only, no person's role
  'Query.stockMovementFeed': ETL,
  'Mutation.createCategory': ADMIN_MANAGER,
  'Mutation.updateCategory': ADMIN_MANAGER,
  'Mutation.createProduct': BUYERS,
  'Mutation.updateProduct': BUYERS,
  'Mutation.createWarehouse': ADMIN_MANAGER,
  'Mutation.updateWarehouse': ADMIN_MANAGER,
  'Mutation.setReorderPoint': ['ADMIN', 'MANAGER', 'WAREHOUSE', 'PURCHASING'],
  'Mutation.recordReceipt': STOCK_KEEPERS,
  'Mutation.recordAdjustment': STOCK_KEEPERS,
  'Mutation.transferStock': STOCK_KEEPERS,
  // internal operations of the order workflow (not in the public API): the sales service only,
  // always for one order it has locked; no person's role reaches them
  'Mutation.reserveOrderStock': ['SALES_SERVICE'],
  'Mutation.releaseOrderStock': ['SALES_SERVICE'],
  'Mutation.shipOrderStock': ['SALES_SERVICE'],
  'Mutation.undoOrderShipment': ['SALES_SERVICE'],
  'Query.orderStockHolds': ['SALES_SERVICE'],
  // a purchase receipt's goods enter the stock: the suppliers service (receivePurchaseOrder) only
  'Mutation.receivePurchaseStock': ['PURCHASING_SERVICE'],
  'Mutation.undoPurchaseStock': ['PURCHASING_SERVICE'],
  'Query.stockDemand': ['PURCHASING_SERVICE'],

  // customers
  'Query.customers': ['ADMIN', 'MANAGER', 'SALES', 'ANALYST', ...ETL],
  'Query.customer': ['ADMIN', 'MANAGER', 'SALES', 'ANALYST', ...ETL],
  'Query.countries': ALL,
  'Mutation.createCustomer': SELLERS,
  'Mutation.updateCustomer': SELLERS,
  'Mutation.addCustomerContact': SELLERS,
  // analytic segments are the mining run's output: its identity alone writes them
  'Mutation.assignCustomerSegments': ['MINING_SERVICE'],

  // suppliers
  'Query.suppliers': SUPPLY_CHAIN_READERS,
  'Query.supplier': SUPPLY_CHAIN_READERS,
  'Mutation.createSupplier': BUYERS,
  'Mutation.updateSupplier': BUYERS,
  'Mutation.addSupplierContact': BUYERS,
  'Mutation.upsertProductSupply': BUYERS,
  'Mutation.recordSupplierEvaluation': BUYERS,
  // purchasing: PURCHASING buys (creates, changes, sends, cancels, closes), WAREHOUSE receives and
  // reads the orders it expects; receipts and totals feed the warehouse (ETL) and the analysts.
  'Query.purchaseOrders': SUPPLY_CHAIN_READERS,
  'Query.purchaseOrder': SUPPLY_CHAIN_READERS,
  'Query.purchaseReceipts': SUPPLY_CHAIN_READERS,
  'Query.purchasingTotals': ['ADMIN', 'MANAGER', 'PURCHASING', 'ANALYST', ...ETL],
  'Query.replenishmentSuggestions': BUYERS,
  'Mutation.createPurchaseOrder': BUYERS,
  'Mutation.updatePurchaseOrder': BUYERS,
  'Mutation.sendPurchaseOrder': BUYERS,
  'Mutation.cancelPurchaseOrder': BUYERS,
  'Mutation.closePurchaseOrder': BUYERS,
  'Mutation.createPurchaseOrderFromRecommendation': BUYERS,
  'Mutation.receivePurchaseOrder': STOCK_KEEPERS,

  // sales
  'Query.orders': ['ADMIN', 'MANAGER', 'SALES', 'WAREHOUSE', 'ANALYST', ...ETL],
  'Query.order': ['ADMIN', 'MANAGER', 'SALES', 'WAREHOUSE', 'ANALYST', ...ETL],
  // every order: only the roles that see all orders (not SALES, whose rows are their own)
  'Query.salesTotals': ['ADMIN', 'MANAGER', 'ANALYST', ...ETL],
  // the ETL's change feed (flat rows of every order, bulk pages): the ETL's identity only, no person's role
  'Query.salesOrderLineFeed': ETL,
  'Mutation.createOrder': SELLERS,
  'Mutation.updateOrder': SELLERS,
  'Mutation.confirmOrder': SELLERS,
  'Mutation.shipOrder': STOCK_KEEPERS,
  'Mutation.deliverOrder': STOCK_KEEPERS,
  'Mutation.cancelOrder': SELLERS,

  // analytics (the warehouse): SALES answers are cut to their customers' rows (in the SQL generator);
  // ANALYST never gets the customer level (personal data); supplier measures are not for SALES.
  'Query.semanticModel': ['ADMIN', 'MANAGER', 'SALES', 'ANALYST'],
  'Query.dataCalendar': ['ADMIN', 'MANAGER', 'SALES', 'ANALYST'],
  'Query.olap': ['ADMIN', 'MANAGER', 'SALES', 'ANALYST'],
  'Query.drillDown': ['ADMIN', 'MANAGER', 'SALES', 'ANALYST'],
  'Query.dashboard': ['ADMIN', 'MANAGER', 'SALES', 'ANALYST'],
  'Query.miningSummary': ['ADMIN', 'MANAGER', 'ANALYST'],
  // SALES: row-level filter on dim_customer.sales_rep_id in the analytics AI service.
  'Query.insights': ['ADMIN', 'MANAGER', 'SALES', 'ANALYST'],
  'Query.recommendations': ['ADMIN', 'MANAGER', 'SALES', 'ANALYST'],
  'Query.story': ['ADMIN', 'MANAGER', 'ANALYST'],
  'Query.ask': ['ADMIN', 'MANAGER', 'SALES', 'ANALYST'],
  // saved explorer views: the explorer's users; each sees their own and the shared ones (in the service)
  'Query.savedViews': ['ADMIN', 'MANAGER', 'SALES', 'ANALYST'],
  'Query.savedView': ['ADMIN', 'MANAGER', 'SALES', 'ANALYST'],
  'Mutation.saveView': ['ADMIN', 'MANAGER', 'SALES', 'ANALYST'],
  'Mutation.deleteView': ['ADMIN', 'MANAGER', 'SALES', 'ANALYST'],
};

/**
 * Mutations on the user's own workspace (saved explorer views), not on business data: a read-only
 * role (ANALYST) may still keep its own views.
 */
export const WORKSPACE_MUTATIONS: readonly string[] = ['Mutation.saveView', 'Mutation.deleteView'];

/** Root fields that are not part of the public API (@inaccessible): service-to-service operations. */
export const INTERNAL_OPERATIONS = [
  'Mutation.reserveOrderStock',
  'Mutation.releaseOrderStock',
  'Mutation.shipOrderStock',
  'Mutation.undoOrderShipment',
  'Query.orderStockHolds',
  'Mutation.receivePurchaseStock',
  'Mutation.undoPurchaseStock',
  'Query.stockDemand',
] as const;

export function allowedRoles(typeName: string, fieldName: string): readonly Principal[] | undefined {
  return PERMISSIONS[`${typeName}.${fieldName}`];
}
