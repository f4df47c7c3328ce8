import { describe, expect, test, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { plugins } from '@/test/helpers';

const entries = [
  {
    id: '3',
    at: '2026-01-02T10:00:00Z',
    userId: '1',
    userRole: 'ADMIN',
    operation: 'updateProduct',
    entity: 'Product',
    entityId: '7',
    before: '{"listPrice": "10.00", "name": "Drill"}',
    after: '{"listPrice": "12.50", "name": "Drill"}',
  },
  {
    id: '2',
    at: '2026-01-01T10:00:00Z',
    userId: '1',
    userRole: 'ADMIN',
    operation: 'createProduct',
    entity: 'Product',
    entityId: '7',
    before: 'null',
    after: '{"sku": "S1", "listPrice": "10.00"}',
  },
];
vi.mock('@/composables/useApi', async () => {
  const { shallowRef, ref } = await import('vue');
  return {
    useApiQuery: () => ({
      data: shallowRef({ auditLog: { edges: entries.map((node) => ({ node })) } }),
      state: ref('done'),
      error: shallowRef(null),
      hidden: shallowRef(new Set()),
      refetch: async () => undefined,
    }),
  };
});
import RecordHistory from './RecordHistory.vue';

describe('RecordHistory', () => {
  // Bug: a creation's before is the JSON text "null", and reading its keys threw: the history stayed empty.
  test('each entry in words, in the UI language, with what changed (a creation included)', async () => {
    const w = mount(RecordHistory, {
      props: { entity: 'Product', entityId: '7' },
      global: { plugins: plugins('fr') },
    });
    await flushPromises();
    const items = w.findAll('[data-testid="history-entry"]');
    expect(items).toHaveLength(2);
    expect(items[0]!.text()).toContain('Produit modifié');
    expect(items[0]!.text()).toContain('Administrateur');
    expect(items[0]!.text()).toContain('listPrice: 10.00 → 12.50');
    expect(items[0]!.text()).not.toContain('name:');
    expect(items[1]!.text()).toContain('Produit créé');
    expect(items[1]!.text()).toContain('sku: S1');
  });
});
