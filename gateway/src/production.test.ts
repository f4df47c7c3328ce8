import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@erp/kit';
import { PASSWORD, startTestSystem, type TestSystem } from './test-system';

/** The gateway as deployed (NODE_ENV=production): schema discovery closed, limits before execution. */
let t: TestSystem;
beforeAll(async () => {
  t = await startTestSystem({ production: true });
}, 60_000);
afterAll(() => t.close());

const categories = async () =>
  (await t.db.pool.query(`SELECT count(*)::int AS n FROM catalog.categories`)).rows[0].n as number;

test('introspection is refused and no playground page is served', async () => {
  const token = await t.login('ADMIN');
  const r = await t.gql(`{ __schema { types { name } } }`, {}, token);
  expect(r.status).toBe(400);
  expect(JSON.stringify(r.body.errors)).toMatch(/introspection/i);
  const page = await fetch(t.system.gatewayUrl, { headers: { accept: 'text/html' } });
  expect(await page.text()).not.toMatch(/graphiql|sandbox/i);
});

test('a misspelt field gets no "Did you mean" hint naming real fields', async () => {
  const token = await t.login('ADMIN');
  const r = await t.gql(`{ order { numbr } prodcts { totalCount } }`, {}, token);
  expect(r.status).toBe(400);
  expect(JSON.stringify(r.body.errors)).not.toMatch(/did you mean/i);
});

test('over-limit operations are rejected before execution: 16 aliased mutations write nothing', async () => {
  const token = await t.login('ADMIN');
  const before = await categories();
  const aliased = `mutation { ${Array.from({ length: 16 }, (_, i) => `c${i}: createCategory(input: {code: "AL${i}", name: "x"}) { id }`).join(' ')} }`;
  const r = await t.gql(aliased, {}, token);
  expect(r.status).toBe(400);
  expect(await categories()).toBe(before);
  // 15 aliases are allowed (the limit is 15, not 14)
  const ok = await t.gql(
    `mutation { ${Array.from({ length: 15 }, (_, i) => `c${i}: createCategory(input: {code: "OK${i}", name: "x"}) { id }`).join(' ')} }`,
    {},
    token,
  );
  expect(ok.body.errors).toBeUndefined();
  expect(await categories()).toBe(before + 15);
});

test('a token flood (over 1,000 tokens) and a cost bomb are rejected before execution', async () => {
  const token = await t.login('ADMIN');
  const tokens = await t.gql(
    `{ warehouses { ${Array.from({ length: 600 }, () => 'id code').join(' ')} } }`,
    {},
    token,
  );
  expect(tokens.status).toBe(400);
  const cost = `{ orders(first: 100) { edges { node { lines { product { stock { warehouse { code } } } } customer { orders(first: 100) { edges { node { lines { product { sku } } } } } } } } } }`;
  const r = await t.gql(cost, {}, token);
  expect(r.status).toBe(400);
});

test('login cannot be aliased, so one request is one attempt; the 5th failure locks the account', async () => {
  const aliased = `mutation { ${Array.from({ length: 6 }, (_, i) => `a${i}: login(email: "${t.users.PURCHASING.email}", password: "wrong-${i}") { accessToken }`).join(' ')} }`;
  const r = await t.gql(aliased);
  expect(r.status).toBe(400);
  expect(JSON.stringify(r.body.errors)).toMatch(/login cannot be aliased/);
  const attempt = (p: string) =>
    t.gql(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`, {
      e: t.users.PURCHASING.email,
      p,
    });
  for (let i = 0; i < 5; i++)
    expect((await attempt(`wrong-${i}`)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  // locked: the right password gets the wrong password's answer (a lock tells nothing about the account)
  const locked = await attempt(PASSWORD);
  expect([locked.status, locked.body.errors[0].extensions.code, locked.body.errors[0].message]).toEqual([
    401,
    'UNAUTHENTICATED',
    'Invalid e-mail or password',
  ]);
  // the refusal was the lock (the 5th failure locks for 1 s: the lock itself may be over by now)
  expect(
    (await t.db.pool.query(`SELECT failed_logins FROM auth.users WHERE id = $1`, [t.users.PURCHASING.id]))
      .rows[0].failed_logins,
  ).toBe(5);
});

test('the audit log lists committed mutations for ADMIN, filterable by entity', async () => {
  const token = await t.login('ADMIN');
  await t.gql(
    `mutation { createWarehouse(input: {code: "AUD", name: "Audit", city: "Lyon", countryCode: "FR"}) { id } }`,
    {},
    token,
  );
  const r = await t.gql(
    `{ auditLog(first: 5, filter: {entity: "Warehouse"}) { edges { node { operation entity userRole after } } } }`,
    {},
    token,
  );
  expect(r.body.data.auditLog.edges[0].node).toMatchObject({
    operation: 'createWarehouse',
    entity: 'Warehouse',
    userRole: 'ADMIN',
  });
  expect(JSON.parse(r.body.data.auditLog.edges[0].node.after)).toMatchObject({ code: 'AUD' });
  const denied = await t.gql(`{ auditLog { edges { node { id } } } }`, {}, await t.login('MANAGER'));
  expect(denied.body.errors[0].extensions.code).toBe('FORBIDDEN');
});

test('the password hash is not part of the API schema', () => {
  expect(readFileSync(path.join(repoRoot(), 'sdk', 'schema.graphql'), 'utf8')).not.toMatch(/password_?hash/i);
});
