import { identity } from '@erp/kit/test/graphql';
import { byKey, client, DRILL } from '../test/helpers';
import { starUnderTest, REP_A, REP_B } from '../test/star';
import { ROLLUPS } from '@erp/semantic';
import { refreshRollups } from '@erp/semantic';

/** OLAP on a hand-made star: every figure against an independent SQL computation on the facts. */
const star = starUnderTest();
const api = client(star);
const admin = identity('ADMIN', 1);
const analyst = identity('ANALYST', 2);
const salesA = identity('SALES', REP_A);

const FROM = `FROM dw.fact_sales f JOIN dw.dim_date d ON d.date_key = f.order_date_key
  JOIN dw.dim_product p ON p.product_key = f.product_key LEFT JOIN dw.dim_category cat ON cat.category_key = p.category_key
  JOIN dw.dim_customer c ON c.customer_key = f.customer_key JOIN dw.dim_geography g ON g.geography_key = f.geography_key
  JOIN dw.dim_order_status s ON s.status_key = f.status_key JOIN dw.dim_order_kind k ON k.kind_key = f.kind_key`;
// The governed definitions (the semantic model's scopes): revenue, margin and units count booked
// orders (returns subtract); orders and buying customers count booked SALE orders.
const BOOKED = `s.status IN ('CONFIRMED', 'SHIPPED', 'DELIVERED')`;
const REV = `SUM(f.net_amount) FILTER (WHERE ${BOOKED})`;
const ORD = `COUNT(DISTINCT f.order_id) FILTER (WHERE ${BOOKED} AND k.kind = 'SALE')`;
const CUST = `COUNT(DISTINCT c.customer_id) FILTER (WHERE ${BOOKED} AND k.kind = 'SALE')`;
async function sql(text: string, params: unknown[] = []): Promise<Record<string, string | null>[]> {
  return (await star.db.pool.query(text, params)).rows;
}
const revenue = async (from: string, to: string) =>
  (
    await sql(`SELECT ${REV}::text AS v ${FROM} WHERE ${BOOKED} AND d.full_date BETWEEN $1 AND $2`, [
      from,
      to,
    ])
  )[0]!.v ?? null;
const num = (v: string | null) => (v === null ? null : Number(v));

test('the semantic model documents every measure (formula, unit, format, additivity, fact) and the hierarchies', async () => {
  const r = await api.run<{
    semanticModel: {
      measures: {
        name: string;
        formula: string;
        unit: string;
        format: string;
        additivity: string;
        fact: string;
      }[];
      dimensions: { levels: { name: string; parent: string | null }[] }[];
    };
  }>(
    analyst,
    `{ semanticModel { measures { name formula unit format additivity fact } dimensions { levels { name parent } } } }`,
    {},
  );
  const m = r.data!.semanticModel;
  expect(m.measures.map((x) => x.name)).toEqual(
    expect.arrayContaining([
      'revenue',
      'grossMargin',
      'marginPct',
      'units',
      'orders',
      'averageBasket',
      'customers',
      'stockOnHand',
      'stockValue',
      'daysOfCover',
      'supplierOnTimeRate',
    ]),
  );
  for (const x of m.measures) expect(x.formula && x.unit && x.format && x.additivity && x.fact).toBeTruthy();
  const levels = m.dimensions.flatMap((d) => d.levels);
  expect(levels.find((l) => l.name === 'date.day')!.parent).toBe('date.month');
  expect(levels.find((l) => l.name === 'geography.customer')!.parent).toBe('geography.city');
  expect(levels.find((l) => l.name === 'product.product')!.parent).toBe('product.category');
});

test('measures by month × category equal SQL; margin is null-safe without cost', async () => {
  const a = await api.olap(admin, {
    measures: ['revenue', 'grossMargin', 'marginPct', 'units', 'orders', 'averageBasket', 'customers'],
    dimensions: ['product.category'],
    time: { from: '2024-01-01', to: '2025-03-31', granularity: 'MONTH' },
    source: 'FACT',
  });
  const expected = await sql(
    `SELECT d.year_month || '/' || cat.code AS k, ${REV}::text AS revenue, SUM(f.margin_amount) FILTER (WHERE ${BOOKED})::text AS margin,
            round(100 * SUM(f.margin_amount) FILTER (WHERE ${BOOKED}) / NULLIF(SUM(f.net_amount) FILTER (WHERE f.cost_amount IS NOT NULL AND ${BOOKED}), 0), 2)::text AS pct,
            SUM(f.quantity) FILTER (WHERE ${BOOKED})::text AS units, ${ORD}::text AS orders,
            round(${REV} / NULLIF(${ORD}, 0), 2)::text AS basket, ${CUST}::text AS customers
       ${FROM} WHERE ${BOOKED} AND d.full_date BETWEEN '2024-01-01' AND '2025-03-31' GROUP BY 1`,
  );
  expect(byKey(a)).toEqual(
    Object.fromEntries(
      expected.map((e) => [e.k, [e.revenue, e.margin, e.pct, e.units, e.orders, e.basket, e.customers]]),
    ),
  );
  const garden = a.rows.filter((r) => r.members[1]!.key === 'GARDEN');
  expect(garden.length).toBeGreaterThan(0);
  for (const r of garden) expect([r.values[1]!.value, r.values[2]!.value]).toEqual([null, null]);
  // totals are not a sum of distinct counts: recomputed over everything
  const totalOrders = await sql(
    `SELECT ${ORD}::text AS v ${FROM} WHERE ${BOOKED} AND d.full_date BETWEEN '2024-01-01' AND '2025-03-31'`,
  );
  expect(a.totals[4]!.value).toBe(totalOrders[0]!.v);
  expect(a.dimensions).toEqual(['date.month', 'product.category']);
  expect(a.freshness.reconciled).toBe(true);
});

describe('comparisons', () => {
  const check = (v: {
    value: string | null;
    compared: string | null;
    delta: string | null;
    deltaPct: string | null;
  }) => {
    expect(num(v.delta)).toBeCloseTo(num(v.value)! - num(v.compared)!, 2);
    if (num(v.compared))
      expect(num(v.deltaPct)).toBeCloseTo(
        (100 * (num(v.value)! - num(v.compared)!)) / Math.abs(num(v.compared)!),
        1,
      );
  };

  test('YEAR_AGO on February 2025 compares with the whole February 2024 (29 days, leap day included)', async () => {
    const a = await api.olap(admin, {
      measures: ['revenue'],
      time: { from: '2025-02-01', to: '2025-02-28' },
      compare: 'YEAR_AGO',
      source: 'FACT',
    });
    expect(a.comparePeriod).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(a.totals[0]!.value).toBe(await revenue('2025-02-01', '2025-02-28'));
    expect(a.totals[0]!.compared).toBe(await revenue('2024-02-01', '2024-02-29'));
    expect(await revenue('2024-02-29', '2024-02-29')).not.toBeNull(); // the leap day has sales: it matters
    check(a.totals[0]!);
  });

  test('29 February 2024, a year ago: 28 February 2023; by day, 28 Feb 2025 compares with 28 Feb 2024', async () => {
    const leap = await api.olap(admin, {
      measures: ['revenue'],
      time: { from: '2024-02-29', to: '2024-02-29' },
      compare: 'YEAR_AGO',
    });
    expect(leap.comparePeriod).toEqual({ from: '2023-02-28', to: '2023-02-28' });
    expect([leap.totals[0]!.value, leap.totals[0]!.compared]).toEqual([
      await revenue('2024-02-29', '2024-02-29'),
      await revenue('2023-02-28', '2023-02-28'),
    ]);
    const days = await api.olap(admin, {
      measures: ['revenue'],
      time: { from: '2025-02-27', to: '2025-02-28', granularity: 'DAY' },
      compare: 'YEAR_AGO',
    });
    const feb28 = days.rows.find((r) => r.members[0]!.key === '2025-02-28')!;
    expect(feb28.values[0]!.compared).toBe(await revenue('2024-02-28', '2024-02-28'));
    check(feb28.values[0]!);
  });

  test('PREVIOUS_PERIOD by month: March 2024 against February 2024; whole months stay whole', async () => {
    const a = await api.olap(admin, {
      measures: ['revenue', 'orders'],
      time: { from: '2024-03-01', to: '2024-03-31', granularity: 'MONTH' },
      compare: 'PREVIOUS_PERIOD',
    });
    expect(a.comparePeriod).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(a.rows[0]!.members[0]!.key).toBe('2024-03');
    expect(a.rows[0]!.values[0]!.value).toBe(await revenue('2024-03-01', '2024-03-31'));
    expect(a.rows[0]!.values[0]!.compared).toBe(await revenue('2024-02-01', '2024-02-29'));
    check(a.rows[0]!.values[0]!);
  });

  test('quarters: Q1 2025 against Q4 2024 (previous) and Q1 2024 (year ago)', async () => {
    const prev = await api.olap(admin, {
      measures: ['revenue'],
      time: { from: '2025-01-01', to: '2025-03-31', granularity: 'QUARTER' },
      compare: 'PREVIOUS_PERIOD',
    });
    expect(prev.comparePeriod).toEqual({ from: '2024-10-01', to: '2024-12-31' });
    expect(prev.rows.map((r) => r.members[0]!.key)).toEqual(['2025-Q1']);
    expect([prev.rows[0]!.values[0]!.value, prev.rows[0]!.values[0]!.compared]).toEqual([
      await revenue('2025-01-01', '2025-03-31'),
      await revenue('2024-10-01', '2024-12-31'),
    ]);
    const ago = await api.olap(admin, {
      measures: ['revenue'],
      time: { from: '2024-10-01', to: '2025-03-31', granularity: 'QUARTER' },
      compare: 'YEAR_AGO',
    });
    const q1 = ago.rows.find((r) => r.members[0]!.key === '2025-Q1')!;
    expect(q1.values[0]!.compared).toBe(await revenue('2024-01-01', '2024-03-31'));
    check(q1.values[0]!);
  });

  test('YEAR_TO_DATE with a partial month: 1 Jan–15 Mar 2025 against 1 Jan–15 Mar 2024', async () => {
    const a = await api.olap(admin, {
      measures: ['revenue'],
      time: { from: '2025-03-01', to: '2025-03-15', granularity: 'MONTH' },
      compare: 'YEAR_TO_DATE',
    });
    expect(a.period).toEqual({ from: '2025-01-01', to: '2025-03-15' });
    expect(a.comparePeriod).toEqual({ from: '2024-01-01', to: '2024-03-15' });
    expect([a.totals[0]!.value, a.totals[0]!.compared]).toEqual([
      await revenue('2025-01-01', '2025-03-15'),
      await revenue('2024-01-01', '2024-03-15'),
    ]);
    const march = a.rows.find((r) => r.members[0]!.key === '2025-03')!;
    expect([march.values[0]!.value, march.values[0]!.compared]).toEqual([
      await revenue('2025-03-01', '2025-03-15'),
      await revenue('2024-03-01', '2024-03-15'),
    ]);
    check(march.values[0]!);
    check(a.totals[0]!);
  });

  test('PREVIOUS_PERIOD of days that are not whole months: the same number of days before', async () => {
    const a = await api.olap(admin, {
      measures: ['revenue'],
      time: { from: '2025-03-10', to: '2025-03-20' },
      compare: 'PREVIOUS_PERIOD',
    });
    expect(a.comparePeriod).toEqual({ from: '2025-02-27', to: '2025-03-09' });
    expect(a.totals[0]!.compared).toBe(await revenue('2025-02-27', '2025-03-09'));
  });
});

test('validation errors are typed, with the field at fault', async () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ measures: ['revenu'] }, 'query.measures[0]'],
    [{ measures: ['revenue'], dimensions: ['product.colour'] }, 'query.dimensions[0]'],
    [
      { measures: ['revenue'], filters: [{ level: 'geography.country', members: ['FR', 'XX'] }] },
      'query.filters[0].members',
    ],
    [
      { measures: ['revenue'], filters: [{ level: 'date.month', members: ['2024-13'] }] },
      'query.filters[0].members',
    ],
    [{ measures: ['revenue', 'stockOnHand'] }, 'query.measures'],
    [{ measures: ['stockOnHand'], dimensions: ['geography.country'] }, 'query.dimensions[0]'],
    [{ measures: ['revenue'], compare: 'YEAR_AGO' }, 'query.compare'],
    [{ measures: ['revenue'], time: { from: '2025-02-30', to: '2025-03-01' } }, 'query.time.from'],
    [{ measures: ['revenue'], order: [{ by: 'units' }] }, 'query.order[0].by'],
    [{ measures: ['revenue'], limit: 0 }, 'query.limit'],
    [
      { measures: ['daysOfCover'], time: { from: '2025-03-01', to: '2025-03-31', granularity: 'DAY' } },
      'query.dimensions',
    ],
    [
      { measures: ['revenue'], time: { from: '2025-03-01', to: '2025-03-15' }, source: 'ROLLUP' },
      'query.source',
    ],
  ];
  for (const [q, field] of cases) {
    const e = await api.olapError(admin, q);
    expect({ q, code: e?.extensions?.code, field: e?.extensions?.field }).toEqual({
      q,
      code: 'BAD_USER_INPUT',
      field,
    });
  }
});

test('drill-down: the regions under a country, the categories under a root, with their values', async () => {
  const r = await api.run<{
    drillDown: { dimensions: string[]; rows: { members: { key: string }[]; values: { value: string }[] }[] };
  }>(admin, DRILL, {
    level: 'geography.country',
    member: 'FR',
    measures: ['revenue'],
    time: { from: '2024-01-01', to: '2024-12-31' },
  });
  expect(r.errors).toBeUndefined();
  expect(r.data!.drillDown.dimensions).toEqual(['geography.region']);
  const expected = await sql(
    `SELECT g.region AS k, ${REV}::text AS v ${FROM} WHERE ${BOOKED} AND g.country_code = 'FR' AND d.year = 2024 GROUP BY 1 ORDER BY 1`,
  );
  expect(r.data!.drillDown.rows.map((x) => [x.members[0]!.key, x.values[0]!.value])).toEqual(
    expected.map((e) => [e.k, e.v]),
  );
  const tools = await api.run<{ drillDown: { rows: { members: { key: string }[] }[] } }>(admin, DRILL, {
    level: 'product.root',
    member: 'TOOLS',
    measures: ['units'],
  });
  expect(tools.data!.drillDown.rows.map((x) => x.members[0]!.key).sort()).toEqual(['HAND', 'POWER', 'TOOLS']);
  const finest = await api.run(admin, DRILL, {
    level: 'date.day',
    member: '2024-02-29',
    measures: ['revenue'],
  });
  expect(finest.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'level' });
  const unknown = await api.run(admin, DRILL, {
    level: 'geography.country',
    member: 'ZZ',
    measures: ['revenue'],
  });
  expect(unknown.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'member' });
});

test('pivot: month rows × country columns, each cell the row of the same members', async () => {
  const a = await api.olap(admin, {
    measures: ['revenue'],
    dimensions: ['geography.country'],
    time: { from: '2025-01-01', to: '2025-03-31', granularity: 'MONTH' },
    pivot: { rows: ['date.month'], columns: ['geography.country'] },
  });
  const p = a.pivot!;
  expect(p.rowLevels).toEqual(['date.month']);
  expect(p.columnLevels).toEqual(['geography.country']);
  expect(p.rowHeaders.map((h) => h[0]!.key)).toEqual(['2025-01', '2025-02', '2025-03']);
  expect(p.cells).toHaveLength(a.rows.length);
  for (const cell of p.cells) {
    const row = a.rows.find(
      (r) =>
        r.members[0]!.key === p.rowHeaders[cell.row]![0]!.key &&
        r.members[1]!.key === p.columnHeaders[cell.column]![0]!.key,
    )!;
    expect(cell.values[0]!.value).toBe(row.values[0]!.value);
  }
});

test('inventory: on hand at the last snapshot, stock value, days of cover (stock available) against the 90 days of sales up to the as-of date (the day before the ETL run, not the snapshot)', async () => {
  const a = await api.olap(admin, {
    measures: ['stockOnHand', 'stockValue', 'daysOfCover'],
    dimensions: ['product.product'],
  });
  const expected = await sql(
    `WITH inv AS (SELECT p.sku, SUM(i.on_hand) AS oh, SUM(i.available) AS av, SUM(i.stock_value) AS sv FROM dw.fact_inventory_snapshot i JOIN dw.dim_product p ON p.product_key = i.product_key
                   WHERE i.snapshot_date_key = 20250331 GROUP BY 1),
          sold AS (SELECT p.sku, SUM(f.quantity) AS u ${FROM} WHERE ${BOOKED} AND d.full_date > DATE '2025-03-30' - 90 AND d.full_date <= '2025-03-30' AND s.status NOT IN ('DRAFT', 'CANCELLED') GROUP BY 1)
     SELECT inv.sku, inv.oh::text AS oh, inv.sv::text AS sv, round(GREATEST(inv.av, 0) / NULLIF(sold.u / 90.0, 0), 1)::text AS cover FROM inv LEFT JOIN sold USING (sku)`,
  );
  expect(byKey(a)).toEqual(Object.fromEntries(expected.map((e) => [e.sku, [e.oh, e.sv, e.cover]])));
});

/** The months the rollup cases ask for (whole months, so that a rollup can answer). */
const ROLLUP_MONTHS = { from: '2023-01-01', to: '2025-03-31', granularity: 'MONTH' };
/** Queries each rollup must answer (for this viewer) with the facts' rows and totals. */
const ROLLUP_CASES: { rollup: string; viewer: typeof admin; q: Record<string, unknown> }[] = [
  {
    rollup: 'sales_month',
    viewer: admin,
    q: {
      measures: ['revenue', 'grossMargin', 'marginPct', 'units'],
      dimensions: [
        'product.category',
        'geography.country',
        'segment.segment',
        'orderStatus.status',
        'orderKind.kind',
      ],
      time: ROLLUP_MONTHS,
      compare: 'YEAR_AGO',
    },
  },
  {
    rollup: 'sales_product_month',
    viewer: admin,
    q: {
      measures: ['revenue', 'grossMargin', 'marginPct', 'units'],
      dimensions: ['product.root', 'product.product', 'orderStatus.status', 'orderKind.kind'],
      time: ROLLUP_MONTHS,
      compare: 'YEAR_AGO',
    },
  },
  {
    rollup: 'sales_warehouse_month',
    viewer: admin,
    q: {
      measures: ['revenue', 'grossMargin', 'units'],
      dimensions: ['warehouse.warehouse', 'product.category', 'orderStatus.status'],
      time: ROLLUP_MONTHS,
      compare: 'YEAR_AGO',
    },
  },
  {
    rollup: 'sales_order_month',
    viewer: admin,
    q: {
      measures: ['revenue', 'units', 'orders', 'averageBasket'],
      dimensions: [
        'geography.region',
        'geography.city',
        'segment.segment',
        'orderStatus.status',
        'orderKind.kind',
      ],
      time: ROLLUP_MONTHS,
      compare: 'YEAR_AGO',
    },
  },
  {
    rollup: 'sales_region_month',
    viewer: admin,
    q: {
      measures: ['revenue', 'grossMargin', 'marginPct', 'orders'],
      dimensions: [
        'geography.country',
        'geography.region',
        'segment.segment',
        'orderStatus.status',
        'orderKind.kind',
      ],
      time: ROLLUP_MONTHS,
      compare: 'YEAR_AGO',
    },
  },
  {
    rollup: 'sales_segment_month',
    viewer: admin,
    q: {
      measures: ['revenue', 'grossMargin', 'marginPct', 'units', 'orders', 'averageBasket'],
      dimensions: ['segment.segment', 'orderStatus.status', 'orderKind.kind'],
      time: ROLLUP_MONTHS,
      compare: 'YEAR_AGO',
    },
  },
  {
    rollup: 'sales_segment_month',
    viewer: admin,
    q: {
      measures: ['revenue', 'orders'],
      time: { from: '2024-01-01', to: '2025-03-31', granularity: 'QUARTER' },
      compare: 'PREVIOUS_PERIOD',
    },
  },
  {
    rollup: 'sales_category_month',
    viewer: admin,
    q: {
      measures: ['revenue', 'grossMargin', 'marginPct', 'units'],
      dimensions: ['product.root', 'product.category', 'orderStatus.status', 'orderKind.kind'],
      time: ROLLUP_MONTHS,
      compare: 'YEAR_AGO',
    },
  },
  {
    rollup: 'sales_customer_month',
    viewer: admin,
    q: {
      measures: ['revenue', 'grossMargin', 'marginPct', 'units', 'orders', 'averageBasket', 'customers'],
      dimensions: [
        'geography.country',
        'geography.customer',
        'segment.segment',
        'orderStatus.status',
        'orderKind.kind',
      ],
      time: ROLLUP_MONTHS,
      compare: 'YEAR_AGO',
    },
  },
  // distinct customers over a year: counted once however many months they bought in
  {
    rollup: 'sales_customer_month',
    viewer: admin,
    q: {
      measures: ['revenue', 'customers', 'orders'],
      dimensions: ['geography.country'],
      time: { from: '2024-01-01', to: '2025-03-31', granularity: 'YEAR' },
      compare: 'PREVIOUS_PERIOD',
    },
  },
  {
    rollup: 'sales_customer_month',
    viewer: analyst,
    q: {
      measures: ['customers'],
      dimensions: ['geography.city'],
      time: { from: '2024-01-01', to: '2025-03-31' },
    },
  },
  // a SALES user: the customer rollup applies the same row-level filter as the facts
  {
    rollup: 'sales_customer_month',
    viewer: salesA,
    q: {
      measures: ['revenue', 'orders', 'customers'],
      dimensions: ['geography.customer'],
      time: ROLLUP_MONTHS,
      compare: 'YEAR_AGO',
    },
  },
  {
    rollup: 'sales_customer_month',
    viewer: identity('SALES', REP_B),
    q: { measures: ['revenue', 'units'], dimensions: ['geography.country'] },
  },
];

test('rollups: each is chosen automatically for whole months on its levels, and its answer equals the facts', async () => {
  const r = await refreshRollups(star.db.pool, 'all');
  expect(r.rollups.map((x) => x.name).sort()).toEqual(ROLLUPS.map((x) => x.name).sort());
  for (const c of ROLLUP_CASES) {
    const rolled = await api.olap(c.viewer, c.q);
    const fact = await api.olap(c.viewer, { ...c.q, source: 'FACT' });
    expect([rolled.source, rolled.rollup]).toEqual(['ROLLUP', c.rollup]);
    expect(fact.source).toBe('FACT');
    expect(rolled.rows.length).toBeGreaterThan(0);
    expect(rolled.rows).toEqual(fact.rows);
    expect(rolled.totals).toEqual(fact.totals);
  }
  const byQuarter = {
    measures: ['revenue', 'marginPct'],
    dimensions: ['product.root'],
    time: { from: '2024-01-01', to: '2025-03-31', granularity: 'QUARTER' },
    filters: [{ level: 'geography.country', members: ['FR'] }],
  };
  const [rq, fq] = [
    await api.olap(admin, byQuarter),
    await api.olap(admin, { ...byQuarter, source: 'FACT' }),
  ];
  expect([rq.source, rq.rows, rq.totals]).toEqual(['ROLLUP', fq.rows, fq.totals]);
  // not whole months, a level no rollup has, or a distinct count below the grain that keeps it: the facts answer
  const q = ROLLUP_CASES[0]!.q;
  expect(
    (await api.olap(admin, { ...q, time: { from: '2025-01-01', to: '2025-03-15' }, compare: null })).source,
  ).toBe('FACT');
  expect(
    (
      await api.olap(admin, {
        measures: ['revenue'],
        dimensions: ['warehouse.warehouse', 'geography.country'],
      })
    ).source,
  ).toBe('FACT');
  expect((await api.olap(admin, { measures: ['orders'], dimensions: ['product.category'] })).source).toBe(
    'FACT',
  );
  expect((await api.olap(admin, { measures: ['customers'], dimensions: ['product.product'] })).source).toBe(
    'FACT',
  );
  expect((await api.olap(salesA, { measures: ['revenue'], dimensions: ['product.category'] })).source).toBe(
    'FACT',
  );
  const forced = await api.olapError(admin, {
    measures: ['orders'],
    dimensions: ['product.category'],
    source: 'ROLLUP',
  });
  expect(forced?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(forced?.message).toMatch(/sales_month: orders cannot be computed from it/);
});

test('one statement per window: its rows (ordered, limited) and its totals over every row, from the facts and from a rollup', async () => {
  await refreshRollups(star.db.pool, 'all');
  const q = {
    measures: ['revenue', 'customers', 'orders'],
    dimensions: ['geography.country'],
    time: { from: '2024-01-01', to: '2025-03-31' },
    order: [{ by: 'revenue', direction: 'DESC' }],
    limit: 1,
    compare: 'YEAR_AGO',
  };
  const totalsSql = async (from: string, to: string) =>
    Object.values(
      (
        await sql(
          `SELECT ${REV}::text AS r, ${CUST}::text AS c, ${ORD}::text AS o ${FROM} WHERE ${BOOKED} AND d.full_date BETWEEN $1 AND $2`,
          [from, to],
        )
      )[0]!,
    );
  const [now, yearAgo] = [
    await totalsSql('2024-01-01', '2025-03-31'),
    await totalsSql('2023-01-01', '2024-03-31'),
  ];
  const countries = Number(
    (
      await sql(
        `SELECT COUNT(DISTINCT g.country_code)::text AS n ${FROM} WHERE ${BOOKED} AND d.full_date BETWEEN '2024-01-01' AND '2025-03-31'`,
      )
    )[0]!.n,
  );
  expect(countries).toBeGreaterThan(1);
  const statements: string[] = [];
  const original = star.db.pool.query;
  star.db.pool.query = ((text: string, values?: unknown[]) => {
    statements.push(text);
    return (original as (t: string, v?: unknown[]) => unknown).call(star.db.pool, text, values);
  }) as unknown as typeof star.db.pool.query;
  try {
    for (const source of ['FACT', 'AUTO']) {
      statements.length = 0;
      const a = await api.olap(admin, { ...q, source });
      expect(a.source).toBe(source === 'FACT' ? 'FACT' : 'ROLLUP');
      // the window and the compared window: one statement each, rows and totals together
      expect(
        statements.filter((t) => /^WITH [\s\S]*FROM (dw\.fact_sales|analytics\.sales_)/.test(t)),
      ).toHaveLength(2);
      expect([a.rows.length, a.truncated]).toEqual([1, true]);
      expect(a.totals.map((v) => v.value)).toEqual(now);
      expect(a.totals.map((v) => v.compared)).toEqual(yearAgo);
      // nothing in the window: no rows, and totals of nothing (0 customers, 0 orders)
      const empty = await api.olap(admin, { ...q, time: { from: '2031-01-01', to: '2031-03-31' }, source });
      expect([empty.rows, empty.totals.map((v) => v.value)]).toEqual([[], [null, '0', '0']]);
    }
  } finally {
    star.db.pool.query = original;
  }
});

test('rollups: the smallest that can answer is chosen (orders by country: a place rollup, not the customer rollup)', async () => {
  await refreshRollups(star.db.pool, 'all');
  const sizes = Object.fromEntries(
    (await sql(`SELECT name, total_rows::text AS n FROM analytics.rollup_state`)).map((x) => [
      x.name,
      Number(x.n),
    ]),
  );
  expect(sizes.sales_region_month).toBeLessThanOrEqual(sizes.sales_order_month!);
  expect(sizes.sales_order_month).toBeLessThanOrEqual(sizes.sales_customer_month!);
  expect(sizes.sales_segment_month).toBeLessThanOrEqual(sizes.sales_region_month!);
  expect((await api.olap(admin, { measures: ['orders'], dimensions: ['geography.country'] })).rollup).toBe(
    'sales_region_month',
  );
  expect((await api.olap(admin, { measures: ['orders'], dimensions: ['geography.city'] })).rollup).toBe(
    'sales_order_month',
  );
  expect((await api.olap(admin, { measures: ['orders', 'revenue'] })).rollup).toBe('sales_segment_month');
  expect((await api.olap(admin, { measures: ['customers'], dimensions: ['geography.country'] })).rollup).toBe(
    'sales_customer_month',
  );
  expect(sizes.sales_category_month).toBeLessThanOrEqual(sizes.sales_product_month!);
  expect((await api.olap(admin, { measures: ['revenue'], dimensions: ['product.category'] })).rollup).toBe(
    'sales_category_month',
  );
});

test('rollup: a newer ETL run makes it stale (facts answer) until the periods it touched are refreshed', async () => {
  await refreshRollups(star.db.pool, 'all');
  const q = {
    measures: ['revenue'],
    dimensions: ['geography.country'],
    time: { from: '2025-03-01', to: '2025-03-31' },
  };
  const before = await api.olap(admin, q);
  expect(before.source).toBe('ROLLUP');
  // an ETL run adds a line in March 2025
  await star.db.pool.query(
    `INSERT INTO meta.etl_runs (status, mode, entities, snapshot_date) VALUES ('RUNNING', 'incremental', '{orders}', '2025-03-31')`,
  );
  await star.db.pool.query(
    `INSERT INTO dw.fact_sales (order_id, line_no, order_number, order_date_key, product_key, customer_key, geography_key, warehouse_key, status_key, kind_key,
       currency, ordered_at, quantity, unit_price, discount, tax_rate, net_amount, tax_amount, gross_amount, run_id)
     SELECT 9001, 1, 'SO-9001', 20250325, (SELECT product_key FROM dw.dim_product WHERE sku = 'PT-001'), (SELECT customer_key FROM dw.dim_customer WHERE code = 'CUST-3'),
            3, 1, 4, 1, 'EUR', '2025-03-25', 1, 1000, 0, 0.2, 1000, 200, 1200, 2`,
  );
  const stale = await api.olap(admin, q);
  expect(stale.source).toBe('FACT');
  const r = await refreshRollups(star.db.pool, { fromDate: '2025-03-25', toDate: '2025-03-25' });
  expect([r.from, r.to]).toEqual(['2025-03-01', '2025-03-31']);
  const after = await api.olap(admin, q);
  expect(after.source).toBe('ROLLUP');
  expect(after.rows).toEqual(stale.rows);
  expect(Number(after.totals[0]!.value) - Number(before.totals[0]!.value)).toBeCloseTo(1000, 2);
  await star.db.pool.query(
    `DELETE FROM dw.fact_sales WHERE order_id = 9001; UPDATE meta.etl_runs SET status = 'FAILED' WHERE status = 'RUNNING'`,
  );
  await refreshRollups(star.db.pool, { fromDate: '2025-03-01', toDate: '2025-03-31' });
});

describe('row-level security', () => {
  const repCustomers = (rep: number) =>
    `c.customer_id IN (SELECT customer_id FROM dw.dim_customer WHERE is_current AND sales_rep_id = ${rep})`;

  test('a SALES user sees only the rows of their customers, whatever the filters', async () => {
    const a = await api.olap(salesA, {
      measures: ['revenue', 'customers'],
      dimensions: ['geography.customer'],
    });
    const expected = await sql(
      `SELECT c.code AS k, ${REV}::text AS v, ${CUST}::text AS n ${FROM} WHERE ${BOOKED} AND ${repCustomers(REP_A)} GROUP BY 1`,
    );
    expect(byKey(a)).toEqual(Object.fromEntries(expected.map((e) => [e.k, [e.v, e.n]])));
    expect(a.rows.map((r) => r.members[0]!.key).sort()).toEqual(['CUST-1', 'CUST-2']);
    // naming another rep's customers selects nothing of theirs
    const other = await api.olap(salesA, {
      measures: ['revenue'],
      dimensions: ['geography.customer'],
      filters: [{ level: 'geography.customer', members: ['CUST-3', 'CUST-4'] }],
    });
    expect(other.rows).toEqual([]);
    expect(other.totals[0]!.value).toBeNull();
    const germany = await api.olap(salesA, {
      measures: ['revenue'],
      filters: [
        { level: 'geography.country', members: ['DE'] },
        { level: 'geography.customer', from: 'A', to: 'Z' },
      ],
    });
    expect(germany.totals[0]!.value).toBeNull();
    const drill = await api.run<{ drillDown: { rows: { members: { key: string }[] }[] } }>(salesA, DRILL, {
      level: 'geography.city',
      member: 'Munich',
      measures: ['revenue'],
    });
    expect(drill.data!.drillDown.rows).toEqual([]);
    const all = await api.olap(identity('SALES', REP_B), { measures: ['revenue'] });
    expect(all.totals[0]!.value).toBe(
      (await sql(`SELECT ${REV}::text AS v ${FROM} WHERE ${BOOKED} AND ${repCustomers(REP_B)}`))[0]!.v,
    );
    for (const source of ['FACT', 'AUTO']) {
      const nobody = await api.olap(identity('SALES', 999), {
        measures: ['revenue', 'orders', 'customers'],
        source,
      });
      expect(nobody.totals.map((t) => t.value)).toEqual([null, '0', '0']);
    }
  });

  test('supplier measures are refused to SALES', async () => {
    const e = await api.olapError(salesA, { measures: ['supplierOnTimeRate'] });
    expect(e?.extensions?.code).toBe('FORBIDDEN');
  });

  test('ANALYST is refused the customer level (personal data), not the others', async () => {
    for (const q of [
      { measures: ['revenue'], dimensions: ['geography.customer'] },
      { measures: ['revenue'], filters: [{ level: 'geography.customer', members: ['CUST-1'] }] },
    ]) {
      expect((await api.olapError(analyst, q))?.extensions?.code).toBe('FORBIDDEN');
    }
    const drill = await api.run(analyst, DRILL, {
      level: 'geography.city',
      member: 'Paris',
      measures: ['revenue'],
    });
    expect(drill.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const ok = await api.olap(analyst, {
      measures: ['revenue', 'customers'],
      dimensions: ['geography.city'],
    });
    expect(ok.rows.length).toBe(3);
  });
});
