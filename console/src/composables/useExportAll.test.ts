import { describe, expect, test } from 'vitest';
import { readAllPages, type Page } from './useExportAll';

/** A list of `n` rows served `size` at a time behind cursors, as the API's connections are. */
function server(n: number, size: number) {
  const calls: (string | null)[] = [];
  const fetchPage = async (after: string | null) => {
    calls.push(after);
    const start = after ? Number(after) : 0;
    const ids = Array.from({ length: Math.max(0, Math.min(size, n - start)) }, (_, i) => start + i);
    const page: Page<{ id: number }> = {
      totalCount: n,
      pageInfo: { hasNextPage: start + size < n, endCursor: ids.length ? String(start + ids.length) : null },
      edges: ids.map((id) => ({ node: { id } })),
    };
    return { page, error: null };
  };
  return { fetchPage, calls };
}

describe('readAllPages: every row of the list, not the page on screen', () => {
  test('250 rows read 100 at a time, in order, with the progress after each page', async () => {
    const s = server(250, 100);
    const progress: string[] = [];
    const rows = await readAllPages(s.fetchPage, (d, t) => progress.push(`${d}/${t}`));
    expect(rows!.map((r) => r.id)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(s.calls).toEqual([null, '100', '200']);
    expect(progress).toEqual(['100/250', '200/250', '250/250']);
  });

  test('stopped between two pages: nothing is exported; an API error stops it with the error', async () => {
    const s = server(500, 100);
    let pages = 0;
    expect(
      await readAllPages(
        s.fetchPage,
        () => pages++,
        () => pages >= 2,
      ),
    ).toBeNull();
    expect(s.calls).toHaveLength(2);
    const failing = async () => ({ page: null, error: { code: 'FORBIDDEN', message: 'no', extensions: {} } });
    await expect(readAllPages(failing, () => undefined)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
