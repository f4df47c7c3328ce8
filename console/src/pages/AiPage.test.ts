import { describe, expect, test, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { defineComponent, h } from 'vue';
import urql, { Client, cacheExchange, fetchExchange } from '@urql/vue';
import type { DocumentNode } from 'graphql';
import { getOperationAST } from 'graphql';
import AiPage from './AiPage.vue';
import { SESSION_KEY } from '@/composables/useSession';
import type { Session } from '@/auth/session';
import type { Role } from '@/auth/roles';
import { plugins } from '@/test/helpers';

vi.mock('vue3-apexcharts', () => ({
  default: { name: 'ApexChart', props: ['type', 'options', 'series', 'height'], template: '<div />' },
}));

const rec = (
  id: string,
  action: string,
  record: { type: string; code: string },
  supplier: { type: string; code: string } | null = null,
) => ({
  id,
  action,
  priority: 1,
  text: id,
  record: { ...record, id: '1', label: record.code },
  supplier: supplier && { ...supplier, id: '2', label: supplier.code },
  warehouse: null,
  productId: record.type === 'PRODUCT' ? '1' : null,
  customerId: record.type === 'CUSTOMER' ? '1' : null,
  orderId: null,
  supplierId: supplier || record.type === 'SUPPLIER' ? '2' : null,
});
const ANSWERS: Record<string, unknown> = {
  Insights: { insights: { facts: [] } },
  Recommendations: {
    recommendations: {
      recommendations: [
        rec('reorder', 'REORDER', { type: 'PRODUCT', code: 'PT-001' }, { type: 'SUPPLIER', code: 'S002' }),
        rec('call', 'CALL_CUSTOMER', { type: 'CUSTOMER', code: 'C0001' }),
        rec('renegotiate', 'RENEGOTIATE_SUPPLIER', { type: 'SUPPLIER', code: 'S001' }),
      ],
    },
  },
  Story: { story: { title: 'January', sections: [], source: 'no-key' } },
};

/** Renders where a link goes (the route's name and params). */
const RouterLink = defineComponent({
  props: { to: { type: Object, required: true } },
  setup:
    (p, { slots }) =>
    () =>
      h('a', { 'data-to': JSON.stringify(p.to) }, slots.default?.()),
});
const links = (w: ReturnType<typeof mount>) =>
  w.findAll('[data-testid="recommendations"] a').map((a) => JSON.parse(a.attributes('data-to')!));

/** The AI page as a user of `role`, against a client that records the operations it is asked. */
function aiPageAs(role: Role) {
  const asked: string[] = [];
  const client = new Client({
    url: 'http://gateway.test/graphql',
    exchanges: [cacheExchange, fetchExchange],
  });
  client.query = ((doc: DocumentNode) => {
    const name = getOperationAST(doc)?.name?.value ?? '?';
    asked.push(name);
    return { toPromise: async () => ({ data: ANSWERS[name] }) };
  }) as unknown as Client['query'];
  const session = {
    state: { status: 'authenticated', user: { id: '1', email: 'u@x', name: 'U', role }, expiresAt: 0 },
  } as unknown as Session;
  const w = mount(AiPage, {
    global: {
      plugins: [...plugins('en'), [urql, client]],
      provide: { [SESSION_KEY as symbol]: session },
      stubs: { RouterLink },
    },
  });
  return { w, asked };
}

describe('AiPage by role', () => {
  test('SALES gets insights, recommendations and the chat; no story section and no story query (FORBIDDEN for SALES)', async () => {
    const { w, asked } = aiPageAs('SALES');
    await flushPromises();
    expect(asked.sort()).toEqual(['Insights', 'Recommendations']);
    expect(w.findAll('h2').map((h) => h.text())).toEqual(['Insights', 'Recommendations', 'Chat']);
    expect(w.find('[data-testid="ask-chat"]').exists()).toBe(true);
    expect(w.find('[role="alert"]').exists()).toBe(false);
  });

  test('ANALYST also gets the story', async () => {
    const { w, asked } = aiPageAs('ANALYST');
    await flushPromises();
    expect(asked.sort()).toEqual(['Insights', 'Recommendations', 'Story']);
    expect(w.findAll('h2').map((h) => h.text())).toEqual(['Insights', 'Recommendations', 'Story', 'Chat']);
    expect(w.get('[data-testid="story"]').text()).toContain('January');
  });

  test('a recommendation opens the detail page of its record, only where the role may go (SALES: no supplier page)', async () => {
    const analyst = aiPageAs('ANALYST');
    await flushPromises();
    expect(links(analyst.w)).toEqual([
      { name: 'product', params: { sku: 'PT-001' } },
      { name: 'customer', params: { code: 'C0001' } },
      { name: 'supplier', params: { code: 'S001' } },
    ]);
    const sales = aiPageAs('SALES');
    await flushPromises();
    expect(links(sales.w)).toEqual([
      { name: 'product', params: { sku: 'PT-001' } },
      { name: 'customer', params: { code: 'C0001' } },
    ]);
  });
});
