import { computed, type Ref } from 'vue';
import { ConsoleSupplierScorecardsDocument } from '@erp/sdk';
import { useApiQuery } from './useApi';

/** The start of the 12 months ending with this month (UTC): the window of the measured on-time rate, as the scorecard's. */
export function scorecardSince(now = new Date()): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1)).toISOString();
}

/**
 * Suppliers with their 12-month scorecard (quality, price, overall, direction, trend) and their
 * on-time rate measured on the purchase receipts of the same 12 months (the one definition).
 */
export function useSuppliers(after: Ref<string | null>, pageSize = 20) {
  const q = useApiQuery(ConsoleSupplierScorecardsDocument, () => ({
    first: pageSize,
    after: after.value,
    since: scorecardSince(),
  }));
  const rows = computed(() => q.data.value?.suppliers.edges.map((e) => e.node) ?? []);
  return { ...q, rows };
}
