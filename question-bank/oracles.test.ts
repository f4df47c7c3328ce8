import { sharedDatasetsOrSkip, testDatabase, type TestDatabase } from '@erp/kit/test/db';
import { oracleSql, selected } from './bank';
import { DATASETS_DIR, sourceOnly } from './fixtures';
import type { Dataset, Question } from './types';

/**
 * The oracles alone, on the sources only (data/native imported into the ERP; Northwind's own tables):
 * each runs and returns the shape its expectation needs, with figures. No warehouse, no chat.
 */
jest.setTimeout(600_000);

const COLUMNS: Record<Exclude<Question['expect'], 'refusal'>, string[]> = {
  value: ['value'],
  rows: ['label', 'value'],
  top: ['label', 'value'],
  share: ['label', 'value'],
  compare: ['current', 'previous'],
  direction: ['current', 'previous'],
};

const bank = selected(process.env.BANK_FILTER);
const haveShared = sharedDatasetsOrSkip(DATASETS_DIR);

test('the bank: ids unique, at least 120 questions in both languages and on both data sets, every non-refusal has an oracle', () => {
  const all = selected('');
  expect(new Set(all.map((q) => q.id)).size).toBe(all.length);
  expect(all.length).toBeGreaterThanOrEqual(120);
  for (const ds of ['native', 'northwind'] as const)
    for (const lang of ['fr', 'en'] as const)
      expect(all.filter((q) => q.dataset === ds && q.lang === lang).length).toBeGreaterThan(20);
  for (const q of all) {
    expect([q.id, q.expect === 'refusal' ? !q.sql : Boolean(q.sql)]).toEqual([q.id, true]);
    if (q.expect === 'top') expect([q.id, q.n]).toEqual([q.id, expect.any(Number)]);
  }
});

for (const dataset of ['native', 'northwind'] as Dataset[]) {
  const questions = bank.filter((q) => q.dataset === dataset && q.sql);
  const run = questions.length && (dataset === 'native' || haveShared) ? describe : describe.skip;
  run(`oracles on ${dataset}`, () => {
    let db: TestDatabase;
    let asOf: string;
    beforeAll(async () => {
      db = await testDatabase();
      asOf = await sourceOnly(dataset, db.pool);
    });
    afterAll(() => db?.drop());

    test.each(questions.map((q) => [q.id, q] as const))('%s runs and answers', async (_id, q) => {
      const { rows, fields } = await db.pool.query(oracleSql(q, asOf));
      expect(rows.length).toBeGreaterThan(0);
      expect(fields.map((f) => f.name)).toEqual(COLUMNS[q.expect as keyof typeof COLUMNS]);
      if (q.expect === 'share' || q.expect === 'value' || q.expect === 'compare' || q.expect === 'direction')
        expect(rows).toHaveLength(1);
      for (const r of rows)
        for (const [k, v] of Object.entries(r))
          if (k !== 'label')
            expect([q.id, k, v === null ? null : Number.isFinite(Number(v))]).toEqual([q.id, k, true]);
      if (q.expect === 'direction') expect(Number(rows[0].current)).not.toBe(Number(rows[0].previous));
    });
  });
}
