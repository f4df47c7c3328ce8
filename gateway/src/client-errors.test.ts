import { startTestSystem, type TestSystem } from './test-system';

/**
 * Client mistakes are client errors: 400 BAD_REQUEST or BAD_USER_INPUT naming the field, never
 * "Internal server error"; an oversized body is a 413 with a JSON answer; an anonymous call is
 * refused at the gateway without internal detail.
 */
let t: TestSystem;
beforeAll(async () => {
  t = await startTestSystem();
}, 60_000);
afterAll(() => t.close());

type Body = {
  data?: unknown;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
};
const post = async (body: unknown, token?: string) => {
  const res = await fetch(t.system.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Body };
};
const noInternal = (b: Body) =>
  expect(JSON.stringify(b)).not.toMatch(/Internal server error|INTERNAL_SERVER_ERROR/);

test('several operations and no operationName answered "Internal server error": now 400 BAD_REQUEST', async () => {
  const r = await post({ query: `query A { me { id } } query B { me { email } }` }, await t.login('ADMIN'));
  expect(r.status).toBe(400);
  expect(r.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  expect(r.body.errors?.[0]?.message).toMatch(/operationName/);
  noInternal(r.body);
});

test('an unknown operationName answered "Internal server error": now 400 BAD_REQUEST', async () => {
  const r = await post({ query: `query A { me { id } }`, operationName: 'Nope' }, await t.login('ADMIN'));
  expect(r.status).toBe(400);
  expect(r.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  noInternal(r.body);
});

test('a malformed cursor answered "Internal server error": now BAD_USER_INPUT naming after', async () => {
  const token = await t.login('ADMIN');
  for (const after of [
    '%%%not-base64',
    Buffer.from('{"a":1}').toString('base64url'),
    Buffer.from('[1,2,3,4,5]').toString('base64url'),
  ]) {
    const r = await post(
      {
        query: `query($a: String) { products(first: 2, after: $a) { edges { node { id } } } }`,
        variables: { a: after },
      },
      token,
    );
    expect(r.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    noInternal(r.body);
  }
});

test('a NUL byte in a text filter answered "Internal server error": now BAD_USER_INPUT naming the field', async () => {
  const r = await post(
    {
      query: `query($s: String) { products(filter: { search: $s }) { totalCount } }`,
      variables: { s: 'pen\u0000cil' },
    },
    await t.login('ADMIN'),
  );
  expect(r.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.search' });
  noInternal(r.body);
});

test('an invalid Decimal variable answered "Internal server error": now 400 BAD_USER_INPUT', async () => {
  const token = await t.login('ADMIN');
  const categoryId = (
    await t.db.pool.query(
      `INSERT INTO catalog.categories (code, name) VALUES ('DEC', 'Decimals') RETURNING id`,
    )
  ).rows[0].id;
  for (const price of ['12,50', 'NaN', '1e400', { amount: 3 }]) {
    const r = await post(
      {
        query: `mutation($p: Decimal!, $c: ID!) { createProduct(input: { sku: "DEC-1", name: "x", categoryId: $c, listPrice: $p }) { id } }`,
        variables: { p: price, c: String(categoryId) },
      },
      token,
    );
    expect(r.status).toBe(400);
    expect(r.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    noInternal(r.body);
  }
  expect(
    (await t.db.pool.query(`SELECT count(*)::int AS n FROM catalog.products WHERE sku = 'DEC-1'`)).rows[0].n,
  ).toBe(0);
});

test('a body over 2 MB got a TCP reset: now HTTP 413 with a JSON error', async () => {
  const res = await fetch(t.system.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: `{ me { id } }`, pad: 'x'.repeat(2 * 1024 * 1024 + 10) }),
  });
  expect(res.status).toBe(413);
  const body = (await res.json()) as Body;
  expect(body.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
  // the gateway still answers on a new connection
  expect((await post({ query: `{ __typename }` })).status).toBe(200);
});

test('an anonymous query answered 401 on HTTP 200 with the internal subgraph URL: now UNAUTHENTICATED at the gateway, no detail', async () => {
  for (const query of [
    `{ warehouses { id } }`,
    `{ products { totalCount } }`,
    `{ me { id } }`,
    `{ orders { totalCount } }`,
  ]) {
    const r = await post({ query });
    expect(r.status).toBe(401);
    expect(r.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(r.body.data ?? null).toBeNull();
    const text = JSON.stringify(r.body);
    expect(text).not.toMatch(
      /https?:\/\/|127\.0\.0\.1|localhost|subgraph|serviceName|catalog|sales|customers/i,
    );
  }
  // login stays open to anonymous callers
  expect(
    (
      await post({
        query: `mutation { login(email: "nobody@test.example", password: "whatever it is") { accessToken } }`,
      })
    ).body.errors?.[0]?.extensions?.code,
  ).toBe('UNAUTHENTICATED');
});
