import { computed, type Ref } from 'vue';
import { ConsoleOrdersDocument, type OrderStatus } from '@erp/sdk';
import { useApiQuery } from './useApi';

export interface OrderFilters {
  status: OrderStatus | '';
  from: string; // YYYY-MM-DD
  to: string; // YYYY-MM-DD, inclusive
  search: string;
}

/** Date inputs (local days) to the API's instants: `to` is inclusive, so the filter ends the next day. */
export function toOrderFilter(f: OrderFilters) {
  const filter: { status?: OrderStatus; from?: string; to?: string; search?: string } = {};
  if (f.status) filter.status = f.status;
  if (f.from) filter.from = new Date(`${f.from}T00:00:00`).toISOString();
  if (f.to) {
    const d = new Date(`${f.to}T00:00:00`);
    d.setDate(d.getDate() + 1);
    filter.to = d.toISOString();
  }
  if (f.search.trim()) filter.search = f.search.trim();
  return filter;
}

export function useOrders(filters: Ref<OrderFilters>, after: Ref<string | null>, pageSize = 20) {
  const q = useApiQuery(ConsoleOrdersDocument, () => ({
    first: pageSize,
    after: after.value,
    filter: toOrderFilter(filters.value),
  }));
  const rows = computed(() => q.data.value?.orders.edges.map((e) => e.node) ?? []);
  return { ...q, rows };
}
