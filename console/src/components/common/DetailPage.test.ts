import { describe, expect, test } from 'vitest';
import { mount } from '@vue/test-utils';
import { plugins } from '@/test/helpers';
import DetailPage from './DetailPage.vue';

const record = { status: 'ACTIVE', name: 'Cordless drill', sku: 'PT-001' };
const heading = (extra: Record<string, unknown>) =>
  mount(DetailPage, {
    props: {
      record,
      back: 'products',

      title: () => record.name,
      state: 'done',
      error: null,
      ...extra,
    },
    global: { plugins: plugins() },
  }).find('h1').element.textContent;

describe('the title of a record page', () => {
  test('reads the title alone, with no blank after it, when neither status nor code is shown', () => {
    expect(heading({})).toBe('Cordless drill');
  });
  test('puts one space before the code', () => {
    expect(heading({ code: () => record.sku })).toBe('Cordless drill (PT-001)');
  });
});
