import { describe, expect, test } from 'vitest';
import { tableColumns } from './table';

describe('tableColumns', () => {
  test('keys are read under the prefix unless they name their own, classes follow the colon', () => {
    const t = (key: string) => `<${key}>`;
    expect(tableColumns(t, 'orders', 'number common.status total:num discount:num,hide-narrow')).toEqual([
      { label: '<orders.number>' },
      { label: '<common.status>' },
      { label: '<orders.total>', class: 'num' },
      { label: '<orders.discount>', class: 'num hide-narrow' },
    ]);
  });
});
