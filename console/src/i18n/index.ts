import { createI18n } from 'vue-i18n';
import en from './en';
import fr from './fr';

export type Locale = 'en' | 'fr';
export const LOCALES: readonly Locale[] = ['en', 'fr'];
const LAST_KEY = 'erp.console.locale';
export const userLocaleKey = (userId: string) => `erp.console.locale.user.${userId}`;

function isLocale(v: unknown): v is Locale {
  return v === 'en' || v === 'fr';
}

/** Before sign-in: the last language chosen on this browser, else the browser's. */
export function initialLocale(
  storage: Pick<Storage, 'getItem'> = localStorage,
  nav: { language?: string } = navigator,
): Locale {
  const last = storage.getItem(LAST_KEY);
  if (isLocale(last)) return last;
  return nav.language?.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

/** The language a user chose (kept per user id), or null when they never chose. */
export function storedUserLocale(
  userId: string,
  storage: Pick<Storage, 'getItem'> = localStorage,
): Locale | null {
  const v = storage.getItem(userLocaleKey(userId));
  return isLocale(v) ? v : null;
}

export function storeLocale(
  locale: Locale,
  userId: string | undefined,
  storage: Pick<Storage, 'setItem'> = localStorage,
) {
  storage.setItem(LAST_KEY, locale);
  if (userId) storage.setItem(userLocaleKey(userId), locale);
}

export function makeI18n(locale: Locale = 'en') {
  return createI18n({
    legacy: false,
    locale,
    fallbackLocale: 'en',
    messages: { en, fr },
    missingWarn: false,
    fallbackWarn: false,
  });
}
