import { ref, watch, type Ref } from 'vue';
import { useRoute, useRouter } from 'vue-router';

/**
 * A list's filters kept in the URL's query (shareable, back button): read from it once, written
 * back on each change (empty ones left out), which also brings the list back to its first page.
 */
export function useUrlFilters<F extends { [K in keyof F]: string }>(
  keys: readonly (keyof F & string)[],
  pager: { reset(): void },
): Ref<F> {
  const route = useRoute();
  const router = useRouter();
  const q = (k: string) => (typeof route.query[k] === 'string' ? (route.query[k] as string) : '');
  // the URL's words are checked by the API, as any typed filter
  const filters = ref(Object.fromEntries(keys.map((k) => [k, q(k)])) as F) as Ref<F>;
  watch(filters, (f) => {
    pager.reset();
    void router.replace({ query: Object.fromEntries(Object.entries<string>(f).filter(([, v]) => v)) });
  });
  return filters;
}

/** The API's filter for a list searched by one text (none when empty). */
export const searchFilter = (search: string) => (search.trim() ? { search: search.trim() } : {});
