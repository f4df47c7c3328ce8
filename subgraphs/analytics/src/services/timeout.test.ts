import { createPool } from '@erp/kit';
import { answerQuestion } from '@erp/ai';
import { olap } from '@erp/semantic';
import { starUnderTest } from '../test/star';

/**
 * A read that runs past the warehouse's statement time limit (here: held up by a lock, with a 300 ms
 * limit) is a QUERY_TIMEOUT the user can act on — never "Internal server error" — and the chat says
 * to narrow the question instead of failing.
 */
const star = starUnderTest();

test('a statement timeout on an olap read is a typed QUERY_TIMEOUT, and the chat answers it in words', async () => {
  const slow = createPool(star.db.url, { statementTimeout: 300, applicationName: 'timeout-test' });
  const locker = await star.db.pool.connect();
  try {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE dw.fact_sales IN ACCESS EXCLUSIVE MODE');
    const viewer = { role: 'ADMIN' as const, userId: 1 };
    await expect(
      olap(
        slow,
        {
          measures: ['revenue'],
          dimensions: ['warehouse.warehouse'],
          time: { from: '2024-01-01', to: '2024-12-31' },
        },
        viewer,
      ),
    ).rejects.toMatchObject({ code: 'TIMEOUT' });
    const answer = await answerQuestion('units sold by warehouse in 2024', {
      pool: slow,
      viewer,
      language: 'en',
    });
    expect(answer.understood).toBe(false);
    expect(answer.text).toMatch(/time limit/);
  } finally {
    await locker.query('ROLLBACK');
    locker.release();
    await slow.end();
  }
});
