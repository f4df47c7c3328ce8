import { computed, ref, watch, type Ref } from 'vue';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { FormReferencesDocument } from '@erp/sdk';
import { useApiQuery } from './useApi';
import { useSubmit } from './useSubmit';

/**
 * What the stock forms of a product (receive, adjust, transfer) share: the warehouses to pick from,
 * a quantity and a free text (reference or reason), and the last quantity done. The API checks the
 * quantity: what is not a whole number is sent as 0, and refused with the field named.
 */
export function useStockForm<R, V extends { idempotencyKey?: string | null }>(
  document: TypedDocumentNode<R, V>,
) {
  const refs = useApiQuery(FormReferencesDocument, () => ({}));
  const warehouses = computed(() => refs.data.value?.warehouses ?? []);
  const quantity = ref<number | ''>('');
  const text = ref('');
  const done = ref<number | null>(null);
  const form = useSubmit(document);

  /** Preselects the index-th warehouse in `target` once the warehouses are known (unless one is chosen). */
  const preselect = (target: Ref<string>, index = 0) =>
    watch(warehouses, (ws) => {
      const w = ws[index];
      if (!target.value && w) target.value = w.id;
    });
  /** The quantity typed, as sent. */
  const wholeQuantity = () => {
    const q = Number(quantity.value);
    return Number.isInteger(q) ? q : 0;
  };
  /** Submits; on success notes what was done (`doneOf`: from the answer and the quantity typed), clears the form and says true. */
  async function submit(
    variables: Omit<V, 'idempotencyKey'>,
    doneOf: (r: R, typed: number) => number,
  ): Promise<boolean> {
    done.value = null;
    const typed = Number(quantity.value);
    const r = await form.submit(variables);
    if (!r) return false;
    done.value = doneOf(r, typed);
    quantity.value = '';
    text.value = '';
    return true;
  }
  return { warehouses, quantity, text, done, form, preselect, wholeQuantity, submit };
}
