import { computeInsights } from './insights';
import type { Driver } from './facts';
import { addMining, buildStar, dropMining, type Star } from './test/star';

describe('insight engine on a hand-made star', () => {
  let star: Star;
  beforeAll(async () => {
    star = await buildStar();
  });
  afterAll(() => star.drop());

  const revenue = async (from: string, to: string, extra = '', values: unknown[] = []) =>
    Number(
      (
        await star.pool.query(
          `SELECT COALESCE(SUM(f.net_amount), 0) AS r FROM dw.fact_sales f JOIN dw.dim_order_status s USING (status_key)
           JOIN dw.dim_date d ON d.date_key = f.order_date_key ${extra ? 'JOIN dw.dim_customer c USING (customer_key)' : ''}
           WHERE s.status NOT IN ('DRAFT', 'CANCELLED') AND d.full_date BETWEEN $1 AND $2 ${extra}`,
          [from, to, ...values],
        )
      ).rows[0].r,
    );

  it('revenue change equals independent SQL and its drivers sum to the change', async () => {
    const { facts, period, revenue: periodRevenue } = await computeInsights(star.pool, { period: '2026-10' });
    expect(period.previous).toEqual({ from: '2026-09-01', to: '2026-09-30' });
    const cur = await revenue('2026-10-01', '2026-10-31');
    const prev = await revenue('2026-09-01', '2026-09-30');
    const f = facts.find((x) => x.id === 'revenue-change')!;
    expect(f.value).toBeCloseTo(cur, 2);
    expect(f.comparison).toBeCloseTo(prev, 2);
    expect(f.delta).toBeCloseTo(cur - prev, 2);
    expect(periodRevenue).toBeCloseTo(cur, 2);
    const drivers = f.details.drivers as Record<string, Driver[]>;
    for (const dim of ['category', 'country', 'customer']) {
      const sum = drivers[dim]!.reduce((a, d) => a + d.contribution, 0);
      expect(sum).toBeCloseTo(f.delta!, 2);
      // sorted by the size of the contribution
      const sizes = drivers[dim]!.map((d) => Math.abs(d.contribution));
      expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    }
    // CUST-001's big order is the first customer driver, and equals its own change in SQL
    const top = drivers.customer![0]!;
    expect(top.key).toBe('CUST-001');
    const c1 =
      (await revenue('2026-10-01', '2026-10-31', 'AND c.code = $3', ['CUST-001'])) -
      (await revenue('2026-09-01', '2026-09-30', 'AND c.code = $3', ['CUST-001']));
    expect(top.contribution).toBeCloseTo(c1, 2);
    expect(drivers.category![0]!.key).toBe('PAINT');
    // computed by the semantic layer: the olap query behind it, revenue being booked revenue by definition
    expect(f.query.olap).toMatchObject({
      measures: ['revenue', 'grossMargin', 'marginPct'],
      compare: 'PREVIOUS_PERIOD',
      time: { from: '2026-10-01', to: '2026-10-31' },
    });
    expect(f.query.olap!.filters ?? []).toEqual([]);
  });

  it('finds the October trend break against the trailing 6 months', async () => {
    const { facts } = await computeInsights(star.pool, { period: '2026-10' });
    const f = facts.find((x) => x.kind === 'trend-break')!;
    expect(f.id).toBe('trend-break:2026-10');
    expect(f.value).toBeCloseTo(await revenue('2026-10-01', '2026-10-31'), 2);
    // the trailing months grow linearly (+6 units of SKU-A × 20 € a month): the trend predicts +120
    const sep = await revenue('2026-09-01', '2026-09-30');
    expect(f.comparison).toBeCloseTo(sep + 120, 0);
    expect(Math.abs(f.details.z as number)).toBeGreaterThan(2);
    // no break in September, a month on the trend
    const sept = await computeInsights(star.pool, { period: '2026-09' });
    expect(sept.facts.filter((x) => x.kind === 'trend-break')).toEqual([]);
  });

  it('concentration: top-5 share and HHI equal independent SQL', async () => {
    const { facts } = await computeInsights(star.pool, { period: '2026-10' });
    const f = facts.find((x) => x.kind === 'concentration')!;
    const { rows } = await star.pool.query(
      `SELECT c.customer_id, SUM(f.net_amount)::float8 AS r FROM dw.fact_sales f JOIN dw.dim_customer c USING (customer_key)
       JOIN dw.dim_order_status s USING (status_key) WHERE s.status NOT IN ('DRAFT','CANCELLED') AND f.order_date_key BETWEEN 20261001 AND 20261031
       GROUP BY 1 HAVING SUM(f.net_amount) > 0 ORDER BY 2 DESC`,
    );
    const total = rows.reduce((a, r) => a + r.r, 0);
    const top5 = rows.slice(0, 5).reduce((a, r) => a + r.r, 0);
    expect(f.value).toBeCloseTo((100 * top5) / total, 1);
    expect(f.details.hhi).toBe(Math.round(rows.reduce((a, r) => a + ((100 * r.r) / total) ** 2, 0)));
    expect(f.query.olap).toMatchObject({
      dimensions: ['geography.customer'],
      limit: 5,
      order: [{ by: 'revenue', direction: 'DESC' }],
    });
  });

  it('flags the big order by z-score without mining, never the cancelled one', async () => {
    const { facts, notes } = await computeInsights(star.pool, { period: '2026-10' });
    const unusual = facts.filter((x) => x.kind === 'unusual-order');
    expect(unusual.map((x) => x.subject.code)).toEqual(['SO-5001']);
    expect(unusual[0]!.value).toBe(800 * 60);
    expect(unusual[0]!.details.method).toBe('z-score');
    expect(unusual[0]!.details.orderDate).toMatch(/^2026-10-\d{2}$/); // the model's order day, in the period
    expect(notes.join(' ')).toContain('z-score');
  });

  it('stock-out risk: days of cover vs lead time, supplier and quantity from the staged supplies', async () => {
    const { facts } = await computeInsights(star.pool, { period: '2026-10' });
    const a = facts.find((x) => x.id === 'stockout-risk:SKU-A:WH1')!;
    const sold = Number(
      (
        await star.pool
          .query(`SELECT SUM(quantity) AS q FROM dw.fact_sales f JOIN dw.dim_order_status s USING (status_key)
        WHERE product_key = 1 AND s.status NOT IN ('DRAFT','CANCELLED') AND order_date_key > 20260802 AND order_date_key <= 20261031`)
      ).rows[0].q,
    );
    const daily = sold / 90;
    expect(a.value).toBeCloseTo(5 / daily, 1);
    expect(a.comparison).toBe(10); // SUP-1's lead time for SKU-A
    expect(a.details.supplier).toMatchObject({ code: 'SUP-1' });
    const need = Math.ceil(daily * 10) + Math.ceil(daily * 7) - 5;
    expect(a.details.reorderQuantity).toBe(Math.ceil(need / 50) * 50); // rounded up to the minimum order quantity
    const b = facts.find((x) => x.id === 'stockout-risk:SKU-B:WH1')!;
    expect(b.comparison).toBe(20); // no lead time on the supply: the supplier's average
    expect(b.details.leadTimeSource).toBe('supplier average');
    expect(facts.find((x) => x.id.startsWith('stockout-risk:SKU-C'))).toBeUndefined();
  });

  it('supplier deterioration: SUP-1 from 100 % to 60 % on time', async () => {
    const { facts } = await computeInsights(star.pool, { period: '2026-10' });
    const s = facts.filter((x) => x.kind === 'supplier-deterioration');
    expect(s.map((x) => [x.subject.code, x.value, x.comparison])).toEqual([['SUP-1', 60, 100]]);
    expect(s[0]!.query.olap).toMatchObject({
      time: { from: '2026-08-01', to: '2026-10-31' },
      compare: 'PREVIOUS_PERIOD',
    });
  });

  it('ranks by impact and every fact has a query and a score in 0–100', async () => {
    const { facts } = await computeInsights(star.pool, { period: '2026-10' });
    const impacts = facts.map((f) => f.impact);
    expect(impacts).toEqual([...impacts].sort((a, b) => b - a));
    for (const f of facts) {
      expect(f.impact).toBeGreaterThanOrEqual(0);
      expect(f.impact).toBeLessThanOrEqual(100);
      expect(f.query.olap?.measures.length).toBeGreaterThan(0);
    }
  });

  it('uses mining tables when present: RFM movements and anomalies', async () => {
    await addMining(star.pool);
    try {
      const { facts } = await computeInsights(star.pool, { period: '2026-10' });
      const rfm = facts.find((x) => x.kind === 'rfm-movement')!;
      expect(rfm.value).toBe(3); // Loyal → At Risk, Potential Loyalist → Cannot Lose, Need Attention → Hibernating
      expect((rfm.details.slipped as { code: string }[]).map((s) => s.code).sort()).toEqual([
        'CUST-002',
        'CUST-004',
        'CUST-005',
      ]);
      const unusual = facts.filter((x) => x.kind === 'unusual-order');
      expect(unusual.map((x) => [x.subject.code, x.details.method])).toEqual([['SO-1056', 'mining']]);
    } finally {
      await dropMining(star.pool);
    }
  });
});
