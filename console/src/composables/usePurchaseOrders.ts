import { computed, type Ref } from 'vue';
import {
  CancelPurchaseOrderDocument,
  ConsolePurchaseOrderDocument,
  ConsolePurchaseOrdersDocument,
  ReceivePurchaseOrderDocument,
  SendPurchaseOrderDocument,
  type PurchaseOrderStatus,
} from '@erp/sdk';
import type { PurchaseOrderAction } from '@/auth/roles';
import { useApiMutation, useApiQuery } from './useApi';
import { useWorkflow } from './useWorkflow';

export interface PurchaseOrderFilters {
  status: PurchaseOrderStatus | '';
  search: string;
}

/** A page of purchase orders, newest first, filtered by status and number. */
export function usePurchaseOrders(
  filters: Ref<PurchaseOrderFilters>,
  after: Ref<string | null>,
  pageSize = 20,
) {
  const q = useApiQuery(ConsolePurchaseOrdersDocument, () => ({
    first: pageSize,
    after: after.value,
    filter: {
      ...(filters.value.status ? { status: filters.value.status } : {}),
      ...(filters.value.search.trim() ? { search: filters.value.search.trim() } : {}),
    },
  }));
  const rows = computed(() => q.data.value?.purchaseOrders.edges.map((e) => e.node) ?? []);
  return { ...q, rows };
}

/** One purchase order and its workflow: send, receive lines with quantities, cancel with a reason. */
export function usePurchaseOrder(id: Ref<string>) {
  const q = useApiQuery(ConsolePurchaseOrderDocument, () => (id.value ? { id: id.value } : null));
  const order = computed(() => q.data.value?.purchaseOrder ?? null);
  const send = useApiMutation(SendPurchaseOrderDocument);
  const receive = useApiMutation(ReceivePurchaseOrderDocument);
  const cancel = useApiMutation(CancelPurchaseOrderDocument);
  const mutations = { send, receive, cancel };
  const { perform, ...flow } = useWorkflow(id, mutations, () => q.refetch());

  function run(
    a: PurchaseOrderAction,
    args: { reason?: string; lines?: { lineId: string; quantity: number }[]; deliveryNote?: string } = {},
  ): Promise<boolean> {
    return perform((vars) =>
      a === 'cancel'
        ? cancel.execute({ ...vars, reason: args.reason ?? '' })
        : a === 'receive'
          ? receive.execute({
              ...vars,
              input: {
                lines: args.lines ?? [],
                ...(args.deliveryNote ? { deliveryNote: args.deliveryNote } : {}),
              },
            })
          : send.execute(vars),
    );
  }
  return { ...q, order, run, ...flow };
}
