import { ref, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { SubmittedForm } from '@/components/forms/form';
import { useSubmit } from './useSubmit';

/** What a record's change form (EditToggle) reads and calls of useEditForm. */
export interface EditForm {
  form: SubmittedForm;
  editing: Ref<boolean>;
  /** The sentence shown once a change went through (the record's other forms say theirs there too). */
  done: Ref<string | null>;
  open: () => void;
  close: () => void;
}

/**
 * A record's change form, closed until asked for: `open` fills the draft with the record's values
 * (`current`: none while the record is not loaded) and opens it; `save` submits the change and,
 * once the API took it, closes the form and says it was saved.
 */
export function useEditForm<D extends object, R, V extends { idempotencyKey?: string | null }>(
  document: TypedDocumentNode<R, V>,
  draft: D,
  current: () => D | null | undefined,
) {
  const { t } = useI18n();
  const form = useSubmit(document);
  const editing = ref(false);
  const done = ref<string | null>(null);
  function open() {
    const values = current();
    if (!values) return;
    Object.assign(draft, values);
    editing.value = true;
    done.value = null;
  }
  const close = () => {
    editing.value = false;
  };
  async function save(variables: Omit<V, 'idempotencyKey'>): Promise<R | null> {
    const r = await form.submit(variables);
    if (r) {
      editing.value = false;
      done.value = t('edit.saved');
    }
    return r;
  }
  return { form, editing, done, open, close, save };
}
