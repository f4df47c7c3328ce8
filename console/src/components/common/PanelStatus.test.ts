import { describe, expect, test } from 'vitest';
import { mount } from '@vue/test-utils';
import { plugins } from '@/test/helpers';
import type { ApiFailure } from '@/api/errors';
import type { LoadState } from '@/composables/useApi';
import PanelStatus from './PanelStatus.vue';

const failure: ApiFailure = { code: 'FORBIDDEN', message: 'not allowed', extensions: {} };
const status = (props: {
  state: LoadState;
  error: ApiFailure | null;
  loading?: boolean;
  empty?: string | false;
  errorTestid?: string;
}) => mount(PanelStatus, { props, global: { plugins: plugins('en') } });

describe('PanelStatus: where a panel stands, above what it shows', () => {
  test("the API's error in words, with the test id asked for", () => {
    const w = status({ state: 'error', error: failure, errorTestid: 'view-error' });
    const alert = w.find('[role="alert"]');
    expect(alert.attributes('data-testid')).toBe('view-error');
    expect(alert.text()).toBe('Your role may not do this.');
  });

  test('a loading line only for the panels that show one', () => {
    expect(status({ state: 'loading', error: null, loading: true }).find('[role="status"]').text()).toBe(
      'Loading…',
    );
    expect(status({ state: 'loading', error: null }).find('[role="status"]').exists()).toBe(false);
    expect(status({ state: 'done', error: null, loading: true }).find('[role="status"]').exists()).toBe(
      false,
    );
  });

  test('the empty words once loaded, not while loading nor when there is something to show', () => {
    expect(status({ state: 'done', error: null, empty: 'No run yet.' }).text()).toBe('No run yet.');
    expect(status({ state: 'loading', error: null, empty: 'No run yet.' }).text()).toBe('');
    expect(status({ state: 'done', error: null, empty: false }).text()).toBe('');
  });
});
