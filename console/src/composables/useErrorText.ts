import { useI18n } from 'vue-i18n';
import { errorKey, type ApiFailure } from '@/api/errors';

/**
 * Turns an API failure into a sentence in the current language (never only logged). The field the
 * API names ("input.lines[0].quantity") is told by its label ("Quantity"), never as the raw path.
 */
export function useErrorText() {
  const { t, te } = useI18n();
  const fieldLabel = (field: unknown): string => {
    if (typeof field !== 'string') return '';
    const last =
      field
        .split('.')
        .pop()
        ?.replace(/\[\d+\]$/, '') ?? '';
    return te(`fields.${last}`) ? ` (${t(`fields.${last}`)})` : '';
  };
  return (f: ApiFailure | null | undefined): string => {
    if (!f) return '';
    const x = f.extensions;
    const params: Record<string, unknown> = {
      sku: x.sku ?? x.productId ?? '?',
      requested: x.requested ?? '?',
      available: x.available ?? '?',
      field: fieldLabel(x.field),
    };
    return t(errorKey(f.code), params);
  };
}
