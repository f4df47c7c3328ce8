import { useI18n } from 'vue-i18n';
import { errorKey, type ApiFailure } from '@/api/errors';

/** Turns an API failure into a sentence in the current language (never only logged). */
export function useErrorText() {
  const { t } = useI18n();
  return (f: ApiFailure | null | undefined): string => {
    if (!f) return '';
    const x = f.extensions;
    const params: Record<string, unknown> = {
      sku: x.sku ?? x.productId ?? '?',
      requested: x.requested ?? '?',
      available: x.available ?? '?',
      field: x.field ? ` (${String(x.field)})` : '',
    };
    return t(errorKey(f.code), params);
  };
}
