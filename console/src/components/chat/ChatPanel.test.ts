import { describe, expect, test, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import ChatPanel from './ChatPanel.vue';
import { plugins } from '@/test/helpers';

describe('ChatPanel', () => {
  test('without the AI API it says so and cannot send', () => {
    const w = mount(ChatPanel, { global: { plugins: plugins() } });
    expect(w.get('[data-testid="chat-unavailable"]').text()).toContain('not available');
    expect(w.get('[data-testid="chat-input"]').attributes('disabled')).toBeDefined();
    expect(w.get('[data-testid="chat-send"]').attributes('disabled')).toBeDefined();
  });

  test('Enter sends the question with the history; the answer is shown in a live log', async () => {
    const ask = vi.fn(async (q: string, _history: unknown[]) => `answer to ${q}`);
    const w = mount(ChatPanel, { props: { ask }, global: { plugins: plugins() } });
    const input = w.get('[data-testid="chat-input"]');
    await input.setValue('  revenue in 2025?  ');
    await input.trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(ask).toHaveBeenCalledWith('revenue in 2025?', []);
    const msgs = w.findAll('[data-testid="chat-message"]').map((m) => m.text());
    expect(msgs).toEqual(['You : revenue in 2025?', 'Assistant : answer to revenue in 2025?']);
    expect((input.element as HTMLTextAreaElement).value).toBe('');
    expect(w.get('[role="log"]').attributes('aria-live')).toBe('polite');
    // the second question carries the conversation so far
    await input.setValue('and 2024?');
    await w.get('form').trigger('submit');
    await flushPromises();
    expect(ask.mock.calls[1]![1]).toHaveLength(2);
  });

  test('Shift+Enter does not send; an empty question is not sent', async () => {
    const ask = vi.fn(async () => 'x');
    const w = mount(ChatPanel, { props: { ask }, global: { plugins: plugins() } });
    await w.get('[data-testid="chat-input"]').setValue('   ');
    await w.get('[data-testid="chat-input"]').trigger('keydown', { key: 'Enter' });
    await w.get('[data-testid="chat-input"]').setValue('draft');
    await w.get('[data-testid="chat-input"]').trigger('keydown', { key: 'Enter', shiftKey: true });
    await flushPromises();
    expect(ask).not.toHaveBeenCalled();
  });

  test('an API error is shown to the user as an alert, in their language, without its raw code', async () => {
    const ask = vi.fn(async () => {
      throw Object.assign(new Error('nope'), { code: 'FORBIDDEN' });
    });
    const w = mount(ChatPanel, { props: { ask }, global: { plugins: plugins('fr') } });
    await w.get('[data-testid="chat-input"]').setValue('marge ?');
    await w.get('form').trigger('submit');
    await flushPromises();
    const alert = w.get('[role="alert"]');
    expect(alert.text()).toContain('Votre rôle ne permet pas cette opération.');
    expect(alert.text()).not.toContain('FORBIDDEN');
  });
});
