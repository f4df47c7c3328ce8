import { computed, type Ref } from 'vue';
import type { ApiFailure } from '@/api/errors';
import { idempotencyKey, type LoadState } from './useApi';

/** What the workflow reads of one action's mutation. */
interface ActionMutation {
  state: Ref<LoadState>;
  error: Ref<ApiFailure | null>;
  reset(): void;
}

/**
 * A record's workflow actions, one mutation each: the last action taken (the one not idle), its
 * state and error, and `perform`, which forgets the previous action, runs one with a fresh
 * idempotency key and rereads the record when it succeeded.
 */
export function useWorkflow<A extends string>(
  id: Ref<string>,
  mutations: Record<A, ActionMutation>,
  reread: () => unknown,
) {
  const action = computed(
    () => (Object.keys(mutations) as A[]).find((k) => mutations[k].state.value !== 'idle') ?? null,
  );
  const last = computed(() => (action.value ? mutations[action.value] : null));
  async function perform(
    execute: (vars: { id: string; idempotencyKey: string }) => Promise<unknown>,
  ): Promise<boolean> {
    for (const m of Object.values<ActionMutation>(mutations)) m.reset();
    const ok = await execute({ id: id.value, idempotencyKey: idempotencyKey() });
    if (ok) await reread();
    return !!ok;
  }
  return {
    action,
    perform,
    actionState: computed(() => last.value?.state.value ?? 'idle'),
    actionError: computed(() => last.value?.error.value ?? null),
  };
}
