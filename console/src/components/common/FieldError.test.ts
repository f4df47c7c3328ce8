import { describe, expect, test } from 'vitest';
import { shallowRef } from 'vue';
import { mount } from '@vue/test-utils';
import { plugins } from '@/test/helpers';
import type { ApiFailure } from '@/api/errors';
import { useErrorText } from '@/composables/useErrorText';
import FieldError from './FieldError.vue';

/** A form as useSubmit gives it, with the API's answer. */
const formWith = (e: ApiFailure | null) => {
  const error = shallowRef(e);
  const field = () =>
    typeof error.value?.extensions.field === 'string'
      ? error.value.extensions.field.replace(/^input\./, '')
      : null;
  return {
    error,
    fieldError: (n: string) => !!field() && (field() === n || field()!.split('.').pop() === n),
  };
};
const bad = (field: string): ApiFailure => ({
  code: 'BAD_USER_INPUT',
  message: `${field}: must be a non-zero whole number (got 0)`,
  extensions: { field },
});

describe('FieldError: the API error next to its field, in the UI language', () => {
  test('shown on the field the API names, not on the others, in FR and EN, without the developer text', () => {
    const form = formWith(bad('input.quantity'));
    const fr = mount(FieldError, { props: { form, name: 'quantity' }, global: { plugins: plugins('fr') } });
    expect(fr.text()).toBe('Non valide : vérifiez cette valeur.');
    const en = mount(FieldError, { props: { form, name: 'quantity' }, global: { plugins: plugins('en') } });
    expect(en.text()).toBe('Not valid: check this value.');
    expect(
      mount(FieldError, { props: { form, name: 'reason' }, global: { plugins: plugins('en') } })
        .find('.field-error')
        .exists(),
    ).toBe(false);
  });

  test('a code already used reads as such; no error, no text', () => {
    const taken = mount(FieldError, {
      props: {
        form: formWith({ code: 'CONFLICT', message: 'exists', extensions: { field: 'input.code' } }),
        name: 'code',
      },
      global: { plugins: plugins('en') },
    });
    expect(taken.text()).toBe('Already used: choose another one.');
    expect(
      mount(FieldError, {
        props: { form: formWith(null), name: 'code' },
        global: { plugins: plugins('en') },
      }).text(),
    ).toBe('');
  });

  test('the form box names the field by its label, never by its raw path', () => {
    let text = '';
    mount(
      { setup: () => ((text = useErrorText()(bad('input.lines[2].quantity'))), () => null) },
      { global: { plugins: plugins('fr') } },
    );
    expect(text).toBe('Une saisie n’est pas valide (Quantité).');
    mount(
      { setup: () => ((text = useErrorText()(bad('input.somethingElse'))), () => null) },
      { global: { plugins: plugins('en') } },
    );
    expect(text).toBe('Some input is not valid.');
  });
});
