import { computed, ref, watch, type Ref } from 'vue';
import {
  ConsoleCustomersDocument,
  ConsoleOrdersDocument,
  ProductsDocument,
  ConsoleSupplierScorecardsDocument,
} from '@erp/sdk';
import { useApiQuery, type LoadState } from './useApi';
import { scorecardSince } from './useSuppliers';

/*
 * The detail pages find their record by its business code (SKU, customer code, supplier code): the
 * code is what recommendations, anomalies and lists carry, and the API's list queries (the SDK's
 * typed documents) answer with everything a detail page shows.
 */

/** One product by SKU: price, category, stock per warehouse with its reorder point and low flag. */
export function useProduct(sku: Ref<string>) {
  const q = useApiQuery(ProductsDocument, () =>
    sku.value ? { first: 50, filter: { search: sku.value } } : null,
  );
  const product = computed(
    () => q.data.value?.products.edges.map((e) => e.node).find((p) => p.sku === sku.value) ?? null,
  );
  return { ...q, product };
}

/**
 * One customer by code, with contact data marked hidden when the role may not see it (ANALYST), and
 * their orders (newest first).
 */
export function useCustomer(code: Ref<string>, ordersPageSize = 20) {
  const q = useApiQuery(ConsoleCustomersDocument, () =>
    code.value ? { first: 50, filter: { search: code.value } } : null,
  );
  const index = computed(
    () => q.data.value?.customers.edges.findIndex((e) => e.node.code === code.value) ?? -1,
  );
  const customer = computed(() => {
    const i = index.value;
    const node = i >= 0 ? q.data.value?.customers.edges[i]?.node : undefined;
    if (!node) return null;
    return {
      ...node,
      emailHidden: q.hidden.value.has(`customers.edges.${i}.node.email`),
      phoneHidden: q.hidden.value.has(`customers.edges.${i}.node.phone`),
    };
  });
  const orders = useApiQuery(ConsoleOrdersDocument, () =>
    customer.value ? { first: ordersPageSize, filter: { customerId: customer.value.id } } : null,
  );
  return { ...q, customer, orders };
}

/** One supplier by code, with its 12-month scorecard (the scorecards query has no filter: read page by page until found). */
export function useSupplier(code: Ref<string>) {
  const after = ref<string | null>(null);
  watch(code, () => (after.value = null));
  const q = useApiQuery(ConsoleSupplierScorecardsDocument, () =>
    code.value ? { first: 100, after: after.value, since: scorecardSince() } : null,
  );
  const supplier = computed(
    () => q.data.value?.suppliers.edges.map((e) => e.node).find((s) => s.code === code.value) ?? null,
  );
  watch(q.data, (d) => {
    if (d && !supplier.value && d.suppliers.pageInfo.hasNextPage && d.suppliers.pageInfo.endCursor)
      after.value = d.suppliers.pageInfo.endCursor;
  });
  // still reading the next pages: loading, not "not found"
  const state = computed<LoadState>(() =>
    q.state.value === 'done' && !supplier.value && q.data.value?.suppliers.pageInfo.hasNextPage
      ? 'loading'
      : q.state.value,
  );
  return { ...q, state, supplier };
}

/** 'done' with no record: the code matches nothing the role may see. */
export const notFound = (state: LoadState, record: unknown) => state === 'done' && !record;
