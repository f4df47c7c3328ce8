import { describe, expect, test } from 'vitest';
import { reactive, ref, shallowRef } from 'vue';
import { mount } from '@vue/test-utils';
import { plugins } from '@/test/helpers';
import type { ApiFailure } from '@/api/errors';
import OrderLinesTable from './OrderLinesTable.vue';
import { lineInput, NEW_ORDER_LINE_IDS, type OrderLineDraft } from './orderLines';

const ids = NEW_ORDER_LINE_IDS;

describe('OrderLinesTable: the lines of an order being written', () => {
  test('amounts before and after tax follow the typed values; the API gets fractions; a line is removed', async () => {
    const lines = reactive<OrderLineDraft[]>([
      { productId: 'p1', label: 'Drill', quantity: 2, unitPrice: '10,50', discountPct: '10', taxPct: '20' },
    ]);
    const error = shallowRef<ApiFailure | null>({
      code: 'BAD_USER_INPUT',
      message: 'x',
      extensions: { field: 'input.lines[0].discount' },
    });
    const form = {
      state: ref('error' as const),
      error,
      fieldError: (n: string) => n === 'lines[0].discount',
    };
    const w = mount(OrderLinesTable<OrderLineDraft>, {
      props: { lines, form, currency: 'EUR', testid: 'order-lines', ids, available: () => 7 },
      global: { plugins: plugins('en') },
    });
    expect(w.find('[data-testid="order-net"]').text()).toBe('€18.90');
    expect(w.find('[data-testid="order-gross"]').text()).toBe('€22.68');
    expect(w.find('[data-testid="order-line"] td.num').text()).toBe('7');
    expect(w.find('td.invalid [data-testid="line-discount"]').exists()).toBe(true);
    await w.find('[data-testid="line-quantity"]').setValue('3');
    expect(lines[0]!.quantity).toBe(3);
    expect(lineInput(lines[0]!)).toEqual({
      productId: 'p1',
      quantity: 3,
      unitPrice: '10.5',
      discount: '0.1',
      taxRate: '0.2',
    });
    await w.find('button').trigger('click');
    expect(lines).toHaveLength(0);
  });
});
