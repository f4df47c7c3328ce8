import { ref, shallowRef } from 'vue';
import { useClientHandle } from '@urql/vue';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { failureFromCombined, type ApiFailure } from '@/api/errors';
import { downloadCsv, downloadXlsx } from '@/explorer/csv';
import type { ResultSet } from '@/explorer/query';

/** A page of a Relay connection as the list queries answer it. */
export interface Page<N> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: readonly { node: N }[];
}

/** The largest page the API serves (its lists cap `first` at 100). */
export const EXPORT_PAGE = 100;

/**
 * Reads every page of a list query (the filters of the list on screen, 100 rows a request), telling
 * how far it got; stops between two pages when `cancelled()` says so (then returns null). A field
 * the role may not read (null + FORBIDDEN) does not stop the export: the row keeps its null.
 */
export async function readAllPages<N>(
  fetchPage: (after: string | null) => Promise<{ page: Page<N> | null; error: ApiFailure | null }>,
  onProgress: (done: number, total: number) => void,
  cancelled: () => boolean = () => false,
): Promise<N[] | null> {
  const nodes: N[] = [];
  let after: string | null = null;
  for (;;) {
    const { page, error } = await fetchPage(after);
    if (error || !page) throw error ?? { code: 'UNKNOWN', message: 'no data', extensions: {} };
    nodes.push(...page.edges.map((e) => e.node));
    onProgress(nodes.length, Math.max(page.totalCount, nodes.length));
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor || page.edges.length === 0) return nodes;
    if (cancelled()) return null;
    after = page.pageInfo.endCursor;
  }
}

/**
 * "Export all": the whole list of the query on screen (every page, not the visible one) as CSV or
 * XLSX, with its progress (rows read of the total) and a way to stop it.
 */
export function useExportAll<R, V extends { first?: number | null; after?: string | null }, N>(
  document: TypedDocumentNode<R, V>,
  variables: () => Omit<V, 'first' | 'after'>,
  pageOf: (data: R) => Page<N>,
  toResult: (nodes: N[]) => ResultSet,
) {
  const handle = useClientHandle();
  const busy = ref(false);
  const done = ref(0);
  const total = ref(0);
  const error = shallowRef<ApiFailure | null>(null);
  let stop = false;

  async function fetchPage(after: string | null) {
    const r = await handle.client
      .query(document, { ...variables(), first: EXPORT_PAGE, after } as unknown as V, {
        requestPolicy: 'network-only',
      })
      .toPromise();
    const fieldOnly =
      r.data &&
      r.error &&
      !r.error.networkError &&
      r.error.graphQLErrors.every((e) => e.extensions?.code === 'FORBIDDEN' && (e.path?.length ?? 0) > 1);
    if (r.error && !fieldOnly) return { page: null, error: failureFromCombined(r.error) };
    return { page: r.data ? pageOf(r.data as R) : null, error: null };
  }

  async function run(format: 'csv' | 'xlsx', name: string) {
    if (busy.value) return;
    busy.value = true;
    stop = false;
    error.value = null;
    done.value = 0;
    total.value = 0;
    try {
      const nodes = await readAllPages(
        fetchPage,
        (d, t) => ((done.value = d), (total.value = t)),
        () => stop,
      );
      if (nodes) {
        const result = toResult(nodes);
        if (format === 'csv') downloadCsv(result, `${name}.csv`);
        else await downloadXlsx(result, `${name}.xlsx`);
      }
    } catch (e) {
      error.value = e as ApiFailure;
    } finally {
      busy.value = false;
    }
  }
  return { run, cancel: () => (stop = true), busy, done, total, error };
}
