import { describe, expect, test, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import urql, { Client, cacheExchange, fetchExchange } from '@urql/vue';
import type { DocumentNode } from 'graphql';
import { getOperationAST } from 'graphql';
import AiPage from './AiPage.vue';
import { SESSION_KEY } from '@/composables/useSession';
import type { Session } from '@/auth/session';
import type { Role } from '@/auth/roles';
import { plugins } from '@/test/helpers';

vi.mock('vue3-apexcharts', () => ({ default: { name: 'ApexChart', props: ['type', 'options', 'series', 'height'], template: '<div />' } }));

const ANSWERS: Record<string, unknown> = {
  Insights: { insights: { facts: [] } },
  Recommendations: { recommendations: { recommendations: [] } },
  Story: { story: { title: 'January', sections: [], source: 'no-key' } },
};

/** The AI page as a user of `role`, against a client that records the operations it is asked. */
function aiPageAs(role: Role) {
  const asked: string[] = [];
  const client = new Client({ url: 'http://gateway.test/graphql', exchanges: [cacheExchange, fetchExchange] });
  client.query = ((doc: DocumentNode) => {
    const name = getOperationAST(doc)?.name?.value ?? '?';
    asked.push(name);
    return { toPromise: async () => ({ data: ANSWERS[name] }) };
  }) as unknown as Client['query'];
  const session = { state: { status: 'authenticated', user: { id: '1', email: 'u@x', name: 'U', role }, expiresAt: 0 } } as unknown as Session;
  const w = mount(AiPage, { global: { plugins: [...plugins('en'), [urql, client]], provide: { [SESSION_KEY as symbol]: session }, stubs: { RouterLink: true } } });
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
});
