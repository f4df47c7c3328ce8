import type { Ref, ShallowRef } from 'vue';
import type { ApiFailure } from '@/api/errors';
import type { LoadState } from '@/composables/useApi';

/** What a form's fields and buttons read of its submission (useSubmit): its state, its error, the field it names. */
export interface SubmittedForm {
  state: Ref<LoadState>;
  error: ShallowRef<ApiFailure | null>;
  fieldError: (name: string) => boolean;
}

/** An optional text as the API takes it: trimmed, or null when empty. */
export const optional = (v: string) => (v.trim() ? v.trim() : null);

/** Decimals as the API takes them: a dot, whatever the keyboard gave ("12,50" → "12.50"). */
export const decimal = (v: string) => v.trim().replace(',', '.');
