import { computed, type Ref } from 'vue';
import {
  CancelOrderDocument,
  ConfirmOrderDocument,
  ConsoleOrderDocument,
  DeliverOrderDocument,
  ShipOrderDocument,
} from '@erp/sdk';
import type { OrderAction } from '@/auth/roles';
import { idempotencyKey, useApiMutation, useApiQuery } from './useApi';

/** One order and its workflow actions (confirm, ship, deliver, cancel with a reason). */
export function useOrder(id: Ref<string>) {
  const q = useApiQuery(ConsoleOrderDocument, () => (id.value ? { id: id.value } : null));
  const order = computed(() => q.data.value?.order ?? null);
  const confirm = useApiMutation(ConfirmOrderDocument);
  const ship = useApiMutation(ShipOrderDocument);
  const deliver = useApiMutation(DeliverOrderDocument);
  const cancel = useApiMutation(CancelOrderDocument);
  const mutations = { confirm, ship, deliver, cancel };
  const action = computed(
    () => (Object.keys(mutations) as OrderAction[]).find((k) => mutations[k].state.value !== 'idle') ?? null,
  );

  async function run(a: OrderAction, reason?: string): Promise<boolean> {
    for (const m of Object.values(mutations)) m.reset();
    const vars = { id: id.value, idempotencyKey: idempotencyKey() };
    const ok =
      a === 'cancel'
        ? await cancel.execute({ ...vars, reason: reason ?? '' })
        : await mutations[a].execute(vars);
    if (ok) await q.refetch();
    return !!ok;
  }
  const last = computed(() => (action.value ? mutations[action.value] : null));
  return {
    ...q,
    order,
    run,
    action,
    actionState: computed(() => last.value?.state.value ?? 'idle'),
    actionError: computed(() => last.value?.error.value ?? null),
  };
}
