import { computed, ref, watch } from 'vue';

/** Cursor pagination: the `after` cursor of the current page and a stack to go back. */
export function usePager() {
  const stack = ref<(string | null)[]>([]);
  const after = ref<string | null>(null);
  const page = computed(() => stack.value.length + 1);
  return {
    after,
    page,
    next(endCursor: string | null | undefined) {
      if (!endCursor) return;
      stack.value = [...stack.value, after.value];
      after.value = endCursor;
    },
    previous() {
      if (!stack.value.length) return;
      const s = [...stack.value];
      after.value = s.pop() ?? null;
      stack.value = s;
    },
    reset() {
      stack.value = [];
      after.value = null;
    },
  };
}

/** A searched list's pager: a new search goes back to the first page. */
export function useSearchPager() {
  const search = ref('');
  const pager = usePager();
  watch(search, () => pager.reset());
  return { search, pager };
}
