import { LOGIN, PASSWORD, startTestSystem, type TestSystem } from './test-system';

/** Sessions die with what they were granted on: a password or role change, a replayed refresh token. */
let t: TestSystem;
beforeAll(async () => {
  t = await startTestSystem();
}, 60_000);
afterAll(() => t.close());

const REFRESH = `mutation($r: String!) { refreshToken(refreshToken: $r) { accessToken refreshToken user { role } } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id role } }`;
const login = async (email: string, password = PASSWORD) =>
  (await t.gql(LOGIN, { e: email, p: password })).body.data.login as {
    accessToken: string;
    refreshToken: string;
  };
const code = (r: { body: { errors?: { extensions?: { code?: string } }[] } }) =>
  r.body.errors?.[0]?.extensions?.code;

test('a session survived a password change: the old refresh token now issues nothing', async () => {
  const admin = await t.login('ADMIN');
  const before = await login(t.users.WAREHOUSE.email);
  const NEW = 'a much longer new passphrase 2026';
  expect(
    code(await t.gql(UPDATE, { id: String(t.users.WAREHOUSE.id), input: { password: NEW } }, admin)),
  ).toBeUndefined();
  expect(code(await t.gql(REFRESH, { r: before.refreshToken }))).toBe('UNAUTHENTICATED');
  const after = await login(t.users.WAREHOUSE.email, NEW);
  expect((await t.gql(REFRESH, { r: after.refreshToken })).body.data.refreshToken.user.role).toBe(
    'WAREHOUSE',
  );
});

test('a session survived a role change: the old refresh token (issued for the old role) now issues nothing', async () => {
  const admin = await t.login('ADMIN');
  const before = await login(t.users.PURCHASING.email);
  expect(
    (await t.gql(UPDATE, { id: String(t.users.PURCHASING.id), input: { role: 'ANALYST' } }, admin)).body.data
      .updateUser.role,
  ).toBe('ANALYST');
  expect(code(await t.gql(REFRESH, { r: before.refreshToken }))).toBe('UNAUTHENTICATED');
  // a change of name only keeps the sessions
  const kept = await login(t.users.PURCHASING.email);
  await t.gql(UPDATE, { id: String(t.users.PURCHASING.id), input: { name: 'Renamed' } }, admin);
  expect((await t.gql(REFRESH, { r: kept.refreshToken })).body.data.refreshToken.user.role).toBe('ANALYST');
});

test('a replayed refresh token did not revoke its family: now the whole family is revoked', async () => {
  const first = await login(t.users.SALES.email);
  const rotated = (await t.gql(REFRESH, { r: first.refreshToken })).body.data.refreshToken;
  // the thief replays the first token: refused, and the rotated token of the owner dies too
  expect(code(await t.gql(REFRESH, { r: first.refreshToken }))).toBe('UNAUTHENTICATED');
  expect(code(await t.gql(REFRESH, { r: rotated.refreshToken }))).toBe('UNAUTHENTICATED');
  // logging in again works
  expect((await login(t.users.SALES.email)).refreshToken).toBeTruthy();
});
