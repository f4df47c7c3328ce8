import { describe, expect, test, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import AskChat, { type AskReply } from './AskChat.vue';

vi.mock('vue3-apexcharts', () => ({ default: { name: 'ApexChart', props: ['type', 'options', 'series', 'height'], template: '<div data-testid="ask-chart" />' } }));
import { plugins } from '@/test/helpers';

const stubs = {};

describe('AskChat', () => {
  test('Enter sends the question; the answer, the query it ran and the chart are shown', async () => {
    const ask = vi.fn(async (): Promise<AskReply> => ({
      understood: true,
      answer: 'Revenue 2025: €1,000.00',
      query: JSON.stringify({ measures: ['revenue'], dimensions: ['product.category'] }),
      chart: JSON.stringify({ type: 'bar', categories: ['Tools'], series: [{ name: 'revenue', unit: 'EUR', data: [1000] }] }),
      suggestions: [],
      source: 'fallback',
      fallbackReason: 'NO_PROVIDER',
    }));
    const w = mount(AskChat, { props: { ask }, global: { plugins: plugins('en'), stubs } });
    const input = w.get('[data-testid="ask-input"]');
    await input.setValue(' revenue by category in 2025 ');
    await input.trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(ask).toHaveBeenCalledWith('revenue by category in 2025', 'EN');
    expect(w.get('[data-testid="ask-answer"]').text()).toBe('Revenue 2025: €1,000.00');
    expect(w.get('[data-testid="ask-query"]').text()).toContain('"product.category"');
    expect(w.find('[data-testid="ask-chart"]').exists()).toBe(true);
    expect(w.find('[data-testid="ask-suggestions"]').exists()).toBe(false);
  });

  test('not understood: the suggestions are shown and one click asks it', async () => {
    const ask = vi.fn(async (q: string): Promise<AskReply> =>
      q === 'marge par mois'
        ? { understood: true, answer: 'ok', query: '{}', chart: null, suggestions: [], source: 'fallback' }
        : { understood: false, answer: 'Je n’ai pas compris.', query: null, chart: null, suggestions: ['marge par mois', 'top 5 clients le trimestre dernier'], source: 'fallback' },
    );
    const w = mount(AskChat, { props: { ask }, global: { plugins: plugins('fr'), stubs } });
    await w.get('[data-testid="ask-input"]').setValue('bonjour');
    await w.get('[data-testid="ask-input"]').trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(ask).toHaveBeenCalledWith('bonjour', 'FR');
    expect(w.find('[data-testid="ask-query"]').exists()).toBe(false);
    const s = w.get('[data-testid="ask-suggestions"]');
    expect(s.findAll('li').map((l) => l.text())).toEqual(['marge par mois', 'top 5 clients le trimestre dernier']);
    await s.get('button').trigger('click');
    await flushPromises();
    expect(ask).toHaveBeenLastCalledWith('marge par mois', 'FR');
  });

  // Bug: while a second question was answered, the first answer (and its chart) stood beside it. Cause: the reply was kept until the next one came.
  test('a second question does not show the first answer while it is being answered', async () => {
    let answerSecond: (r: AskReply) => void = () => undefined;
    const first: AskReply = { understood: true, answer: 'Revenue 2025: €1,000.00', query: '{}', chart: null, suggestions: [], source: 'fallback' };
    const ask = vi.fn().mockResolvedValueOnce(first).mockReturnValueOnce(new Promise<AskReply>((r) => (answerSecond = r)));
    const w = mount(AskChat, { props: { ask }, global: { plugins: plugins('en'), stubs } });
    const input = w.get('[data-testid="ask-input"]');
    await input.setValue('revenue by category in 2025');
    await input.trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(w.get('[data-testid="ask-answer"]').text()).toBe('Revenue 2025: €1,000.00');
    await input.setValue('delete all orders');
    await input.trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(w.find('[data-testid="ask-answer"]').exists()).toBe(false);
    expect(w.get('[role="status"]').text()).toBe('Thinking…');
    answerSecond({ understood: false, answer: 'I only read figures: I do not change any data.', query: null, chart: null, suggestions: ['margin by month'], source: 'fallback' });
    await flushPromises();
    expect(w.get('[data-testid="ask-question"]').text()).toContain('delete all orders');
    expect(w.get('[data-testid="ask-answer"]').text()).toBe('I only read figures: I do not change any data.');
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
