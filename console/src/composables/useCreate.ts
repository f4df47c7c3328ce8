import { useRouter, type RouteLocationRaw } from 'vue-router';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { useSubmit } from './useSubmit';

/**
 * A record's creation form: submitted as useSubmit does, then on to the new record's page
 * (`page`, from the API's answer) once the API took it.
 */
export function useCreate<R, V extends { idempotencyKey?: string | null }>(
  document: TypedDocumentNode<R, V>,
  page: (created: R) => RouteLocationRaw,
) {
  const router = useRouter();
  const form = useSubmit(document);
  async function create(variables: Omit<V, 'idempotencyKey'>) {
    const r = await form.submit(variables);
    if (r) await router.push(page(r));
  }
  return { ...form, create };
}
