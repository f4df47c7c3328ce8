import { resetPassword } from './auth/bootstrap';
import { LOGIN, PASSWORD, startTestSystem, type TestSystem } from './test-system';

/** `npm run admin -- reset-password EMAIL`: the way back in when nobody can log in. */
let t: TestSystem;
beforeAll(async () => {
  t = await startTestSystem();
}, 60_000);
afterAll(() => t.close());

const REFRESH = `mutation($r: String!) { refreshToken(refreshToken: $r) { accessToken } }`;

it('a generated password replaces the old one, unlocks the account and ends its sessions', async () => {
  const email = t.users.MANAGER.email;
  const before = await t.gql(LOGIN, { e: email, p: PASSWORD });
  const session = before.body.data.login.refreshToken as string;
  await t.db.pool.query(
    `UPDATE auth.users SET failed_logins = 5, locked_until = now() + interval '1 hour' WHERE email = $1`,
    [email],
  );

  const result = await resetPassword(t.db.pool, email.toUpperCase());
  expect(result).toEqual({
    email,
    generatedPassword: expect.stringMatching(/^[\w-]{16}$/),
    sessionsEnded: 1,
  });

  expect((await t.gql(REFRESH, { r: session })).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  expect((await t.gql(LOGIN, { e: email, p: PASSWORD })).body.errors?.[0]?.extensions?.code).toBe(
    'UNAUTHENTICATED',
  );
  const after = await t.gql(LOGIN, { e: email, p: result.generatedPassword });
  expect(after.body.errors).toBeUndefined();
  expect(after.body.data.login.accessToken).toBeTruthy();
});

it('takes the new password from the caller when given, and checks it like any password', async () => {
  const email = t.users.ANALYST.email;
  await expect(resetPassword(t.db.pool, email, 'short')).rejects.toThrow(/NEW_PASSWORD/);
  const chosen = 'a much longer passphrase 42';
  expect(await resetPassword(t.db.pool, email, chosen)).toEqual({
    email,
    generatedPassword: undefined,
    sessionsEnded: 0,
  });
  expect((await t.gql(LOGIN, { e: email, p: chosen })).body.data.login.accessToken).toBeTruthy();
});

it('refuses an unknown e-mail and a service account, changing nothing', async () => {
  await expect(resetPassword(t.db.pool, 'nobody@example.com')).rejects.toThrow(
    /no user with the email nobody@example.com/,
  );
  await expect(resetPassword(t.db.pool, t.services.ETL_SERVICE.email)).rejects.toThrow(/service account/);
  expect(
    (await t.gql(LOGIN, { e: t.services.ETL_SERVICE.email, p: PASSWORD })).body.data.login.accessToken,
  ).toBeTruthy();
});
