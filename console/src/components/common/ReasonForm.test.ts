import { describe, expect, test } from 'vitest';
import { mount } from '@vue/test-utils';
import { plugins } from '@/test/helpers';
import ReasonForm from './ReasonForm.vue';

const props = (reason: string) => ({
  modelValue: reason,
  label: 'Reason',
  requiredText: 'A reason is required.',
  submitText: 'Cancel the order',
  testid: 'cancel',
});

describe('ReasonForm: the reason asked before cancelling', () => {
  test('an empty or blank reason is refused with its message, nothing is submitted', async () => {
    const w = mount(ReasonForm, { props: props('   '), global: { plugins: plugins('en') } });
    await w.find('form').trigger('submit');
    expect(w.emitted('submit')).toBeUndefined();
    expect(w.find('[role="alert"]').text()).toBe('A reason is required.');
    expect(w.find('[data-testid="cancel-reason"]').attributes('aria-invalid')).toBe('true');
  });

  test('a reason is submitted trimmed; Close and Escape close without submitting', async () => {
    const w = mount(ReasonForm, {
      props: props('  damaged in transit '),
      global: { plugins: plugins('en') },
    });
    await w.find('form').trigger('submit');
    expect(w.emitted('submit')).toEqual([['damaged in transit']]);
    expect(w.find('[role="alert"]').exists()).toBe(false);
    await w.find('button.secondary').trigger('click');
    await w.find('form').trigger('keydown', { key: 'Escape' });
    expect(w.emitted('close')).toHaveLength(2);
  });
});
