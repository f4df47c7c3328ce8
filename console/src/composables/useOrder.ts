import { computed, type Ref } from 'vue';
import {
  CancelOrderDocument,
  ConfirmOrderDocument,
  ConsoleOrderDocument,
  DeliverOrderDocument,
  ShipOrderDocument,
} from '@erp/sdk';
import type { OrderAction } from '@/auth/roles';
import { useApiMutation, useApiQuery } from './useApi';
import { useWorkflow } from './useWorkflow';

/** One order and its workflow actions (confirm, ship, deliver, cancel with a reason). */
export function useOrder(id: Ref<string>) {
  const q = useApiQuery(ConsoleOrderDocument, () => (id.value ? { id: id.value } : null));
  const order = computed(() => q.data.value?.order ?? null);
  const confirm = useApiMutation(ConfirmOrderDocument);
  const ship = useApiMutation(ShipOrderDocument);
  const deliver = useApiMutation(DeliverOrderDocument);
  const cancel = useApiMutation(CancelOrderDocument);
  const mutations = { confirm, ship, deliver, cancel };
  const { perform, ...flow } = useWorkflow(id, mutations, () => q.refetch());

  const run = (a: OrderAction, reason?: string): Promise<boolean> =>
    perform((vars) =>
      a === 'cancel' ? cancel.execute({ ...vars, reason: reason ?? '' }) : mutations[a].execute(vars),
    );
  return { ...q, order, run, ...flow };
}
