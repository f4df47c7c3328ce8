import { computed, type Ref } from 'vue';
import { ConsoleCustomersDocument } from '@erp/sdk';
import { useApiQuery } from './useApi';

/** Customers; e-mail and phone come back null + FORBIDDEN for ANALYST and are then marked hidden. */
export function useCustomers(search: Ref<string>, after: Ref<string | null>, pageSize = 20) {
  const q = useApiQuery(ConsoleCustomersDocument, () => ({
    first: pageSize,
    after: after.value,
    filter: search.value.trim() ? { search: search.value.trim() } : {},
  }));
  const rows = computed(() =>
    (q.data.value?.customers.edges ?? []).map((e, i) => ({
      ...e.node,
      emailHidden: q.hidden.value.has(`customers.edges.${i}.node.email`),
      phoneHidden: q.hidden.value.has(`customers.edges.${i}.node.phone`),
    })),
  );
  return { ...q, rows };
}
