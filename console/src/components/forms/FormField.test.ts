import { describe, expect, test } from 'vitest';
import { ref, shallowRef } from 'vue';
import { mount } from '@vue/test-utils';
import { plugins } from '@/test/helpers';
import type { ApiFailure } from '@/api/errors';
import type { LoadState } from '@/composables/useApi';
import FormField from './FormField.vue';
import FormActions from './FormActions.vue';

/** A form as useSubmit gives it, refused by the API on one field. */
const refusedOn = (field: string, state: LoadState = 'error') => {
  const error = shallowRef<ApiFailure | null>({
    code: 'BAD_USER_INPUT',
    message: 'x',
    extensions: { field },
  });
  return { state: ref(state), error, fieldError: (n: string) => n === field };
};

describe('FormField and FormActions: one labelled field, one end of form', () => {
  test('the field the API names is marked invalid with its sentence; the input follows the model', async () => {
    const form = refusedOn('code');
    const w = mount(FormField, {
      props: { form, name: 'code', label: 'Code', testid: 'f-code', maxlength: 2, modelValue: 'FR' },
      global: { plugins: plugins('en') },
    });
    expect(w.find('label.invalid [data-testid="f-code"]').exists()).toBe(true);
    expect(w.find('input').attributes('maxlength')).toBe('2');
    expect(w.find('input').element.value).toBe('FR');
    expect(w.find('[data-field-error="code"]').text()).toBe('Not valid: check this value.');
    await w.find('input').setValue('BE');
    expect(w.emitted('update:modelValue')).toEqual([['BE']]);
    const quiet = mount(FormField, {
      props: { form, name: 'code', label: 'Code', quiet: true },
      global: { plugins: plugins('en') },
    });
    expect(quiet.find('label.invalid').exists()).toBe(true);
    expect(quiet.find('.field-error').exists()).toBe(false);
  });

  test('the error box, then the submit button, its busy label while the submission runs', () => {
    const w = mount(FormActions, {
      props: { form: refusedOn('code', 'loading'), label: 'Create', testid: 'f-save', busyLabel: true },
      global: { plugins: plugins('en') },
    });
    expect(w.find('[data-testid="form-error"]').exists()).toBe(true);
    expect(w.find('[data-testid="f-save"]').attributes('disabled')).toBeDefined();
    expect(w.find('[data-testid="f-save"]').text()).not.toBe('Create');
  });
});
