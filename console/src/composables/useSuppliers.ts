import { computed, type Ref } from 'vue';
import { SupplierScorecardsDocument } from '@erp/sdk';
import { useApiQuery } from './useApi';

/** Suppliers with their 12-month scorecard (on-time rate, quality, price, overall, direction, trend). */
export function useSuppliers(after: Ref<string | null>, pageSize = 20) {
  const q = useApiQuery(SupplierScorecardsDocument, () => ({ first: pageSize, after: after.value }));
  const rows = computed(() => q.data.value?.suppliers.edges.map((e) => e.node) ?? []);
  return { ...q, rows };
}
