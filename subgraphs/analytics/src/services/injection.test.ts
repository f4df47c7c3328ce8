import { identity } from '@erp/kit/test/graphql';
import { client, DASHBOARD, DRILL, OLAP } from '../test/helpers';
import { starUnderTest, REP_A } from '../test/star';

/**
 * SQL fragments in every string argument of olap, drillDown and dashboard: only validation errors
 * (or, where a free string is a legitimate value — the bounds of a range filter — exactly the rows
 * that bound selects as a plain value), never an extra row, and every table intact.
 */
const star = starUnderTest();
const api = client(star);
const admin = identity('ADMIN', 1);
const sales = identity('SALES', REP_A);

const PAYLOADS = [
  `'; DROP TABLE dw.fact_sales; --`,
  '1 OR 1=1',
  `' OR '1'='1`,
  `") OR 1=1 --`,
  `revenue) FROM dw.fact_sales; DELETE FROM dw.dim_date; --`,
  `FR' UNION SELECT run_id::text, status FROM meta.etl_runs --`,
  `$1`,
  `Île-de-France'; SELECT pg_sleep(3); --`,
  '𝕽𝖊𝖛𝖊𝖓𝖚𝖊 ☃ \u202e ’‘ “”',
  'date.month\u0000',
  'x'.repeat(500),
];

async function counts() {
  const { rows } = await star.db.pool.query(
    `SELECT (SELECT count(*) FROM dw.fact_sales)::int AS sales, (SELECT count(*) FROM dw.dim_date)::int AS dates,
            (SELECT count(*) FROM dw.dim_customer)::int AS customers, (SELECT count(*) FROM meta.etl_runs)::int AS runs,
            (SELECT count(*) FROM information_schema.tables WHERE table_schema IN ('dw', 'meta', 'analytics'))::int AS tables`,
  );
  return rows[0];
}

/** Every place a string goes, as a function of the payload. */
const BASE = { measures: ['revenue'], time: { from: '2024-01-01', to: '2025-03-31' } };
const OLAP_CASES: [string, (p: string) => Record<string, unknown>][] = [
  ['measures', (p) => ({ ...BASE, measures: [p] })],
  ['dimensions', (p) => ({ ...BASE, dimensions: [p] })],
  ['filters.level', (p) => ({ ...BASE, filters: [{ level: p, members: ['FR'] }] })],
  ['filters.members', (p) => ({ ...BASE, filters: [{ level: 'geography.country', members: [p] }] })],
  [
    'filters.members (customer)',
    (p) => ({ ...BASE, filters: [{ level: 'geography.customer', members: ['CUST-1', p] }] }),
  ],
  ['filters.members (date)', (p) => ({ ...BASE, filters: [{ level: 'date.month', members: [p] }] })],
  ['filters.from (date)', (p) => ({ ...BASE, filters: [{ level: 'date.day', from: p }] })],
  ['time.from', (p) => ({ ...BASE, time: { from: p, to: '2025-03-31' } })],
  ['time.to', (p) => ({ ...BASE, time: { from: '2024-01-01', to: p } })],
  ['order.by', (p) => ({ ...BASE, dimensions: ['geography.country'], order: [{ by: p }] })],
  [
    'having.measure',
    (p) => ({ ...BASE, dimensions: ['geography.country'], having: [{ measure: p, op: 'GT', value: '0' }] }),
  ],
  ['pivot.rows', (p) => ({ ...BASE, dimensions: ['geography.country'], pivot: { rows: [p], columns: [] } })],
  [
    'pivot.columns',
    (p) => ({ ...BASE, dimensions: ['geography.country'], pivot: { rows: [], columns: [p] } }),
  ],
];
/** Free strings that are values (range bounds): the answer must be what the bound selects, no more. */
const RANGE_CASES: [string, (p: string) => Record<string, unknown>, string][] = [
  [
    'filters.from',
    (p) => ({
      ...BASE,
      dimensions: ['geography.country'],
      filters: [{ level: 'geography.country', from: p }],
    }),
    'g.country_code >= $1',
  ],
  [
    'filters.to',
    (p) => ({ ...BASE, dimensions: ['geography.country'], filters: [{ level: 'geography.region', to: p }] }),
    'g.region <= $1',
  ],
];

test('olap: every string argument', async () => {
  const before = await counts();
  for (const who of [admin, sales]) {
    for (const [where, make] of OLAP_CASES) {
      for (const p of PAYLOADS) {
        const r = await api.run(who, OLAP, { q: make(p) });
        expect({
          where,
          p,
          data: r.data ?? null,
          codes: (r.errors ?? []).map((e) => e.extensions?.code),
        }).toEqual({ where, p, data: null, codes: ['BAD_USER_INPUT'] });
      }
    }
    for (const [where, make, cond] of RANGE_CASES) {
      for (const p of PAYLOADS) {
        const r = await api.run<{
          olap: { rows: { members: { key: string }[]; values: { value: string }[] }[] };
        }>(who, OLAP, { q: make(p) });
        if (r.errors) {
          expect({ where, p, codes: r.errors.map((e) => e.extensions?.code) }).toEqual({
            where,
            p,
            codes: ['BAD_USER_INPUT'],
          });
          continue;
        }
        const rls =
          who.role === 'SALES'
            ? `AND c.customer_id IN (SELECT customer_id FROM dw.dim_customer WHERE is_current AND sales_rep_id = ${REP_A})`
            : '';
        const { rows } = await star.db.pool.query(
          `SELECT g.country_code AS k, SUM(f.net_amount)::text AS v FROM dw.fact_sales f JOIN dw.dim_date d ON d.date_key = f.order_date_key
             JOIN dw.dim_geography g ON g.geography_key = f.geography_key JOIN dw.dim_customer c ON c.customer_key = f.customer_key
             JOIN dw.dim_order_status s ON s.status_key = f.status_key
            WHERE d.full_date BETWEEN '2024-01-01' AND '2025-03-31' AND s.status IN ('CONFIRMED', 'SHIPPED', 'DELIVERED') AND ${cond} ${rls} GROUP BY 1 ORDER BY 1`,
          [p],
        );
        expect({
          where,
          p,
          rows: r.data!.olap.rows.map((x) => [x.members[0]!.key, x.values[0]!.value]),
        }).toEqual({ where, p, rows: rows.map((x) => [x.k, x.v]) });
      }
    }
  }
  expect(await counts()).toEqual(before);
}, 60_000);

test('drillDown and dashboard: every string argument', async () => {
  const before = await counts();
  const drills: [string, (p: string) => Record<string, unknown>][] = [
    ['level', (p) => ({ level: p, member: 'FR', measures: ['revenue'] })],
    ['member', (p) => ({ level: 'geography.country', member: p, measures: ['revenue'] })],
    ['member (customer level)', (p) => ({ level: 'geography.city', member: p, measures: ['revenue'] })],
    ['measures', (p) => ({ level: 'geography.country', member: 'FR', measures: [p] })],
    [
      'time.from',
      (p) => ({
        level: 'geography.country',
        member: 'FR',
        measures: ['revenue'],
        time: { from: p, to: '2025-01-01' },
      }),
    ],
    [
      'filters.members',
      (p) => ({
        level: 'geography.country',
        member: 'FR',
        measures: ['revenue'],
        filters: [{ level: 'segment.segment', members: [p] }],
      }),
    ],
  ];
  for (const who of [admin, sales]) {
    for (const [where, make] of drills) {
      for (const p of PAYLOADS) {
        const r = await api.run(who, DRILL, make(p));
        expect({
          where,
          p,
          data: r.data ?? null,
          codes: (r.errors ?? []).map((e) => e.extensions?.code),
        }).toEqual({ where, p, data: null, codes: ['BAD_USER_INPUT'] });
      }
    }
    for (const p of PAYLOADS) {
      for (const period of [
        { from: p, to: '2025-03-31' },
        { from: '2025-01-01', to: p },
      ]) {
        const r = await api.run(who, DASHBOARD, { kind: 'STRATEGIC', period });
        expect({ p, data: r.data ?? null, codes: (r.errors ?? []).map((e) => e.extensions?.code) }).toEqual({
          p,
          data: null,
          codes: ['BAD_USER_INPUT'],
        });
      }
    }
  }
  // enums and decimals are refused by GraphQL itself before any resolver
  const bad = await api.run(admin, DASHBOARD, {
    kind: `STRATEGIC'; --`,
    period: { from: '2025-01-01', to: '2025-03-31' },
  });
  expect(bad.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  const dec = await api.run(admin, OLAP, {
    q: { ...BASE, having: [{ measure: 'revenue', op: 'GT', value: '0 OR 1=1' }] },
  });
  expect(dec.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  expect(await counts()).toEqual(before);
}, 60_000);
