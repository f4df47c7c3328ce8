import { sharedDatasetsOrSkip } from '@erp/kit/test/db';
import type { TestDatabase } from '@erp/kit/test/db';
import path from 'node:path';
import { lastOrderDate, loadRfmOrders } from '../source';
import { loadOnlineRetail, onlineRetailToStar, testWarehouse } from '../test/fixtures';
import { computeRfm, defaultReferenceDate } from './compute';

const DIR = path.join(__dirname, '../../../../shared/datasets/online-retail');
const run = sharedDatasetsOrSkip(DIR) ? describe : describe.skip;

/**
 * UCI Online Retail: RFM computed by the mining (warehouse facts → TypeScript) equals an independent
 * SQL computation on the raw lines, for every customer. Conventions (mining/README.md): lines without
 * CustomerID are left out (they become the guest); a 'C' invoice is a cancellation/credit note = a
 * RETURN: its (negative) amount reduces monetary, it is not a purchase for frequency or recency.
 */
run('RFM on UCI Online Retail', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await testWarehouse();
    await loadOnlineRetail(db.pool, path.join(DIR, 'online_retail_all.csv.gz'));
    await onlineRetailToStar(db.pool);
  }, 600_000);
  afterAll(() => db?.drop());

  it('equals an independent SQL computation for every customer', async () => {
    const ref = defaultReferenceDate((await lastOrderDate(db.pool))!);
    expect(ref).toBe('2011-12-10');
    const ts = computeRfm(await loadRfmOrders(db.pool), ref);
    const { rows: sql } = await db.pool.query(
      `WITH l AS (
         SELECT customer_id, invoice_no, invoice_date::date AS d, round(quantity * unit_price, 2) AS amount, invoice_no LIKE 'C%' AS is_return
         FROM retail.lines WHERE customer_id IS NOT NULL),
       c AS (
         SELECT customer_id, (SELECT max(invoice_date)::date + 1 FROM retail.lines) - max(d) FILTER (WHERE NOT is_return) AS recency,
                count(DISTINCT invoice_no) FILTER (WHERE NOT is_return) AS frequency, sum(amount) AS monetary
         FROM l GROUP BY customer_id HAVING bool_or(NOT is_return)),
       n AS (SELECT count(*) AS n FROM c)
       SELECT customer_id, recency::int, frequency::int, monetary::text,
              (1 + floor(5.0 * (rank() OVER (ORDER BY recency DESC) - 1) / n))::int AS r,
              (1 + floor(5.0 * (rank() OVER (ORDER BY frequency) - 1) / n))::int AS f,
              (1 + floor(5.0 * (rank() OVER (ORDER BY monetary) - 1) / n))::int AS m
       FROM c, n ORDER BY customer_id`,
    );
    expect(sql.length).toBeGreaterThan(4000);
    expect(ts.length).toBe(sql.length);
    const mismatches: string[] = [];
    ts.forEach((t, i) => {
      const s = sql[i];
      const got = [
        t.customerId,
        t.recencyDays,
        t.frequency,
        t.monetary.toFixed(2),
        t.rScore,
        t.fScore,
        t.mScore,
      ].join(' ');
      const want = [s.customer_id, s.recency, s.frequency, Number(s.monetary).toFixed(2), s.r, s.f, s.m].join(
        ' ',
      );
      if (got !== want) mismatches.push(`${got} ≠ ${want}`);
    });
    expect(mismatches.slice(0, 10)).toEqual([]);
    // Returns make some customers' net revenue negative or zero; they are kept (lowest M score).
    expect(ts.some((t) => t.monetary <= 0)).toBe(true);
  }, 300_000);
});
