import { describe, expect, test } from 'vitest';
import { ref, shallowRef, type Ref } from 'vue';
import { mount } from '@vue/test-utils';
import { plugins } from '@/test/helpers';
import type { ApiFailure } from '@/api/errors';
import type { LoadState } from '@/composables/useApi';
import StockMovementForm from './StockMovementForm.vue';

describe('StockMovementForm: the shape of a stock movement', () => {
  test('the quantity typed reaches the form; what was done and what was refused are shown; submit is emitted', async () => {
    const stock = {
      quantity: ref<number | ''>(''),
      text: ref(''),
      warehouses: ref([{ id: 'w1', name: 'Lyon', code: 'LYO' }]),
      preselect: (target: Ref<string>) => (target.value = 'w1'),
      done: ref<number | null>(-2),
      form: {
        state: ref<LoadState>('error'),
        error: shallowRef<ApiFailure | null>({
          code: 'BAD_USER_INPUT',
          message: 'x',
          extensions: { field: 'input.quantity' },
        }),
        fieldError: (n: string) => n === 'quantity',
      },
    };
    const w = mount(StockMovementForm, {
      props: {
        stock,
        kind: 'adjust',
        title: 'Adjust',
        submitLabel: 'Save',
        quantityLabel: 'Delta',
        doneText: (n: number) => `done ${n}`,
      },
      slots: { text: '<input data-testid="adjust-reason" />' },
      global: { plugins: plugins('en') },
    });
    expect(w.find('[data-testid="adjust-form"] h2').text()).toBe('Adjust');
    expect(w.find('label.invalid [data-testid="adjust-quantity"]').exists()).toBe(true);
    expect(w.find('[data-field-error="quantity"]').exists()).toBe(true);
    expect(w.find('[data-testid="adjust-done"]').text()).toBe('done -2');
    expect(w.find('[data-testid="adjust-done"]').classes()).toContain('success-box');
    expect(w.find('[data-testid="form-error"]').exists()).toBe(true);
    expect(w.find('[data-testid="adjust-reason"]').exists()).toBe(true);
    expect(w.find<HTMLSelectElement>('[data-testid="adjust-warehouse"]').element.value).toBe('w1');
    await w.find('[data-testid="adjust-quantity"]').setValue('5');
    expect(stock.quantity.value).toBe(5);
    await w.find('form').trigger('submit');
    expect(w.emitted('submit')).toHaveLength(1);
  });

  test('the reason or reference is its own field when named, its value in the form', async () => {
    const stock = {
      quantity: ref<number | ''>(''),
      text: ref(''),
      warehouses: ref([]),
      preselect: () => undefined,
      done: ref<number | null>(null),
      form: {
        state: ref<LoadState>('idle'),
        error: shallowRef<ApiFailure | null>(null),
        fieldError: () => false,
      },
    };
    const w = mount(StockMovementForm, {
      props: {
        stock,
        kind: 'receive',
        title: 'Receive',
        submitLabel: 'Save',
        quantityLabel: 'Quantity',
        doneText: (n: number) => `done ${n}`,
        textName: 'reference',
        textLabel: 'Reference',
      },
      global: { plugins: plugins('en') },
    });
    await w.find('[data-testid="receive-reference"]').setValue('BL-1');
    expect(stock.text.value).toBe('BL-1');
    expect(w.find('[data-testid="receive-warehouse"]').exists()).toBe(true);
  });
});
