import { computed, type Ref } from 'vue';
import { ProductsDocument, WarehousesDocument } from '@erp/sdk';
import { useApiQuery } from './useApi';

export function useProducts(search: Ref<string>, after: Ref<string | null>, pageSize = 20) {
  const q = useApiQuery(ProductsDocument, () => ({
    first: pageSize,
    after: after.value,
    filter: search.value.trim() ? { search: search.value.trim() } : {},
  }));
  const rows = computed(() => q.data.value?.products.edges.map((e) => e.node) ?? []);
  return { ...q, rows };
}

export function useWarehouses() {
  const q = useApiQuery(WarehousesDocument, () => ({}));
  const rows = computed(() => q.data.value?.warehouses ?? []);
  return { ...q, rows };
}
