import { computed } from 'vue';
import { ConsoleCategoriesDocument } from '@erp/sdk';
import { useApiQuery } from './useApi';

export interface CategoryRow {
  id: string;
  code: string;
  name: string;
  /** "Family › Category", the path people read. */
  path: string;
  parentId: string | null;
  depth: number;
  /** Products go in leaves (families hold categories). */
  leaf: boolean;
}

/** The catalogue's category tree read once, flattened in path order (families first, then their categories). */
export function useCategories() {
  const q = useApiQuery(ConsoleCategoriesDocument, () => ({}));
  const rows = computed(() => {
    type Node = { id: string; code: string; name: string; children?: Node[] | null };
    const out: CategoryRow[] = [];
    const walk = (n: Node, path: string[], parentId: string | null) => {
      const here = [...path, n.name];
      out.push({
        id: n.id,
        code: n.code,
        name: n.name,
        path: here.join(' › '),
        parentId,
        depth: path.length,
        leaf: !n.children?.length,
      });
      for (const c of n.children ?? []) walk(c, here, n.id);
    };
    for (const root of (q.data.value?.categories ?? []) as Node[]) walk(root, [], null);
    return out.sort((a, b) => a.path.localeCompare(b.path));
  });
  const leaves = computed(() => rows.value.filter((r) => r.leaf));
  return { ...q, rows, leaves };
}
