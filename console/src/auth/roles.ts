import type { Role as SdkRole } from '@erp/sdk';

export type Role = SdkRole;
export const ROLES: readonly Role[] = ['ADMIN', 'MANAGER', 'SALES', 'WAREHOUSE', 'PURCHASING', 'ANALYST'];

/** The console's pages and who may open them: the API's role matrix (kit/src/auth/permissions.ts) read per page. */
export type PageName =
  | 'dashboards'
  | 'orders'
  | 'customers'
  | 'products'
  | 'suppliers'
  | 'purchasing'
  | 'explorer'
  | 'pipeline'
  | 'mining'
  | 'ai'
  | 'users';

export const PAGE_ROLES: Record<PageName, readonly Role[]> = {
  // Query.dashboard
  dashboards: ['ADMIN', 'MANAGER', 'SALES', 'ANALYST'],
  // Query.orders
  orders: ['ADMIN', 'MANAGER', 'SALES', 'WAREHOUSE', 'ANALYST'],
  // Query.customers
  customers: ['ADMIN', 'MANAGER', 'SALES', 'ANALYST'],
  // Query.products
  products: ROLES,
  // Query.suppliers
  suppliers: ['ADMIN', 'MANAGER', 'WAREHOUSE', 'PURCHASING', 'ANALYST'],
  // Query.purchaseOrders (purchase orders: PURCHASING buys, WAREHOUSE receives)
  purchasing: ['ADMIN', 'MANAGER', 'WAREHOUSE', 'PURCHASING', 'ANALYST'],
  // Query.semanticModel, olap, drillDown
  explorer: ['ADMIN', 'MANAGER', 'SALES', 'ANALYST'],
  // Query.pipelineRuns (ANALYST reads the runs; only ADMIN and MANAGER see the run button: runPipeline)
  pipeline: ['ADMIN', 'MANAGER', 'ANALYST'],
  // Query.miningSummary
  mining: ['ADMIN', 'MANAGER', 'ANALYST'],
  // any of Query.insights/recommendations/story/ask (the page shows the sections of AI_SECTION_ROLES)
  ai: ['ADMIN', 'MANAGER', 'SALES', 'ANALYST'],
  // Query.users, createUser, updateUser, auditLog
  users: ['ADMIN'],
};

/** The console's forms and who may use them: the roles of the mutation behind each (kit/src/auth/permissions.ts). */
export type FormName =
  | 'newOrder'
  | 'editOrder'
  | 'newCustomer'
  | 'editCustomer'
  | 'newProduct'
  | 'editProduct'
  | 'categories'
  | 'editSupplier'
  | 'receiveStock'
  | 'adjustStock'
  | 'transferStock'
  | 'history'
  | 'draftPurchaseOrder';
export const FORM_ROLES: Record<FormName, readonly Role[]> = {
  // Mutation.createOrder (and confirmOrder)
  newOrder: ['ADMIN', 'MANAGER', 'SALES'],
  // Mutation.createCustomer
  newCustomer: ['ADMIN', 'MANAGER', 'SALES'],
  // Mutation.createProduct
  newProduct: ['ADMIN', 'MANAGER', 'PURCHASING'],
  // Mutation.updateOrder (a DRAFT's lines; cancelling is the order's workflow action)
  editOrder: ['ADMIN', 'MANAGER', 'SALES'],
  // Mutation.updateCustomer, addCustomerContact
  editCustomer: ['ADMIN', 'MANAGER', 'SALES'],
  // Mutation.updateProduct
  editProduct: ['ADMIN', 'MANAGER', 'PURCHASING'],
  // Mutation.createCategory, updateCategory
  categories: ['ADMIN', 'MANAGER'],
  // Mutation.createSupplier, updateSupplier, addSupplierContact, upsertProductSupply
  editSupplier: ['ADMIN', 'MANAGER', 'PURCHASING'],
  // Mutation.recordReceipt
  receiveStock: ['ADMIN', 'MANAGER', 'WAREHOUSE'],
  // Mutation.recordAdjustment
  adjustStock: ['ADMIN', 'MANAGER', 'WAREHOUSE'],
  // Mutation.transferStock
  transferStock: ['ADMIN', 'MANAGER', 'WAREHOUSE'],
  // Query.auditLog
  history: ['ADMIN'],
  // Mutation.createPurchaseOrderFromRecommendation (a REORDER recommendation becomes a draft purchase order)
  draftPurchaseOrder: ['ADMIN', 'MANAGER', 'PURCHASING'],
};
export const canUse = (role: Role | null | undefined, form: FormName) =>
  !!role && FORM_ROLES[form].includes(role);

/** The AI page's sections and who may see each: the roles of the query behind it (no section that would only answer FORBIDDEN). */
export type AiSection = 'insights' | 'recommendations' | 'story' | 'ask';
export const AI_SECTION_ROLES: Record<AiSection, readonly Role[]> = {
  // Query.insights, Query.recommendations, Query.ask: SALES too (cut to the rows of their customers by the API)
  insights: ['ADMIN', 'MANAGER', 'SALES', 'ANALYST'],
  recommendations: ['ADMIN', 'MANAGER', 'SALES', 'ANALYST'],
  // Query.story: not SALES
  story: ['ADMIN', 'MANAGER', 'ANALYST'],
  ask: ['ADMIN', 'MANAGER', 'SALES', 'ANALYST'],
};

export function canSee(role: Role | undefined, section: AiSection): boolean {
  return !!role && AI_SECTION_ROLES[section].includes(role);
}

export const PAGE_ORDER: readonly PageName[] = [
  'dashboards',
  'orders',
  'customers',
  'products',
  'suppliers',
  'purchasing',
  'explorer',
  'pipeline',
  'mining',
  'ai',
  'users',
];

export function canOpen(role: Role | undefined, page: PageName): boolean {
  return !!role && PAGE_ROLES[page].includes(role);
}

export function pagesFor(role: Role | undefined): PageName[] {
  return PAGE_ORDER.filter((p) => canOpen(role, p));
}

/** Order workflow actions: Mutation.confirmOrder/shipOrder/deliverOrder/cancelOrder roles × the statuses they start from. */
export type OrderAction = 'confirm' | 'ship' | 'deliver' | 'cancel';
const ACTIONS: Record<OrderAction, { roles: readonly Role[]; from: readonly string[] }> = {
  confirm: { roles: ['ADMIN', 'MANAGER', 'SALES'], from: ['DRAFT'] },
  ship: { roles: ['ADMIN', 'MANAGER', 'WAREHOUSE'], from: ['CONFIRMED'] },
  deliver: { roles: ['ADMIN', 'MANAGER', 'WAREHOUSE'], from: ['SHIPPED'] },
  cancel: { roles: ['ADMIN', 'MANAGER', 'SALES'], from: ['DRAFT', 'CONFIRMED'] },
};

/** The actions of a workflow table a role may take on a record in this status, in the table's order. */
function actionsOf<A extends string>(
  table: Record<A, { roles: readonly Role[]; from: readonly string[] }>,
  role: Role | undefined,
  status: string,
): A[] {
  if (!role) return [];
  return (Object.keys(table) as A[]).filter(
    (a) => table[a].roles.includes(role) && table[a].from.includes(status),
  );
}

export function orderActions(role: Role | undefined, status: string): OrderAction[] {
  return actionsOf(ACTIONS, role, status);
}

/** Purchase order workflow actions: Mutation.sendPurchaseOrder/receivePurchaseOrder/cancelPurchaseOrder roles × the statuses they start from. */
export type PurchaseOrderAction = 'send' | 'receive' | 'cancel';
const PO_ACTIONS: Record<PurchaseOrderAction, { roles: readonly Role[]; from: readonly string[] }> = {
  send: { roles: ['ADMIN', 'MANAGER', 'PURCHASING'], from: ['DRAFT'] },
  receive: { roles: ['ADMIN', 'MANAGER', 'WAREHOUSE'], from: ['SENT', 'PARTIALLY_RECEIVED'] },
  cancel: { roles: ['ADMIN', 'MANAGER', 'PURCHASING'], from: ['DRAFT', 'SENT'] },
};

export function purchaseOrderActions(role: Role | undefined, status: string): PurchaseOrderAction[] {
  return actionsOf(PO_ACTIONS, role, status);
}

/** The mutation behind each purchase order action (the role matrix test reads it). */
export const PURCHASE_ORDER_ACTION_FIELDS: Record<PurchaseOrderAction, string> = {
  send: 'Mutation.sendPurchaseOrder',
  receive: 'Mutation.receivePurchaseOrder',
  cancel: 'Mutation.cancelPurchaseOrder',
};
export const purchaseOrderActionRoles = (a: PurchaseOrderAction): readonly Role[] => PO_ACTIONS[a].roles;
