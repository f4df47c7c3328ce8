import { makeI18n, type Locale } from '@/i18n';

/** Global plugins for component tests: the real messages, in a chosen language. */
export function plugins(locale: Locale = 'en') {
  return [makeI18n(locale)];
}
