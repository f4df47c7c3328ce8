import { dataOf, execute, identity } from '@erp/kit/test/graphql';
import { subgraphUnderTest } from '@erp/kit/test/subgraph';
import { createCustomersSubgraph } from '../server';

const customers = subgraphUnderTest(createCustomersSubgraph);
const manager = identity('MANAGER', 1);
const mining = identity('MINING_SERVICE', 3);
const analyst = identity('ANALYST', 4);
let lyonId: number;
let bordeauxId: number;
let aquitaineId: number;

const LIST = `query($first: Int, $after: String, $f: CustomerFilter, $o: CustomerOrder) {
  customers(first: $first, after: $after, filter: $f, orderBy: $o) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id code name } } } }`;

/** Every page of a list, following endCursor. */
async function allPages(vars: Record<string, unknown>, first: number) {
  const ids: string[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const page: {
      customers: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        edges: { node: { id: string } }[];
      };
    } = dataOf(await execute(customers, manager, LIST, { ...vars, first, after }));
    const c = page.customers;
    ids.push(...c.edges.map((e) => e.node.id));
    pages++;
    if (!c.pageInfo.hasNextPage) return { ids, pages, totalCount: c.totalCount };
    after = c.pageInfo.endCursor;
  }
}

beforeAll(async () => {
  // A fixture inserted in one statement: every row has the same created_at/updated_at (ties), names repeat.
  await customers.db.pool.query(
    `INSERT INTO customers.countries (code, name) VALUES ('FR', 'France'), ('BE', 'Belgium')`,
  );
  await customers.db.pool.query(
    `INSERT INTO customers.regions (country_code, name) VALUES ('FR', 'Auvergne-Rhône-Alpes'), ('FR', 'Nouvelle-Aquitaine'), ('BE', 'Brussels')`,
  );
  await customers.db.pool.query(
    `INSERT INTO customers.cities (region_id, name) SELECT r.id, c.name FROM (VALUES ('Auvergne-Rhône-Alpes', 'Lyon'), ('Nouvelle-Aquitaine', 'Bordeaux'), ('Brussels', 'Brussels')) AS c(region, name)
     JOIN customers.regions r ON r.name = c.region`,
  );
  const cities = (await customers.db.pool.query(`SELECT id, name, region_id FROM customers.cities`)).rows;
  lyonId = cities.find((c) => c.name === 'Lyon').id;
  bordeauxId = cities.find((c) => c.name === 'Bordeaux').id;
  aquitaineId = cities.find((c) => c.name === 'Bordeaux').region_id;
  const brusselsId = cities.find((c) => c.name === 'Brussels').id;
  await customers.db.pool.query(
    `INSERT INTO customers.customers (code, name, email, segment, status, city_id, sales_rep_id)
     SELECT 'C' || lpad(i::text, 3, '0'), 'Name ' || (i % 7), 'c' || i || '@shop.example',
            (ARRAY['CONSUMER','SMALL_BUSINESS','CORPORATE','WHOLESALE'])[1 + i % 4]::customers.customer_segment,
            CASE WHEN i % 5 = 0 THEN 'INACTIVE' ELSE 'ACTIVE' END::customers.customer_status,
            CASE i % 3 WHEN 0 THEN $1::int WHEN 1 THEN $2::int ELSE $3::int END, 10 + i % 2
     FROM generate_series(1, 47) AS i`,
    [lyonId, bordeauxId, brusselsId],
  );
});

describe('customers list', () => {
  test.each([
    ['NAME', 'ASC'],
    ['NAME', 'DESC'],
    ['CODE', 'DESC'],
    ['CREATED_AT', 'ASC'],
    ['UPDATED_AT', 'DESC'],
  ])('cursor pagination by %s %s: no duplicates, no gaps, in order', async (field, direction) => {
    const all = (await customers.db.pool.query(`SELECT id::text AS id FROM customers.customers`)).rows.map(
      (r) => r.id,
    );
    const { ids, pages, totalCount } = await allPages({ o: { field, direction } }, 6);
    expect(totalCount).toBe(47);
    expect(pages).toBe(8);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...all].sort());
    if (field === 'NAME') {
      const names = (await customers.db.pool.query(`SELECT id::text AS id, name FROM customers.customers`))
        .rows;
      const byId = new Map(names.map((r) => [r.id, r.name]));
      const listed = ids.map((id) => byId.get(id) as string);
      const sorted = [...listed].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect(listed).toEqual(direction === 'ASC' ? sorted : sorted.reverse());
    }
  });

  test('filters: segment, status, country, region, city, sales rep and search, combined with AND', async () => {
    const count = async (f: Record<string, unknown>) =>
      dataOf(await execute(customers, manager, LIST, { f, first: 1 })).customers.totalCount;
    const sql = async (where: string, params: unknown[] = []) =>
      (
        await customers.db.pool.query(
          `SELECT count(*)::int AS n FROM customers.customers c JOIN customers.cities ci ON ci.id = c.city_id JOIN customers.regions r ON r.id = ci.region_id WHERE ${where}`,
          params,
        )
      ).rows[0].n;
    expect(await count({ segment: 'WHOLESALE' })).toBe(await sql(`c.segment = 'WHOLESALE'`));
    expect(await count({ status: 'INACTIVE' })).toBe(9);
    expect(await count({ countryCode: 'FR' })).toBe(await sql(`r.country_code = 'FR'`));
    expect(await count({ countryCode: 'be' })).toBe(await sql(`r.country_code = 'BE'`));
    expect(await count({ regionId: String(aquitaineId) })).toBe(await sql(`r.id = $1`, [aquitaineId]));
    expect(await count({ cityId: String(lyonId) })).toBe(await sql(`c.city_id = $1`, [lyonId]));
    expect(await count({ salesRepId: '11' })).toBe(24);
    expect(await count({ search: 'C01' })).toBe(10); // C010..C019
    expect(await count({ search: 'c7@SHOP' })).toBe(1);
    expect(await count({ search: '%' })).toBe(0); // LIKE wildcards are literal
    expect(await count({ segment: 'CORPORATE', status: 'ACTIVE', countryCode: 'FR', salesRepId: '10' })).toBe(
      await sql(
        `c.segment = 'CORPORATE' AND c.status = 'ACTIVE' AND r.country_code = 'FR' AND c.sales_rep_id = 10`,
      ),
    );
  });

  test('a page size above 100 is clamped, not refused, and a foreign cursor is refused naming "after"', async () => {
    const res = dataOf(await execute(customers, manager, LIST, { first: 500 }));
    expect(res.customers.edges).toHaveLength(47);
    const bad = await execute(customers, manager, LIST, { after: 'not-a-cursor' });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  test('nested geography across a page costs a bounded number of queries (no N+1)', async () => {
    let n = 0;
    const original = customers.db.pool.query.bind(customers.db.pool);
    (customers.db.pool as { query: unknown }).query = (...args: unknown[]) => {
      n++;
      return (original as (...a: unknown[]) => unknown)(...args);
    };
    try {
      const res = dataOf(
        await execute(
          customers,
          manager,
          `{ customers(first: 47) { edges { node { contacts { name } geography { city { name region { name country { name } } } } } } } }`,
        ),
      );
      expect(res.customers.edges).toHaveLength(47);
    } finally {
      (customers.db.pool as { query: unknown }).query = original;
    }
    expect(n).toBeLessThanOrEqual(6); // page + count + contacts + cities + regions + countries
  });
});

describe('mutations', () => {
  const CREATE = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id code email } }`;
  const base = {
    code: 'NEW-1',
    name: 'New One',
    geography: { countryCode: 'FR', region: 'Nouvelle-Aquitaine', city: 'Bordeaux' },
  };

  test('validation errors name the field and the value', async () => {
    const cases: [Record<string, unknown>, string, string?][] = [
      [{ email: 'not-an-email' }, 'input.email', '"not-an-email"'],
      [{ code: '   ' }, 'input.code'],
      [{ name: '' }, 'input.name'],
      [{ phone: 'call me' }, 'input.phone', '"call me"'],
      [
        { geography: { countryCode: 'France', region: 'X', city: 'Y' } },
        'input.geography.countryCode',
        '"France"',
      ],
      [{ geography: { countryCode: 'FR', region: ' ', city: 'Y' } }, 'input.geography.region'],
      [{ salesRepId: 'abc' }, 'input.salesRepId', '"abc"'],
    ];
    for (const [patch, field, value] of cases) {
      const res = await execute(customers, manager, CREATE, { input: { ...base, ...patch } });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(res.errors?.[0]?.message).toContain(field);
      if (value) expect(res.errors?.[0]?.message).toContain(value);
    }
    // Enums are checked by GraphQL itself.
    const badEnum = await execute(customers, manager, CREATE, { input: { ...base, segment: 'VIP' } });
    expect(badEnum.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(badEnum.errors?.[0]?.message).toContain('VIP');
    const bad = await execute(
      customers,
      manager,
      `mutation { updateCustomer(id: "1", input: {email: "x@"}) { id } }`,
    );
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.email' });
  });

  test('a duplicate code or e-mail is a CONFLICT naming the field', async () => {
    const dupCode = await execute(customers, manager, CREATE, { input: { ...base, code: 'C001' } });
    expect(dupCode.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.code' });
    const dupEmail = await execute(customers, manager, CREATE, {
      input: { ...base, email: 'C2@Shop.example' },
    });
    expect(dupEmail.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.email' });
    const upd = await execute(
      customers,
      manager,
      `mutation { updateCustomer(id: "1", input: {email: "c3@shop.example"}) { id } }`,
    );
    expect(upd.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.email' });
  });

  test('every committed mutation leaves one audit row; a failed one leaves none', async () => {
    const audit = async () =>
      (
        await customers.db.pool.query(
          `SELECT operation, count(*)::int AS n FROM platform.audit_log GROUP BY operation ORDER BY operation`,
        )
      ).rows;
    const count = async (op: string) => (await audit()).find((r) => r.operation === op)?.n ?? 0;
    const before = {
      create: await count('createCustomer'),
      update: await count('updateCustomer'),
      contact: await count('addCustomerContact'),
    };
    const created = dataOf(
      await execute(customers, manager, CREATE, {
        input: { ...base, code: 'AUD-1', email: 'aud@x.example' },
      }),
    ).createCustomer;
    await execute(customers, manager, CREATE, { input: { ...base, code: 'AUD-1' } }); // conflict: rolled back
    dataOf(
      await execute(
        customers,
        manager,
        `mutation($id: ID!) { updateCustomer(id: $id, input: {status: INACTIVE, phone: null}) { status } }`,
        { id: created.id },
      ),
    );
    await execute(
      customers,
      manager,
      `mutation { updateCustomer(id: "999999", input: {status: INACTIVE}) { status } }`,
    ); // not found
    dataOf(
      await execute(
        customers,
        manager,
        `mutation($id: ID!) { addCustomerContact(customerId: $id, input: {name: "A"}) { id } }`,
        { id: created.id },
      ),
    );
    expect(await count('createCustomer')).toBe(before.create + 1);
    expect(await count('updateCustomer')).toBe(before.update + 1);
    expect(await count('addCustomerContact')).toBe(before.contact + 1);
    const row = (
      await customers.db.pool.query(
        `SELECT user_id, user_role, entity, entity_id, before, after FROM platform.audit_log WHERE operation = 'updateCustomer'`,
      )
    ).rows[0];
    expect(row).toMatchObject({
      user_id: 1,
      user_role: 'MANAGER',
      entity: 'Customer',
      entity_id: created.id,
    });
    expect(row.before.status).toBe('ACTIVE');
    expect(row.after.status).toBe('INACTIVE');
  });

  test('updateCustomer leaves absent fields alone, clears nullable ones given null, and moves the geography', async () => {
    const created = dataOf(
      await execute(
        customers,
        manager,
        `mutation { createCustomer(input: {code: "UPD-1", name: "Upd", email: "upd@x.example", phone: "+33 1 23 45 67 89",
        geography: {countryCode: "FR", region: "Nouvelle-Aquitaine", city: "Bordeaux"}}) { id } }`,
      ),
    ).createCustomer;
    const res = dataOf(
      await execute(
        customers,
        manager,
        `mutation($id: ID!) { updateCustomer(id: $id, input: {phone: null, segment: WHOLESALE,
        geography: {countryCode: "NL", countryName: "Netherlands", region: "North Holland", city: "Amsterdam"}}) {
        name email phone segment geography { city { name region { country { code } } } } } }`,
        { id: created.id },
      ),
    ).updateCustomer;
    expect(res).toEqual({
      name: 'Upd',
      email: 'upd@x.example',
      phone: null,
      segment: 'WHOLESALE',
      geography: { city: { name: 'Amsterdam', region: { country: { code: 'NL' } } } },
    });
  });
});

describe('assignCustomerSegments', () => {
  const ASSIGN = `mutation($a: [CustomerSegmentAssignment!]!, $k: String) { assignCustomerSegments(assignments: $a, idempotencyKey: $k) }`;

  test('writes analytic segments and their time, counts updated customers, one audit row per call', async () => {
    const auditRows = async () =>
      (
        await customers.db.pool.query(
          `SELECT count(*)::int AS n FROM platform.audit_log WHERE operation = 'assignCustomerSegments'`,
        )
      ).rows[0].n;
    const before = await auditRows();
    const a = [
      { customerId: '1', segment: 'Champions' },
      { customerId: '2', segment: 'At Risk' },
      { customerId: '999999', segment: 'Ghost' },
    ];
    expect(dataOf(await execute(customers, mining, ASSIGN, { a })).assignCustomerSegments).toBe(2);
    const rows = (
      await customers.db.pool.query(
        `SELECT id, analytic_segment, analytic_segment_at FROM customers.customers WHERE id IN (1, 2, 3) ORDER BY id`,
      )
    ).rows;
    expect(rows.map((r) => r.analytic_segment)).toEqual(['Champions', 'At Risk', null]);
    expect(rows[0].analytic_segment_at).toBeInstanceOf(Date);
    expect(await auditRows()).toBe(before + 1);
    const { customer } = dataOf(
      await execute(customers, analyst, `{ customer(id: "1") { analyticSegment analyticSegmentAt } }`),
    );
    expect(customer.analyticSegment).toBe('Champions');
    expect(new Date(customer.analyticSegmentAt).getTime()).toBe(rows[0].analytic_segment_at.getTime());
  });

  test('is idempotent with a key: a retry changes nothing and returns the first count', async () => {
    const a = Array.from({ length: 20 }, (_, i) => ({
      customerId: String(i + 1),
      segment: i % 2 ? 'Loyal' : 'New',
    }));
    const first = dataOf(
      await execute(customers, mining, ASSIGN, { a, k: 'mining-run-0001' }),
    ).assignCustomerSegments;
    expect(first).toBe(20);
    const stamp = async () =>
      (
        await customers.db.pool.query(
          `SELECT max(analytic_segment_at) AS t, count(*) FILTER (WHERE analytic_segment = 'Loyal')::int AS loyal FROM customers.customers`,
        )
      ).rows[0];
    const after1 = await stamp();
    const audits = async () =>
      (
        await customers.db.pool.query(
          `SELECT count(*)::int AS n FROM platform.audit_log WHERE operation = 'assignCustomerSegments'`,
        )
      ).rows[0].n;
    const auditsAfter1 = await audits();
    await new Promise((r) => setTimeout(r, 20));
    expect(
      dataOf(await execute(customers, mining, ASSIGN, { a, k: 'mining-run-0001' })).assignCustomerSegments,
    ).toBe(20);
    expect(await stamp()).toEqual(after1);
    expect(await audits()).toBe(auditsAfter1);
    const other = await execute(customers, mining, ASSIGN, { a: a.slice(1), k: 'mining-run-0001' });
    expect(other.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_MISMATCH');
  });

  // Bug: every mining run rewrote every segment (and updated_at) even when none changed, so the next
  // ETL reloaded every customer and the daily pipeline never found "no change".
  test('segments that did not change are not rewritten: 0 updated, updated_at kept', async () => {
    const a = [{ customerId: '5', segment: 'Hibernating' }];
    expect(dataOf(await execute(customers, mining, ASSIGN, { a })).assignCustomerSegments).toBe(1);
    const before = (
      await customers.db.pool.query(
        `SELECT updated_at, analytic_segment_at FROM customers.customers WHERE id = 5`,
      )
    ).rows[0];
    await new Promise((r) => setTimeout(r, 20));
    expect(dataOf(await execute(customers, mining, ASSIGN, { a })).assignCustomerSegments).toBe(0);
    expect(
      (
        await customers.db.pool.query(
          `SELECT updated_at, analytic_segment_at FROM customers.customers WHERE id = 5`,
        )
      ).rows[0],
    ).toEqual(before);
  });

  test('more than 10,000 assignments or a bad entry are refused naming the field', async () => {
    const many = Array.from({ length: 10_001 }, (_, i) => ({ customerId: String(i + 1), segment: 'X' }));
    const res = await execute(customers, mining, ASSIGN, { a: many });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'assignments' });
    const bad = await execute(customers, mining, ASSIGN, {
      a: [
        { customerId: '1', segment: 'ok' },
        { customerId: 'x', segment: 'ok' },
      ],
    });
    expect(bad.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'assignments[1].customerId',
    });
    const blank = await execute(customers, mining, ASSIGN, { a: [{ customerId: '1', segment: '  ' }] });
    expect(blank.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'assignments[0].segment',
    });
  });
});
