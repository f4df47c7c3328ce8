import { describe, expect, test, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import AskChat, { type AskReply } from './AskChat.vue';

vi.mock('vue3-apexcharts', () => ({
  default: {
    name: 'ApexChart',
    props: ['type', 'options', 'series', 'height'],
    template: '<div data-testid="ask-chart" />',
  },
}));
import { plugins } from '@/test/helpers';

const stubs = {};

describe('AskChat', () => {
  test('Enter sends the question; the answer, the query it ran and the chart are shown', async () => {
    const ask = vi.fn(async (): Promise<AskReply> => ({
      understood: true,
      answer: 'Revenue 2025: €1,000.00',
      query: JSON.stringify({ measures: ['revenue'], dimensions: ['product.category'] }),
      chart: JSON.stringify({
        type: 'bar',
        categories: ['Tools'],
        series: [{ name: 'revenue', unit: 'EUR', data: [1000] }],
      }),
      suggestions: [],
      source: 'fallback',
      fallbackReason: 'NO_PROVIDER',
    }));
    const w = mount(AskChat, { props: { ask }, global: { plugins: plugins('en'), stubs } });
    const input = w.get('[data-testid="ask-input"]');
    await input.setValue(' revenue by category in 2025 ');
    await input.trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(ask).toHaveBeenCalledWith('revenue by category in 2025', 'EN', []);
    expect(w.get('[data-testid="ask-answer"]').text()).toBe('Revenue 2025: €1,000.00');
    expect(w.get('[data-testid="ask-query"]').text()).toContain('"product.category"');
    expect(w.find('[data-testid="ask-chart"]').exists()).toBe(true);
    expect(w.find('[data-testid="ask-suggestions"]').exists()).toBe(false);
  });

  test('not understood: the suggestions are shown and one click asks it', async () => {
    const ask = vi.fn(async (q: string): Promise<AskReply> =>
      q === 'marge par mois'
        ? { understood: true, answer: 'ok', query: '{}', chart: null, suggestions: [], source: 'fallback' }
        : {
            understood: false,
            answer: 'Je n’ai pas compris.',
            query: null,
            chart: null,
            suggestions: ['marge par mois', 'top 5 clients le trimestre dernier'],
            source: 'fallback',
          },
    );
    const w = mount(AskChat, { props: { ask }, global: { plugins: plugins('fr'), stubs } });
    await w.get('[data-testid="ask-input"]').setValue('bonjour');
    await w.get('[data-testid="ask-input"]').trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(ask).toHaveBeenCalledWith('bonjour', 'FR', []);
    expect(w.find('[data-testid="ask-query"]').exists()).toBe(false);
    const s = w.get('[data-testid="ask-suggestions"]');
    expect(s.findAll('li').map((l) => l.text())).toEqual([
      'marge par mois',
      'top 5 clients le trimestre dernier',
    ]);
    await s.get('button').trigger('click');
    await flushPromises();
    // a question not understood is no context for the next one
    expect(ask).toHaveBeenLastCalledWith('marge par mois', 'FR', []);
  });

  test('the conversation is kept: each question with its answer, in order; a follow-up goes with the earlier understood questions', async () => {
    let answerSecond: (r: AskReply) => void = () => undefined;
    const first: AskReply = {
      understood: true,
      answer: 'Revenue 1997: €1,000.00',
      query: '{}',
      chart: null,
      suggestions: [],
      source: 'fallback',
    };
    const ask = vi
      .fn()
      .mockResolvedValueOnce(first)
      .mockReturnValueOnce(new Promise<AskReply>((r) => (answerSecond = r)));
    const w = mount(AskChat, { props: { ask }, global: { plugins: plugins('en'), stubs } });
    const input = w.get('[data-testid="ask-input"]');
    await input.setValue('revenue in 1997');
    await input.trigger('keydown', { key: 'Enter' });
    await flushPromises();
    await input.setValue('and in 1998?');
    await input.trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(ask).toHaveBeenLastCalledWith('and in 1998?', 'EN', ['revenue in 1997']);
    // while the follow-up is answered, the first exchange stays and the new question shows, without an answer yet
    expect(w.findAll('[data-testid="ask-question"]').map((q) => q.text())).toEqual([
      'You: revenue in 1997',
      'You: and in 1998?',
    ]);
    expect(w.findAll('[data-testid="ask-answer"]').map((a) => a.text())).toEqual(['Revenue 1997: €1,000.00']);
    expect(w.get('[role="status"]').text()).toBe('Thinking…');
    answerSecond({
      understood: true,
      answer: 'Revenue 1998: €2,000.00',
      query: '{}',
      chart: null,
      suggestions: [],
      source: 'fallback',
    });
    await flushPromises();
    expect(w.findAll('[data-testid="ask-answer"]').map((a) => a.text())).toEqual([
      'Revenue 1997: €1,000.00',
      'Revenue 1998: €2,000.00',
    ]);
    await w.get('[data-testid="ask-clear"]').trigger('click');
    expect(w.findAll('[data-testid="ask-turn"]')).toHaveLength(0);
  });

  test('an error is shown to the user', async () => {
    const ask = vi.fn(async () => {
      throw new Error('boom');
    });
    const w = mount(AskChat, { props: { ask }, global: { plugins: plugins('en'), stubs } });
    await w.get('[data-testid="ask-input"]').setValue('x');
    await w.get('form').trigger('submit');
    await flushPromises();
    expect(w.get('[data-testid="ask-error"]').text().length).toBeGreaterThan(0);
  });
});
