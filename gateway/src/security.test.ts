import { SignJWT } from 'jose';
import { IDENTITY_HEADER, signIdentity } from '@erp/kit';
import { startTestSystem, TEST_SECRETS, PASSWORD, type TestSystem } from './test-system';
import { ACCESS_AUDIENCE, ACCESS_ISSUER } from './auth/tokens';

/** Authentication, token checks, subgraph isolation, limits and CSRF, through the gateway over HTTP. */
let t: TestSystem;
beforeAll(async () => {
  t = await startTestSystem();
}, 60_000);
afterAll(() => t.close());

const ME = `{ me { email role } }`;
const enc = (s: string) => new TextEncoder().encode(s);

test('login returns an access token (≤ 15 min), a refresh token and the user; the token works', async () => {
  const r = await t.gql(
    `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken expiresAt user { email role } } }`,
    {
      e: t.users.MANAGER.email,
      p: PASSWORD,
    },
  );
  const login = r.body.data.login;
  expect(login.user).toEqual({ email: t.users.MANAGER.email, role: 'MANAGER' });
  const [, payload] = login.accessToken.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  expect(claims.exp - claims.iat).toBeLessThanOrEqual(900);
  expect((await t.gql(ME, {}, login.accessToken)).body.data.me.role).toBe('MANAGER');
  // refresh rotates: the old refresh token stops working
  const r2 = await t.gql(
    `mutation($r: String!) { refreshToken(refreshToken: $r) { accessToken refreshToken } }`,
    { r: login.refreshToken },
  );
  expect(r2.body.data.refreshToken.accessToken).toBeTruthy();
  const r3 = await t.gql(`mutation($r: String!) { refreshToken(refreshToken: $r) { accessToken } }`, {
    r: login.refreshToken,
  });
  expect(r3.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
});

test('passwords are stored as argon2id with OWASP parameters', async () => {
  const { rows } = await t.db.pool.query(`SELECT password_hash FROM auth.users WHERE email = $1`, [
    t.users.ADMIN.email,
  ]);
  const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=1\$/.exec(rows[0].password_hash);
  expect(m).not.toBeNull();
  expect(Number(m![1])).toBeGreaterThanOrEqual(19456);
  expect(Number(m![2])).toBeGreaterThanOrEqual(2);
});

test('unknown user and wrong password get the same answer; the 5th failure locks the account', async () => {
  const q = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`;
  const unknown = await t.gql(q, { e: 'nobody@test.example', p: 'whatever-password' });
  const wrong = await t.gql(q, { e: t.users.ANALYST.email, p: 'wrong-password-1' });
  expect(unknown.body.errors[0].message).toBe(wrong.body.errors[0].message);
  expect(unknown.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  for (let i = 0; i < 4; i++) await t.gql(q, { e: t.users.ANALYST.email, p: `wrong-password-${i}` });
  // locked: even the right password is refused, with the answer an unknown e-mail gets (no enumeration)
  const locked = await t.gql(q, { e: t.users.ANALYST.email, p: PASSWORD });
  expect([locked.status, locked.body.errors[0].extensions.code, locked.body.errors[0].message]).toEqual([
    unknown.status,
    'UNAUTHENTICATED',
    unknown.body.errors[0].message,
  ]);
  // the refusal was the lock (the 5th failure locks for 1 s: the lock itself may be over by now)
  expect(
    (await t.db.pool.query(`SELECT failed_logins FROM auth.users WHERE id = $1`, [t.users.ANALYST.id]))
      .rows[0].failed_logins,
  ).toBe(5);
});

describe('tokens the gateway must refuse (401 UNAUTHENTICATED)', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const claims = { email: 'admin@test.example', role: 'ADMIN' };
  /** An access token as the gateway signs one, but for the one thing a case changes. */
  const token = (change: {
    secret?: string;
    issuer?: string;
    audience?: string;
    iat?: number;
    exp?: number | null;
  }) => {
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('1')
      .setIssuer(change.issuer ?? ACCESS_ISSUER)
      .setAudience(change.audience ?? ACCESS_AUDIENCE)
      .setIssuedAt(change.iat);
    if (change.exp !== null) jwt.setExpirationTime(change.exp ?? '5m');
    return jwt.sign(enc(change.secret ?? TEST_SECRETS.JWT_SECRET));
  };
  const cases: [string, () => Promise<string>][] = [
    ['signed with another secret', () => token({ secret: 'x'.repeat(40) })],
    ['expired', () => token({ iat: now() - 3600, exp: now() - 600 })],
    [
      'alg none',
      async () =>
        `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify({ ...claims, sub: '1', iss: ACCESS_ISSUER, aud: ACCESS_AUDIENCE, iat: now(), exp: now() + 300 })).toString('base64url')}.`,
    ],
    ['wrong audience', () => token({ audience: 'another-api' })],
    ['wrong issuer', () => token({ issuer: 'someone-else' })],
    ['without exp', () => token({ exp: null })],
    [
      'the subgraph identity token replayed as an access token',
      () =>
        signIdentity(TEST_SECRETS.SUBGRAPH_SECRET, {
          userId: 1,
          email: 'a@b.c',
          role: 'ADMIN',
          requestId: 'r',
        }),
    ],
    ['garbage', async () => 'not-a-token'],
  ];
  test.each(cases)('%s', async (_name, make) => {
    const r = await t.gql(ME, {}, await make());
    expect(r.status).toBe(401);
    expect(r.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});

test('a subgraph called directly refuses requests without, or with a forged, gateway identity', async () => {
  for (const url of Object.values(t.system.subgraphUrls)) {
    const bare = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ _service { sdl } }' }),
    });
    expect(bare.status).toBe(401);
    expect(bare.headers.get('access-control-allow-origin')).toBeNull();
    const forged = await signIdentity('f'.repeat(40), {
      userId: 1,
      email: null,
      role: 'ADMIN',
      requestId: 'x',
    });
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: forged },
      body: JSON.stringify({ query: '{ _service { sdl } }' }),
    });
    expect(res.status).toBe(401);
  }
});

test('anonymous callers get UNAUTHENTICATED for domain data', async () => {
  const r = await t.gql(`{ warehouses { id } }`);
  expect(r.status).toBe(401);
  expect(r.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  expect(r.body.data ?? null).toBeNull();
});

test('over-limit queries are rejected before any resolver runs: depth, aliases, batches', async () => {
  const token = await t.login('ADMIN');
  const deep = `{ categories { children { children { children { children { children { children { children { children { children { id } } } } } } } } } } }`;
  const r1 = await t.gql(deep, {}, token);
  expect(r1.status).toBe(400);
  expect(JSON.stringify(r1.body.errors)).toMatch(/depth/i);
  const aliases = `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: warehouses { id }`).join(' ')} }`;
  const r2 = await t.gql(aliases, {}, token);
  expect(r2.status).toBe(400);
  expect(JSON.stringify(r2.body.errors)).toMatch(/alias/i);
  const batch = await fetch(t.system.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify([{ query: ME }, { query: ME }]),
  });
  expect(batch.status).toBe(400);
});

test('CSRF: a simple text/plain POST is refused with no side effect', async () => {
  const before = (await t.db.pool.query(`SELECT count(*)::int AS n FROM catalog.categories`)).rows[0].n;
  const token = await t.login('ADMIN');
  const res = await fetch(t.system.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: `mutation { createCategory(input: {code: "CSRF", name: "x"}) { id } }` }),
  });
  expect(res.status).toBe(400);
  expect(await res.text()).toMatch(/Cross-Site Request Forgery/);
  expect((await t.db.pool.query(`SELECT count(*)::int AS n FROM catalog.categories`)).rows[0].n).toBe(before);
});

test('errors are masked: no stack trace, SQL or internal detail reaches the client', async () => {
  const token = await t.login('ADMIN');
  const r = await t.gql(`{ product(id: "99999999999") { id } }`, {}, token);
  const text = JSON.stringify(r.body);
  expect(text).not.toMatch(/stacktrace|SELECT |exception/i);
});

test('healthz answers, readyz reports the subgraphs and the database', async () => {
  const base = t.system.gatewayUrl.replace(/\/graphql$/, '');
  expect((await fetch(`${base}/healthz`)).status).toBe(200);
  const ready = await (await fetch(`${base}/readyz`)).json();
  expect(ready).toMatchObject({
    ready: true,
    catalog: 'ready',
    customers: 'ready',
    suppliers: 'ready',
    sales: 'ready',
    database: 'ready',
  });
});
