import { dataOf, execute, identity } from '@erp/kit/test/graphql';
import { subgraphUnderTest } from '@erp/kit/test/subgraph';
import { createSuppliersSubgraph } from '../server';

const sg = subgraphUnderTest(createSuppliersSubgraph);
const manager = identity('MANAGER', 1);
const buyer = identity('PURCHASING', 2);
const sales = identity('SALES', 3);
const warehouse = identity('WAREHOUSE', 4);

/** YYYY-MM-01 of the month `back` months before the current one (UTC). */
function monthStart(back: number): string {
  const now = new Date();
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
  return d.toISOString().slice(0, 10);
}

const CREATE = `mutation($input: CreateSupplierInput!, $k: String) { createSupplier(input: $input, idempotencyKey: $k) { id code status countryCode } }`;
const UPSERT = `mutation($input: UpsertProductSupplyInput!) { upsertProductSupply(input: $input) { id isPreferred leadTimeDays unitCost minOrderQuantity } }`;
const EVALUATE = `mutation($input: RecordSupplierEvaluationInput!, $k: String) {
  recordSupplierEvaluation(input: $input, idempotencyKey: $k) { id periodStart deliveries onTimeDeliveries onTimeRate qualityScore priceScore } }`;

async function createSupplier(code: string, extra: Record<string, unknown> = {}): Promise<string> {
  const d = dataOf(
    await execute(sg, buyer, CREATE, {
      input: { code, name: `Supplier ${code}`, countryCode: 'de', ...extra },
    }),
  );
  return d.createSupplier.id;
}

async function evaluate(
  supplierId: string,
  back: number,
  deliveries: number,
  onTime: number,
  quality: number,
  price: number,
) {
  return dataOf(
    await execute(sg, buyer, EVALUATE, {
      input: {
        supplierId,
        periodStart: monthStart(back),
        deliveries,
        onTimeDeliveries: onTime,
        qualityScore: quality,
        priceScore: price,
      },
    }),
  ).recordSupplierEvaluation;
}

const auditCount = async (operation: string) =>
  (
    await sg.db.pool.query(`SELECT count(*)::int AS n FROM platform.audit_log WHERE operation = $1`, [
      operation,
    ])
  ).rows[0].n as number;

describe('federation entities', () => {
  test('_entities resolves a Supplier with its contacts and supplies', async () => {
    const id = await createSupplier('ENT-S', { email: 'orders@ent.example', city: 'Hamburg' });
    dataOf(
      await execute(
        sg,
        buyer,
        `mutation($s: ID!) { addSupplierContact(supplierId: $s, input: {name: "Ada", jobTitle: "Key account"}) { id name } }`,
        { s: id },
      ),
    );
    dataOf(
      await execute(sg, buyer, UPSERT, {
        input: { supplierId: id, productId: '900', leadTimeDays: 7, unitCost: '3.20' },
      }),
    );
    const d = dataOf(
      await execute(
        sg,
        manager,
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Supplier { id code email city countryCode status
          contacts { name jobTitle } supplies { leadTimeDays unitCost minOrderQuantity isPreferred product { id } } } } }`,
        { r: [{ __typename: 'Supplier', id }] },
      ),
    );
    expect(d._entities).toEqual([
      {
        id,
        code: 'ENT-S',
        email: 'orders@ent.example',
        city: 'Hamburg',
        countryCode: 'DE',
        status: 'ACTIVE',
        contacts: [{ name: 'Ada', jobTitle: 'Key account' }],
        supplies: [
          {
            leadTimeDays: 7,
            unitCost: '3.20',
            minOrderQuantity: 1,
            isPreferred: false,
            product: { id: '900' },
          },
        ],
      },
    ]);
  });

  test('_entities resolves the catalog Product with the fields contributed here (suppliers, preferredSupplier)', async () => {
    const a = await createSupplier('ENT-PA');
    const b = await createSupplier('ENT-PB');
    dataOf(
      await execute(sg, buyer, UPSERT, {
        input: { supplierId: a, productId: '901', leadTimeDays: 5, unitCost: '10.00' },
      }),
    );
    dataOf(
      await execute(sg, buyer, UPSERT, {
        input: { supplierId: b, productId: '901', leadTimeDays: 9, unitCost: '8.50', isPreferred: true },
      }),
    );
    const d = dataOf(
      await execute(
        sg,
        manager,
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id
          suppliers { supplier { code } leadTimeDays unitCost isPreferred product { id } }
          preferredSupplier { supplier { code } } } } }`,
        {
          r: [
            { __typename: 'Product', id: '901' },
            { __typename: 'Product', id: '902' },
          ],
        },
      ),
    );
    expect(d._entities).toEqual([
      {
        id: '901',
        suppliers: [
          {
            supplier: { code: 'ENT-PB' },
            leadTimeDays: 9,
            unitCost: '8.50',
            isPreferred: true,
            product: { id: '901' },
          },
          {
            supplier: { code: 'ENT-PA' },
            leadTimeDays: 5,
            unitCost: '10.00',
            isPreferred: false,
            product: { id: '901' },
          },
        ],
        preferredSupplier: { supplier: { code: 'ENT-PB' } },
      },
      { id: '902', suppliers: [], preferredSupplier: null },
    ]);
  });
});

describe('scorecard', () => {
  let falling: string;
  beforeAll(async () => {
    falling = await createSupplier('SC-FALL');
    // The 3 months before: 38 of 40 deliveries on time (95 %); the last 3 months: 18 of 40 (45 %).
    await evaluate(falling, 5, 10, 10, 90, 70);
    await evaluate(falling, 4, 10, 9, 80, 70);
    await evaluate(falling, 3, 20, 19, 70, 70);
    await evaluate(falling, 2, 10, 6, 60, 70);
    await evaluate(falling, 1, 30, 12, 50, 70);
    // nothing yet for the current month
  });

  test('weights the on-time rate by deliveries, averages the scores, and sees falling punctuality as DETERIORATING', async () => {
    const d = dataOf(
      await execute(
        sg,
        buyer,
        `query($id: ID) { supplier(id: $id) { scorecard(months: 6) { months from to evaluationCount onTimeRate qualityScore priceScore overallScore direction
          trend { period onTimeRate qualityScore priceScore } } } }`,
        { id: falling },
      ),
    );
    const sc = d.supplier.scorecard;
    // 56 on time / 80 deliveries = 70 % (the plain average of the monthly rates would be 77 %).
    expect(sc.onTimeRate).toBe(70);
    expect(sc.qualityScore).toBe(70);
    expect(sc.priceScore).toBe(70);
    // 0.5 × 70 + 0.3 × 70 + 0.2 × 70
    expect(sc.overallScore).toBe(70);
    expect(sc.evaluationCount).toBe(5);
    expect(sc.months).toBe(6);
    expect(sc.from).toBe(monthStart(5).slice(0, 7));
    expect(sc.to).toBe(monthStart(0).slice(0, 7));
    // last 3 months: 0.5 × 45 + 0.3 × 55 + 0.2 × 70 = 53; the 3 before: 0.5 × 95 + 0.3 × 80 + 0.2 × 70 = 85.5
    expect(sc.direction).toBe('DETERIORATING');
    expect(sc.trend).toHaveLength(6);
    expect(sc.trend[0]).toEqual({
      period: monthStart(5).slice(0, 7),
      onTimeRate: 100,
      qualityScore: 90,
      priceScore: 70,
    });
    expect(sc.trend[4]).toEqual({
      period: monthStart(1).slice(0, 7),
      onTimeRate: 40,
      qualityScore: 50,
      priceScore: 70,
    });
    expect(sc.trend[5]).toEqual({
      period: monthStart(0).slice(0, 7),
      onTimeRate: null,
      qualityScore: null,
      priceScore: null,
    });
  });

  test('improving punctuality is IMPROVING, a small change STABLE, no evaluation gives null figures and STABLE', async () => {
    const up = await createSupplier('SC-UP');
    await evaluate(up, 4, 10, 5, 70, 70);
    await evaluate(up, 1, 10, 9, 70, 70);
    const flat = await createSupplier('SC-FLAT');
    await evaluate(flat, 4, 20, 16, 70, 70);
    await evaluate(flat, 0, 20, 17, 70, 70); // 80 % → 85 % on time: +2.5 points overall
    const none = await createSupplier('SC-NONE');
    const q = `query($id: ID) { supplier(id: $id) { scorecard { months onTimeRate overallScore direction trend { period } } } }`;
    expect(dataOf(await execute(sg, buyer, q, { id: up })).supplier.scorecard.direction).toBe('IMPROVING');
    expect(dataOf(await execute(sg, buyer, q, { id: flat })).supplier.scorecard.direction).toBe('STABLE');
    const empty = dataOf(await execute(sg, buyer, q, { id: none })).supplier.scorecard;
    expect(empty).toMatchObject({ months: 12, onTimeRate: null, overallScore: null, direction: 'STABLE' });
    expect(empty.trend).toHaveLength(12);
  });

  test('evaluations(from, to) filters by month, and recording the same month again replaces it', async () => {
    const q = `query($id: ID, $from: String, $to: String) { supplier(id: $id) { evaluations(from: $from, to: $to) { periodStart onTimeRate } } }`;
    const d = dataOf(
      await execute(sg, buyer, q, {
        id: falling,
        from: monthStart(4).slice(0, 7),
        to: monthStart(2).slice(0, 7),
      }),
    );
    expect(d.supplier.evaluations.map((e: { periodStart: string }) => e.periodStart)).toEqual([
      monthStart(4),
      monthStart(3),
      monthStart(2),
    ]);
    const again = await evaluate(falling, 2, 10, 10, 60, 70);
    expect(again).toMatchObject({ periodStart: monthStart(2), onTimeRate: 100 });
    const rows = await sg.db.pool.query(
      `SELECT count(*)::int AS n FROM suppliers.evaluations WHERE supplier_id = $1`,
      [falling],
    );
    expect(rows.rows[0].n).toBe(5);
    const bad = await execute(sg, buyer, q, { id: falling, from: '2025-13' });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
    await evaluate(falling, 2, 10, 6, 60, 70); // restore
  });

  test('months outside 1..60 is refused, naming the argument', async () => {
    const res = await execute(
      sg,
      buyer,
      `query($id: ID) { supplier(id: $id) { scorecard(months: 0) { months } } }`,
      { id: falling },
    );
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'months' });
  });
});

describe('preferred supplier', () => {
  const preferredOf = async (productId: number) =>
    (
      await sg.db.pool.query(
        `SELECT supplier_id FROM suppliers.product_supplies WHERE product_id = $1 AND is_preferred ORDER BY supplier_id`,
        [productId],
      )
    ).rows.map((r) => String(r.supplier_id));

  test('making a supplier preferred unsets the product’s previous preferred supplier', async () => {
    const a = await createSupplier('PREF-A');
    const b = await createSupplier('PREF-B');
    dataOf(
      await execute(sg, buyer, UPSERT, {
        input: { supplierId: a, productId: '700', leadTimeDays: 3, unitCost: '1.00', isPreferred: true },
      }),
    );
    expect(await preferredOf(700)).toEqual([a]);
    dataOf(
      await execute(sg, buyer, UPSERT, {
        input: { supplierId: b, productId: '700', leadTimeDays: 4, unitCost: '0.90', isPreferred: true },
      }),
    );
    expect(await preferredOf(700)).toEqual([b]);
    // an update that leaves isPreferred out keeps it, and keeps the minimum order quantity
    dataOf(
      await execute(sg, buyer, UPSERT, {
        input: { supplierId: b, productId: '700', leadTimeDays: 4, unitCost: '0.90', minOrderQuantity: 12 },
      }),
    );
    const r = dataOf(
      await execute(sg, buyer, UPSERT, {
        input: { supplierId: b, productId: '700', leadTimeDays: 6, unitCost: '0.95' },
      }),
    );
    expect(r.upsertProductSupply).toMatchObject({
      isPreferred: true,
      leadTimeDays: 6,
      unitCost: '0.95',
      minOrderQuantity: 12,
    });
    expect(await preferredOf(700)).toEqual([b]);
    // another product is untouched
    dataOf(
      await execute(sg, buyer, UPSERT, {
        input: { supplierId: a, productId: '701', leadTimeDays: 3, unitCost: '1.00', isPreferred: true },
      }),
    );
    expect(await preferredOf(700)).toEqual([b]);
    expect(await preferredOf(701)).toEqual([a]);
  });

  test('concurrent calls making different suppliers preferred leave exactly one preferred supplier', async () => {
    const ids = await Promise.all(Array.from({ length: 8 }, (_, i) => createSupplier(`PREF-C${i}`)));
    const results = await Promise.all(
      ids.map((supplierId) =>
        execute(sg, buyer, UPSERT, {
          input: { supplierId, productId: '710', leadTimeDays: 2, unitCost: '5', isPreferred: true },
        }),
      ),
    );
    expect(results.filter((r) => r.errors)).toEqual([]);
    expect(await preferredOf(710)).toHaveLength(1);
  });

  test('an INACTIVE supplier cannot be made preferred', async () => {
    const id = await createSupplier('PREF-OFF', { status: 'INACTIVE' });
    const res = await execute(sg, buyer, UPSERT, {
      input: { supplierId: id, productId: '720', leadTimeDays: 2, unitCost: '5', isPreferred: true },
    });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.isPreferred' });
  });
});

describe('validation', () => {
  let id: string;
  beforeAll(async () => {
    id = await createSupplier('VAL-1');
  });
  const evalInput = (over: Record<string, unknown>) => ({
    input: {
      supplierId: id,
      periodStart: monthStart(1),
      deliveries: 10,
      onTimeDeliveries: 8,
      qualityScore: 70,
      priceScore: 70,
      ...over,
    },
  });

  test.each([
    ['a quality score above 100', { qualityScore: 101 }, 'input.qualityScore', '101'],
    ['a negative price score', { priceScore: -1 }, 'input.priceScore', '-1'],
    [
      'more on-time deliveries than deliveries',
      { deliveries: 3, onTimeDeliveries: 4 },
      'input.onTimeDeliveries',
      '4',
    ],
    [
      'a period that is not a month start',
      { periodStart: '2024-03-15' },
      'input.periodStart',
      '"2024-03-15"',
    ],
    ['a future period', { periodStart: monthStart(-2) }, 'input.periodStart', monthStart(-2)],
  ])(
    'an evaluation with %s is refused, naming the field and the value',
    async (_label, over, field, value) => {
      const res = await execute(sg, buyer, EVALUATE, evalInput(over));
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(res.errors?.[0]?.message).toContain(field);
      expect(res.errors?.[0]?.message).toContain(value);
    },
  );

  test('a lead time of 0 days and a bad product id are refused, naming the field', async () => {
    const res = await execute(sg, buyer, UPSERT, {
      input: { supplierId: id, productId: '1', leadTimeDays: 0, unitCost: '1' },
    });
    expect(res.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.leadTimeDays',
    });
    const res2 = await execute(sg, buyer, UPSERT, {
      input: { supplierId: id, productId: '-4', leadTimeDays: 2, unitCost: '1' },
    });
    expect(res2.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.productId' });
    expect(res2.errors?.[0]?.message).toContain('"-4"');
  });

  test('a duplicate code is a CONFLICT naming input.code, on create and on update', async () => {
    const dup = await execute(sg, buyer, CREATE, {
      input: { code: 'VAL-1', name: 'Again', countryCode: 'FR' },
    });
    expect(dup.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.code' });
    expect(dup.errors?.[0]?.message).toContain('input.code');
    const other = await createSupplier('VAL-2');
    const upd = await execute(
      sg,
      buyer,
      `mutation($id: ID!) { updateSupplier(id: $id, input: {code: "VAL-1"}) { code } }`,
      { id: other },
    );
    expect(upd.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.code' });
  });

  test('a bad e-mail and a bad country code are refused, naming the field', async () => {
    const res = await execute(sg, buyer, CREATE, {
      input: { code: 'VAL-3', name: 'X', countryCode: 'FR', email: 'nope' },
    });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.email' });
    const res2 = await execute(sg, buyer, CREATE, {
      input: { code: 'VAL-3', name: 'X', countryCode: 'France' },
    });
    expect(res2.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.countryCode',
    });
  });
});

describe('audit and idempotency', () => {
  test('every committed mutation leaves an audit row; a refused one leaves none', async () => {
    const ops = [
      'createSupplier',
      'updateSupplier',
      'addSupplierContact',
      'upsertProductSupply',
      'recordSupplierEvaluation',
    ];
    const before = Object.fromEntries(
      await Promise.all(ops.map(async (o) => [o, await auditCount(o)] as const)),
    );
    const id = await createSupplier('AUD-1');
    dataOf(
      await execute(
        sg,
        buyer,
        `mutation($id: ID!) { updateSupplier(id: $id, input: {name: "Audited", email: null}) { name email } }`,
        { id },
      ),
    );
    dataOf(
      await execute(
        sg,
        buyer,
        `mutation($s: ID!) { addSupplierContact(supplierId: $s, input: {name: "Bob"}) { id } }`,
        { s: id },
      ),
    );
    dataOf(
      await execute(sg, buyer, UPSERT, {
        input: { supplierId: id, productId: '800', leadTimeDays: 2, unitCost: '1' },
      }),
    );
    await evaluate(id, 1, 4, 4, 90, 90);
    for (const o of ops) expect({ o, n: await auditCount(o) }).toEqual({ o, n: before[o]! + 1 });
    const { rows } = await sg.db.pool.query(
      `SELECT user_id, user_role, entity, entity_id, after->>'name' AS name FROM platform.audit_log WHERE operation = 'updateSupplier' ORDER BY id DESC LIMIT 1`,
    );
    expect(rows[0]).toEqual({
      user_id: 2,
      user_role: 'PURCHASING',
      entity: 'Supplier',
      entity_id: id,
      name: 'Audited',
    });
    // refused: duplicate code, bad score
    await execute(sg, buyer, CREATE, { input: { code: 'AUD-1', name: 'Dup', countryCode: 'DE' } });
    await execute(sg, buyer, EVALUATE, {
      input: {
        supplierId: id,
        periodStart: monthStart(1),
        deliveries: 1,
        onTimeDeliveries: 1,
        qualityScore: 500,
        priceScore: 1,
      },
    });
    expect(await auditCount('createSupplier')).toBe(before.createSupplier! + 1);
    expect(await auditCount('recordSupplierEvaluation')).toBe(before.recordSupplierEvaluation! + 1);
  });

  test('an idempotency key replays the first result and writes once', async () => {
    const vars = { input: { code: 'IDEM-1', name: 'Idem', countryCode: 'IT' }, k: 'create-supplier-0001' };
    const first = dataOf(await execute(sg, buyer, CREATE, vars));
    const again = dataOf(await execute(sg, buyer, CREATE, vars));
    expect(again).toEqual(first);
    const other = await execute(sg, buyer, CREATE, { ...vars, input: { ...vars.input, name: 'Other' } });
    expect(other.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_MISMATCH');
  });
});

describe('listing', () => {
  test('filters by search, status and country, counts, and pages by UPDATED_AT without gaps or repeats', async () => {
    for (let i = 0; i < 7; i++)
      await createSupplier(`LST-${i}`, { countryCode: 'NL', email: `sales${i}@lst.example` });
    await createSupplier('LST-X', { countryCode: 'NL', status: 'INACTIVE' });
    const q = `query($after: String, $f: SupplierFilter, $o: SupplierOrder) { suppliers(first: 3, after: $after, filter: $f, orderBy: $o) {
      totalCount edges { node { code } } pageInfo { hasNextPage endCursor } } }`;
    const bySearch = dataOf(await execute(sg, warehouse, q, { f: { search: 'LST.EXAMPLE' } })).suppliers;
    expect(bySearch.totalCount).toBe(7);
    const inactive = dataOf(
      await execute(sg, warehouse, q, { f: { status: 'INACTIVE', countryCode: 'nl' } }),
    ).suppliers;
    expect(inactive.edges.map((e: { node: { code: string } }) => e.node.code)).toEqual(['LST-X']);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: {
        edges: { node: { code: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      } = dataOf(
        await execute(sg, warehouse, q, {
          after,
          f: { countryCode: 'NL' },
          o: { field: 'UPDATED_AT', direction: 'DESC' },
        }),
      ).suppliers;
      seen.push(...page.edges.map((e) => e.node.code));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
    expect(seen[0]).toBe('LST-X');
    const byCode = dataOf(
      await execute(sg, warehouse, `query { supplier(code: "LST-3") { code countryCode } }`),
    );
    expect(byCode.supplier).toEqual({ code: 'LST-3', countryCode: 'NL' });
  });

  test('a page of suppliers with their supplies, contacts and scorecards runs a bounded number of statements (no N+1)', async () => {
    // Reads go through pool.query (no transaction): log them.
    const statements: string[] = [];
    const original = sg.db.pool.query;
    sg.db.pool.query = ((text: string | { text: string }, values?: unknown[]) => {
      statements.push(typeof text === 'string' ? text : text.text); // a loader's prepared statement comes as a config
      return (original as (t: unknown, v?: unknown[]) => unknown).call(sg.db.pool, text, values);
    }) as unknown as typeof sg.db.pool.query;
    dataOf(
      await execute(
        sg,
        manager,
        `query { suppliers(first: 100) { edges { node { code contacts { name } supplies { product { id } supplier { code } }
          evaluations { onTimeRate } scorecard { overallScore } } } } }`,
      ),
    );
    // the page (no count: totalCount is not asked), then one query per hop: contacts, supplies,
    // evaluations, the scorecard's measured receipts per month (the supplier of a supply is primed by the page)
    expect(statements).toHaveLength(5);
    expect(statements.some((s) => /count\(\*\)/.test(s))).toBe(false);
    statements.length = 0;
    const counted = dataOf(
      await execute(sg, manager, `query { suppliers(first: 2) { totalCount edges { node { code } } } }`),
    );
    sg.db.pool.query = original;
    expect(counted.suppliers.totalCount).toBe(
      (await sg.db.pool.query('SELECT count(*)::int AS n FROM suppliers.suppliers')).rows[0].n,
    );
    expect(statements).toHaveLength(2); // the page and, asked for, the count
  });
});

describe('role matrix', () => {
  test('SALES has no access to suppliers: queries, mutations and supplier fields of a Product are FORBIDDEN', async () => {
    const list = await execute(sg, sales, `query { suppliers { totalCount } }`);
    expect(list.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const one = await execute(sg, sales, `query { supplier(code: "VAL-1") { id } }`);
    expect(one.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const create = await execute(sg, sales, CREATE, {
      input: { code: 'SALES-1', name: 'No', countryCode: 'DE' },
    });
    expect(create.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const viaProduct = await execute(
      sg,
      sales,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { suppliers { unitCost } } } }`,
      {
        r: [{ __typename: 'Product', id: '901' }],
      },
    );
    expect(viaProduct.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(viaProduct.data ?? {})).not.toContain('unitCost');
    const viaSupplier = await execute(
      sg,
      sales,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Supplier { name } } }`,
      {
        r: [{ __typename: 'Supplier', id: '1' }],
      },
    );
    expect(viaSupplier.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(
      (await sg.db.pool.query(`SELECT 1 FROM suppliers.suppliers WHERE code = 'SALES-1'`)).rowCount,
    ).toBe(0);
  });

  test('WAREHOUSE reads suppliers but cannot change them', async () => {
    expect(
      dataOf(await execute(sg, warehouse, `query { suppliers { totalCount } }`)).suppliers.totalCount,
    ).toBeGreaterThan(0);
    const res = await execute(sg, warehouse, CREATE, {
      input: { code: 'WH-1', name: 'No', countryCode: 'DE' },
    });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
