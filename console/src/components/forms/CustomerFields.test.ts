import { describe, expect, test } from 'vitest';
import { reactive, ref, shallowRef } from 'vue';
import { mount } from '@vue/test-utils';
import { plugins } from '@/test/helpers';
import type { ApiFailure } from '@/api/errors';
import type { LoadState } from '@/composables/useApi';
import CustomerFields, { type CustomerDraft } from './CustomerFields.vue';

const idle = () => ({
  state: ref<LoadState>('idle'),
  error: shallowRef<ApiFailure | null>(null),
  fieldError: () => false,
});
const draft = (more: Partial<CustomerDraft> = {}) =>
  reactive<CustomerDraft>({
    name: 'Acme',
    email: '',
    phone: '',
    segment: 'CORPORATE',
    countryCode: 'FR',
    region: 'Rhône',
    city: 'Lyon',
    ...more,
  });
/** The fields mounted on the page's body (they are several roots), with the slot's content. */
const mountFields = (props: { customer: CustomerDraft; creating?: boolean }, slot?: string) =>
  mount(CustomerFields, {
    props: { form: idle(), ...props },
    slots: slot ? { default: slot } : {},
    global: { plugins: plugins('en') },
    attachTo: document.body,
  });
/** The test ids in the order of the page, read from its body. */
const ids = () =>
  Array.from(document.body.querySelectorAll('[data-testid]'), (x) => x.getAttribute('data-testid'));

describe("CustomerFields: a customer's fields, on its creation and its change", () => {
  test('creating: the code and the country name too, among the fields; typing changes the draft', async () => {
    const customer = draft({ code: '', countryName: '' });
    const w = mountFields({ creating: true, customer });
    expect(ids()).toEqual([
      'f-code',
      'f-name',
      'f-email',
      'f-phone',
      'f-segment',
      'f-country',
      'f-country-name',
      'f-region',
      'f-city',
    ]);
    expect(w.find('fieldset').exists()).toBe(false);
    expect(w.find('[data-testid="f-code"]').attributes('required')).toBeDefined();
    await w.find('[data-testid="f-code"]').setValue('C-1');
    await w.find('[data-testid="f-country-name"]').setValue('Wakanda');
    await w.find('[data-testid="f-city"]').setValue('Birnin');
    expect([customer.code, customer.countryName, customer.city]).toEqual(['C-1', 'Wakanda', 'Birnin']);
    w.unmount();
  });

  test('changing: the slot after the segment, the place in its own box', async () => {
    const customer = draft();
    const w = mountFields({ customer }, '<input data-testid="c-status" />');
    expect(ids()).toEqual([
      'c-name',
      'c-email',
      'c-phone',
      'c-segment',
      'c-status',
      'c-country',
      'c-region',
      'c-city',
    ]);
    expect(w.findAll('fieldset [data-testid]').map((x) => x.attributes('data-testid'))).toEqual([
      'c-country',
      'c-region',
      'c-city',
    ]);
    expect(w.find('[data-testid="c-name"]').attributes('required')).toBeUndefined();
    await w.find('[data-testid="c-region"]').setValue('Isère');
    expect(customer.region).toBe('Isère');
    w.unmount();
  });
});
