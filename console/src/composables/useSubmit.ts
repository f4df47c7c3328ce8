import { computed, ref, shallowRef } from 'vue';
import { useClientHandle } from '@urql/vue';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { ApiFailure } from '@/api/errors';
import { idempotencyKey, mutationFailure, type LoadState } from './useApi';

/**
 * A form's submission to one mutation with an idempotency key: the same key is sent again while
 * the form's content is unchanged (a double click, a retry after a network error: one record), a
 * new one once it changed or succeeded. A validation error names its field (extensions.field);
 * `fieldError(name)` gives it to the input it is about.
 */
export function useSubmit<R, V extends { idempotencyKey?: string | null }>(
  document: TypedDocumentNode<R, V>,
) {
  const handle = useClientHandle();
  const state = ref<LoadState>('idle');
  const error = shallowRef<ApiFailure | null>(null);
  let key: { content: string; value: string } | null = null;

  async function submit(variables: Omit<V, 'idempotencyKey'>): Promise<R | null> {
    if (state.value === 'loading') return null;
    const content = JSON.stringify(variables);
    if (!key || key.content !== content) key = { content, value: idempotencyKey() };
    state.value = 'loading';
    error.value = null;
    const r = await handle.client
      .mutation(document, { ...variables, idempotencyKey: key.value } as unknown as V)
      .toPromise();
    error.value = mutationFailure(r);
    if (error.value) {
      state.value = 'error';
      return null;
    }
    key = null;
    state.value = 'done';
    return r.data as R;
  }
  /** The error's field, as the API names it ("input.lines[0].quantity" → "lines[0].quantity", "quantity"). */
  const field = computed(() => {
    const f = error.value?.extensions.field;
    return typeof f === 'string' ? f.replace(/^input\./, '') : null;
  });
  /** Whether the last error is about this field (its full path or its last name). */
  const fieldError = (name: string) =>
    !!field.value &&
    (field.value === name || field.value.endsWith(`.${name}`) || field.value.split('.').pop() === name);
  return { state, error, field, fieldError, submit };
}

/** A password shown once to the administrator who sets it: 16 characters from a safe alphabet (no look-alikes). */
export function newPassword(length = 16): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
  const bytes = new Uint32Array(length);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}
