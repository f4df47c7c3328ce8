import { describe, expect, test } from 'vitest';
import { ref, shallowRef } from 'vue';
import { mount } from '@vue/test-utils';
import { plugins } from '@/test/helpers';
import type { ApiFailure } from '@/api/errors';
import type { LoadState } from '@/composables/useApi';
import EditToggle from './EditToggle.vue';

/** A change form as useEditForm gives it, opening and closing on its own refs. */
const editForm = () => {
  const editing = ref(false);
  return {
    form: {
      state: ref<LoadState>('idle'),
      error: shallowRef<ApiFailure | null>(null),
      fieldError: () => false,
    },
    editing,
    done: ref<string | null>('Saved.'),
    open: () => (editing.value = true),
    close: () => (editing.value = false),
  };
};

describe("EditToggle: a record's change form, closed until asked for", () => {
  test('the open button opens the form, close closes it; the word of the last change is shown; save submits', async () => {
    const edit = editForm();
    const w = mount(EditToggle, {
      props: { kind: 'supplier', edit },
      slots: { default: '<input data-testid="s-name" />' },
      global: { plugins: plugins('en') },
    });
    expect(w.find('[data-testid="edit-done"]').text()).toBe('Saved.');
    expect(w.find('[data-testid="edit-supplier-form"]').exists()).toBe(false);
    await w.find('[data-testid="edit-supplier"]').trigger('click');
    expect(edit.editing.value).toBe(true);
    expect(w.find('[data-testid="edit-supplier-form"] [data-testid="s-name"]').exists()).toBe(true);
    await w.find('[data-testid="edit-supplier-form"]').trigger('submit');
    expect(w.emitted('submit')).toHaveLength(1);
    await w.findAll('[data-testid="edit-supplier-form"] button').at(-1)!.trigger('click');
    expect(edit.editing.value).toBe(false);
    expect(w.find('[data-testid="edit-supplier"]').exists()).toBe(true);
  });
});
