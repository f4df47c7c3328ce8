import { describe, expect, test } from 'vitest';
import { PERMISSIONS } from '@erp/kit/auth/permissions';
import {
  AI_SECTION_ROLES,
  FORM_ROLES,
  PAGE_ROLES,
  PURCHASE_ORDER_ACTION_FIELDS,
  ROLES,
  canOpen,
  canSee,
  pagesFor,
  purchaseOrderActionRoles,
  purchaseOrderActions,
  type AiSection,
  type FormName,
  type PageName,
  type PurchaseOrderAction,
} from './roles';

/** The root fields each page (or AI section) calls: its roles must be the API's, from the one matrix. */
const PAGE_FIELDS: Record<PageName, string[]> = {
  dashboards: ['Query.dashboard'],
  orders: ['Query.orders'],
  customers: ['Query.customers'],
  products: ['Query.products'],
  suppliers: ['Query.suppliers'],
  purchasing: ['Query.purchaseOrders'],
  explorer: ['Query.semanticModel', 'Query.olap', 'Query.drillDown'],
  pipeline: ['Query.pipelineRuns'],
  mining: ['Query.miningSummary'],
  ai: ['Query.insights', 'Query.recommendations', 'Query.story', 'Query.ask'],
  users: ['Query.users'],
};
/** The mutation (or query) behind each form: the form is offered to exactly its roles. */
const FORM_FIELDS: Record<FormName, string> = {
  newOrder: 'Mutation.createOrder',
  editOrder: 'Mutation.updateOrder',
  newCustomer: 'Mutation.createCustomer',
  editCustomer: 'Mutation.updateCustomer',
  newProduct: 'Mutation.createProduct',
  editProduct: 'Mutation.updateProduct',
  categories: 'Mutation.createCategory',
  editSupplier: 'Mutation.updateSupplier',
  receiveStock: 'Mutation.recordReceipt',
  adjustStock: 'Mutation.recordAdjustment',
  transferStock: 'Mutation.transferStock',
  history: 'Query.auditLog',
  draftPurchaseOrder: 'Mutation.createPurchaseOrderFromRecommendation',
};
const SECTION_FIELDS: Record<AiSection, string> = {
  insights: 'Query.insights',
  recommendations: 'Query.recommendations',
  story: 'Query.story',
  ask: 'Query.ask',
};
const sorted = (roles: Iterable<string>) => [...new Set(roles)].sort();
const allowed = (field: string) => {
  const roles = PERMISSIONS[field];
  if (!roles) throw new Error(`${field} is not in kit/src/auth/permissions.ts`);
  // Service identities (ETL_SERVICE, MINING_SERVICE, …) are programs: they never open the console.
  return roles.filter((role) => (ROLES as readonly string[]).includes(role));
};

describe('console roles follow the API role matrix (kit/src/auth/permissions.ts)', () => {
  test.each(Object.keys(PAGE_FIELDS) as PageName[])(
    'page %s: the roles that may call any of its queries',
    (page) => {
      expect(sorted(PAGE_ROLES[page])).toEqual(sorted(PAGE_FIELDS[page].flatMap(allowed)));
    },
  );

  test.each(Object.keys(FORM_FIELDS) as FormName[])('form %s: the roles of its mutation', (form) => {
    expect(sorted(FORM_ROLES[form])).toEqual(sorted(allowed(FORM_FIELDS[form])));
  });

  test.each(Object.keys(PURCHASE_ORDER_ACTION_FIELDS) as PurchaseOrderAction[])(
    'purchase order action %s: the roles of its mutation',
    (a) => {
      expect(sorted(purchaseOrderActionRoles(a))).toEqual(sorted(allowed(PURCHASE_ORDER_ACTION_FIELDS[a])));
    },
  );

  test('purchase order buttons follow the workflow: PURCHASING sends and cancels, WAREHOUSE receives', () => {
    expect(purchaseOrderActions('PURCHASING', 'DRAFT')).toEqual(['send', 'cancel']);
    expect(purchaseOrderActions('WAREHOUSE', 'DRAFT')).toEqual([]);
    expect(purchaseOrderActions('WAREHOUSE', 'SENT')).toEqual(['receive']);
    expect(purchaseOrderActions('PURCHASING', 'PARTIALLY_RECEIVED')).toEqual([]);
    expect(purchaseOrderActions('MANAGER', 'SENT')).toEqual(['receive', 'cancel']);
    expect(purchaseOrderActions('ANALYST', 'SENT')).toEqual([]);
    expect(purchaseOrderActions(undefined, 'DRAFT')).toEqual([]);
  });

  test.each(Object.keys(SECTION_FIELDS) as AiSection[])(
    'AI section %s: the roles of its query',
    (section) => {
      expect(sorted(AI_SECTION_ROLES[section])).toEqual(sorted(allowed(SECTION_FIELDS[section])));
    },
  );

  test('SALES opens the AI page and sees insights, recommendations and the chat, not the story (Query.story refuses SALES)', () => {
    expect(canOpen('SALES', 'ai')).toBe(true);
    expect(pagesFor('SALES')).toEqual(['dashboards', 'orders', 'customers', 'products', 'explorer', 'ai']);
    expect(
      (['insights', 'recommendations', 'story', 'ask'] as const).filter((s) => canSee('SALES', s)),
    ).toEqual(['insights', 'recommendations', 'ask']);
    expect(canSee('ANALYST', 'story')).toBe(true);
  });

  test('a role without an AI query does not get the page, and nobody signed out sees anything', () => {
    for (const role of ROLES)
      expect([role, canOpen(role, 'ai')]).toEqual([
        role,
        (['insights', 'recommendations', 'story', 'ask'] as const).some((s) => canSee(role, s)),
      ]);
    expect(canOpen('WAREHOUSE', 'ai')).toBe(false);
    expect(canSee(undefined, 'ask')).toBe(false);
    expect(pagesFor(undefined)).toEqual([]);
  });
});
