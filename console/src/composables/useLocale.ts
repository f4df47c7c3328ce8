import { computed } from 'vue';
import { useI18n } from 'vue-i18n';
import { LOCALES, storeLocale, type Locale } from '@/i18n';
import { useSession } from './useSession';

/** The UI language, switched per user: kept in localStorage under the user's id. */
export function useLocale() {
  const { locale } = useI18n({ useScope: 'global' });
  const session = useSession();
  const current = computed(() => locale.value as Locale);
  function set(l: Locale) {
    locale.value = l;
    storeLocale(l, session.state.user?.id);
    document.documentElement.lang = l;
  }
  return { locale: current, locales: LOCALES, set };
}
