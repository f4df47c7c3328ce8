import { shallowRef, ref, watch, onScopeDispose, getCurrentScope, type Ref, type ShallowRef } from 'vue';
import { useClientHandle, type CombinedError } from '@urql/vue';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { GraphQLError } from 'graphql';
import { failureFromCombined, type ApiFailure } from '@/api/errors';

export type LoadState = 'idle' | 'loading' | 'error' | 'done';

export interface ApiQuery<R> {
  data: ShallowRef<R | null>;
  state: Ref<LoadState>;
  error: ShallowRef<ApiFailure | null>;
  /** Paths ("customers.edges.0.node.email") of fields the API answered null + FORBIDDEN: shown as hidden. */
  hidden: ShallowRef<Set<string>>;
  refetch(): Promise<void>;
}

const pathKey = (p: readonly (string | number)[]) => p.join('.');

/**
 * One GraphQL query through urql with an explicit state. `variables` returns null to wait (nothing
 * sent). Data that arrives with FORBIDDEN errors on some fields only is kept (the fields are marked
 * hidden); any other error becomes `error` and state 'error'. Re-runs when the variables change.
 */
export function useApiQuery<R, V extends Record<string, unknown>>(
  document: TypedDocumentNode<R, V>,
  variables: () => V | null,
): ApiQuery<R> {
  const handle = useClientHandle();
  const data = shallowRef<R | null>(null);
  const state = ref<LoadState>('idle');
  const error = shallowRef<ApiFailure | null>(null);
  const hidden = shallowRef(new Set<string>());
  let seq = 0;

  async function refetch() {
    const vars = variables();
    if (!vars) return;
    const mine = ++seq;
    state.value = 'loading';
    error.value = null;
    const r = await handle.client.query(document, vars, { requestPolicy: 'network-only' }).toPromise();
    if (mine !== seq) return;
    const gErrors: readonly GraphQLError[] = r.error?.graphQLErrors ?? [];
    const fieldOnly =
      r.data &&
      r.error &&
      !r.error.networkError &&
      gErrors.every((e) => e.extensions?.code === 'FORBIDDEN' && (e.path?.length ?? 0) > 1);
    if (r.error && !fieldOnly) {
      data.value = (r.data as R | undefined) ?? null;
      error.value = failureFromCombined(r.error);
      state.value = 'error';
      return;
    }
    hidden.value = new Set(gErrors.map((e) => pathKey(e.path ?? [])));
    data.value = (r.data as R | undefined) ?? null;
    state.value = 'done';
  }

  const stop = watch(variables, () => void refetch(), { deep: true, immediate: true });
  if (getCurrentScope()) onScopeDispose(stop);
  return { data, state, error, hidden, refetch };
}

export interface ApiMutation<R, V> {
  data: ShallowRef<R | null>;
  state: Ref<LoadState>;
  error: ShallowRef<ApiFailure | null>;
  execute(variables: V): Promise<R | null>;
  reset(): void;
}

/** A mutation's failure: the API's error, or none when it answered with data. */
export function mutationFailure(r: { error?: CombinedError; data?: unknown }): ApiFailure | null {
  if (r.error) return failureFromCombined(r.error);
  return r.data ? null : { code: 'UNKNOWN', message: 'no data', extensions: {} };
}

export function useApiMutation<R, V extends Record<string, unknown>>(
  document: TypedDocumentNode<R, V>,
): ApiMutation<R, V> {
  const handle = useClientHandle();
  const data = shallowRef<R | null>(null);
  const state = ref<LoadState>('idle');
  const error = shallowRef<ApiFailure | null>(null);
  async function execute(variables: V): Promise<R | null> {
    state.value = 'loading';
    error.value = null;
    const r = await handle.client.mutation(document, variables).toPromise();
    error.value = mutationFailure(r);
    if (error.value) {
      state.value = 'error';
      return null;
    }
    data.value = r.data as R;
    state.value = 'done';
    return data.value;
  }
  function reset() {
    state.value = 'idle';
    error.value = null;
    data.value = null;
  }
  return { data, state, error, execute, reset };
}

/** A fresh idempotency key per user action (a retry of the same action reuses it). */
export function idempotencyKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}
