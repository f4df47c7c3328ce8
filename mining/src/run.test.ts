import type { TestDatabase } from '@erp/kit/test/db';
import path from 'node:path';
import { olap } from '@erp/semantic';
import { runMining } from './run';
import { csvRows, loadNativeSet, testWarehouse } from './test/fixtures';
import type { SegmentAssignment, SegmentWriter } from './writeback';

// data/native is a generated set (scale 1, seed 42: 40,000 orders, 38 planted anomalies), loaded
// straight into dw.fact_sales (the ETL is not needed).
const NATIVE = path.join(__dirname, '../../data/native');

class FakeWriter implements SegmentWriter {
  calls: { size: number; key: string }[] = [];
  segments = new Map<number, string>();
  async write(a: SegmentAssignment[], key: string) {
    this.calls.push({ size: a.length, key });
    for (const x of a) this.segments.set(x.customerId, x.segment);
    return a.length;
  }
}

describe('runMining on the generated data set', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await testWarehouse();
    await loadNativeSet(db.pool, NATIVE);
  }, 600_000);
  afterAll(() => db?.drop());

  it('stores RFM, clusters, silhouette curve, anomalies and EDA under the run id, and writes segments back', async () => {
    const writer = new FakeWriter();
    const r = await runMining({ dwhUrl: db.url, writer, seed: 42 });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.referenceDate).toBe('2026-11-01');
    const q = async (sql: string) => (await db.pool.query(sql, [r.runId])).rows;

    // Write-back: every scored customer once, batches ≤ 10,000, a key per run and batch.
    const rfm = await q(`SELECT customer_id, segment FROM mining.rfm WHERE run_id = $1`);
    expect(rfm.length).toBeGreaterThan(1500);
    expect(writer.segments.size).toBe(rfm.length);
    expect(writer.calls.every((c) => c.size <= 10_000)).toBe(true);
    expect(writer.calls[0]!.key).toBe(`mining-run-${r.runId}-batch-1`);
    expect(new Set(rfm.map((x) => x.segment)).size).toBeGreaterThanOrEqual(8);
    // Guests are not scored.
    expect(
      (
        await q(
          `SELECT count(*)::int AS n FROM mining.rfm m JOIN dw.dim_customer c USING (customer_id) WHERE run_id = $1 AND c.is_guest`,
        )
      )[0].n,
    ).toBe(0);

    const curve = await q(
      `SELECT k, silhouette, chosen FROM mining.kmeans_silhouette WHERE run_id = $1 ORDER BY k`,
    );
    expect(curve.map((c) => c.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(curve.filter((c) => c.chosen)).toHaveLength(1);
    const clusters = await q(`SELECT * FROM mining.clusters WHERE run_id = $1 ORDER BY cluster`);
    expect(clusters.reduce((s, c) => s + c.size, 0)).toBe(rfm.length);

    // Planted anomalies: all in the top 1 % of the scored orders.
    const planted: string[] = [];
    for await (const a of csvRows(path.join(NATIVE, 'planted_anomalies.csv.gz')))
      planted.push(a.order_number!);
    expect(planted).toHaveLength(38);
    const limit = Math.ceil(r.summary!.orders * 0.01);
    const found = await db.pool.query(
      `SELECT order_number, rank, explanation FROM mining.anomalies WHERE run_id = $1 AND rank <= $2 AND order_number = ANY($3)`,
      [r.runId, limit, planted],
    );
    const missing = planted.filter((p) => !found.rows.some((f) => f.order_number === p));
    expect(missing).toEqual([]);
    expect(found.rows[0].explanation).toMatch(/z [+-]/);

    // EDA tables.
    expect(
      (await q(`SELECT measure FROM mining.eda_distributions WHERE run_id = $1 ORDER BY measure`)).map(
        (x) => x.measure,
      ),
    ).toEqual(['customer_revenue', 'order_amount', 'order_lines', 'order_units']);
    expect((await q(`SELECT count(*)::int AS n FROM mining.eda_histograms WHERE run_id = $1`))[0].n).toBe(80);
    expect((await q(`SELECT count(*)::int AS n FROM mining.eda_seasonality WHERE run_id = $1`))[0].n).toBe(
      19,
    );
    const pareto = await q(
      `SELECT entity, top_share FROM mining.eda_pareto WHERE run_id = $1 ORDER BY entity`,
    );
    expect(pareto[0].top_share).toBeGreaterThan(0.6); // top 20 % customers: heavy-tailed by design
    expect((await q(`SELECT count(*)::int AS n FROM mining.eda_correlations WHERE run_id = $1`))[0].n).toBe(
      6,
    );
    const dup = await q(
      `SELECT value FROM mining.eda_quality WHERE run_id = $1 AND check_kind = 'duplicates' AND column_name = 'order_id,line_no'`,
    );
    expect(Number(dup[0].value)).toBe(0);

    // One truth: the mining page's revenue is the semantic model's (booked orders only: drafts and
    // cancelled orders are not revenue), over the whole history.
    const drafts = (
      await db.pool.query(
        `SELECT count(*)::int AS n FROM dw.fact_sales f JOIN dw.dim_order_status s USING (status_key) WHERE s.status = 'DRAFT'`,
      )
    ).rows[0].n;
    expect(drafts).toBeGreaterThan(0); // the comparison can fail
    const model = await olap(
      db.pool,
      { measures: ['revenue'], time: { from: '2000-01-01', to: '2099-12-31' } },
      { role: 'SERVICE', userId: null },
    );
    const months = await q(
      `SELECT sum(revenue)::text AS total FROM mining.eda_seasonality WHERE run_id = $1 AND grain = 'month'`,
    );
    expect(months[0].total).toBe(model.totals[0]!.value);
  }, 600_000);

  it('skips when the warehouse has not changed, records why, and recomputes after a change or with force', async () => {
    // Same warehouse, same parameters (write-back on or off does not change results) → skipped.
    const skipped = await runMining({ dwhUrl: db.url, writeback: false, seed: 42 });
    const cheap = { dwhUrl: db.url, writeback: false, seed: 43, kMax: 3, trees: 10, sampleSize: 1024 };
    expect(skipped.status).toBe('SKIPPED');
    expect(skipped.reason).toMatch(/unchanged since mining run/);
    const row = (
      await db.pool.query(`SELECT status, reason, finished_at FROM mining.runs WHERE run_id = $1`, [
        skipped.runId,
      ])
    ).rows[0];
    expect(row.status).toBe('SKIPPED');
    expect(row.finished_at).not.toBeNull();
    expect(
      (await db.pool.query(`SELECT count(*)::int AS n FROM mining.rfm WHERE run_id = $1`, [skipped.runId]))
        .rows[0].n,
    ).toBe(0);
    // Another seed is another computation.
    expect((await runMining(cheap)).status).toBe('SUCCEEDED');
    expect((await runMining(cheap)).status).toBe('SKIPPED');
    // A change in the facts or a new ETL run → recomputed.
    await db.pool.query(
      `UPDATE dw.fact_sales SET quantity = quantity + 1 WHERE sales_line_key = (SELECT min(sales_line_key) FROM dw.fact_sales)`,
    );
    expect((await runMining(cheap)).status).toBe('SUCCEEDED');
    await db.pool.query(
      `INSERT INTO meta.etl_runs (status, mode, entities, snapshot_date, finished_at) VALUES ('SUCCEEDED', 'full', '{orders}', '2026-11-01', now())`,
    );
    expect((await runMining(cheap)).status).toBe('SUCCEEDED');
    expect((await runMining({ ...cheap, force: true })).status).toBe('SUCCEEDED');
  }, 600_000);
});
